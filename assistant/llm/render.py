"""The text of a polished update: headline, then the claims grouped by section.

Used when the offline composer offers no renderer of its own (``LLMEngine`` takes one).
"""

from __future__ import annotations

from assistant.core.model import Claim, StatusUpdate

_SECTIONS: dict[str, dict[str, str]] = {
    "impact": {"ja": "影響", "en": "Impact"},
    "actions": {"ja": "対応状況", "en": "What is being done"},
    "confirmed": {"ja": "確認済み", "en": "Confirmed"},
    "suspected": {"ja": "未確認（推測）", "en": "Suspected (not confirmed)"},
    "decisions": {"ja": "決定事項", "en": "Decisions"},
    "waiting": {"ja": "判断待ち", "en": "Waiting on"},
}
_SUSPECTED = {"ja": "（未確認）", "en": " (unconfirmed)"}
_NEXT = {"ja": "次回更新: {t}", "en": "Next update: {t}"}


def render_update(update: StatusUpdate) -> str:
    lang = update.lang
    lines = [update.headline]
    for section, names in _SECTIONS.items():
        claims: list[Claim] = [c for c in update.claims if c.section == section]
        if not claims:
            continue
        lines.append("")
        lines.append(f"**{names[lang]}**")
        for c in claims:
            mark = _SUSPECTED[lang] if c.certainty == "suspected" and section != "suspected" else ""
            lines.append(f"- {c.text}{mark}")
    if update.next_update_at is not None:
        lines.append("")
        lines.append(_NEXT[lang].format(t=update.next_update_at.strftime("%H:%M UTC")))
    return "\n".join(lines)
