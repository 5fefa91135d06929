"""The text of a polished update: headline, then the claims grouped by section.

It follows the offline composer's layout (a ■ heading per section, a ・ line per claim with
its certainty and source references) so readers see one format whichever engine wrote the
words. ``LLMEngine`` takes another renderer if the offline composer offers one.
"""

from __future__ import annotations

from assistant.core.model import Claim, StatusUpdate

_SECTIONS: dict[str, dict[str, str]] = {
    "impact": {"ja": "影響", "en": "Impact"},
    "actions": {"ja": "対応状況（担当）", "en": "Being done (who)"},
    "confirmed": {"ja": "確定事項", "en": "Confirmed"},
    "suspected": {"ja": "推定・未確認", "en": "Suspected (not confirmed)"},
    "decisions": {"ja": "決定事項", "en": "Decisions"},
    "waiting": {"ja": "外部の判断待ち", "en": "Waiting on a decision from outside"},
}
_MARK = {
    "confirmed": {"ja": "（確定）", "en": " (confirmed)"},
    "suspected": {"ja": "（推定）", "en": " (suspected)"},
}
_NEXT = {"ja": "次回更新: {t}", "en": "Next update: {t}"}
MAX_REFS = 5


def _refs(claim: Claim) -> str:
    if not claim.source_ids:
        return ""
    shown = claim.source_ids[-MAX_REFS:]
    more = " …" if len(claim.source_ids) > MAX_REFS else ""
    return " [" + " ".join(f"#{s}" for s in shown) + more + "]"


def render_update(update: StatusUpdate) -> str:
    lang = update.lang
    lines = [update.headline]
    for section, names in _SECTIONS.items():
        claims = [c for c in update.claims if c.section == section]
        if not claims:
            continue
        lines.append(f"■ {names[lang]}")
        for c in claims:
            mark = _MARK[c.certainty][lang] if section not in ("actions",) else ""
            lines.append(f"・{c.text}{mark}{_refs(c)}")
    if update.next_update_at is not None:
        lines.append(_NEXT[lang].format(t=update.next_update_at.strftime("%H:%M UTC")))
    return "\n".join(lines)
