"""The postmortem draft as a knowledge-base document: YAML front matter, then Markdown.

The front matter is the knowledge base's postmortem format (``title``, ``date``,
``services``, ``severity``, ``cause``, ``rollback: {attempted, outcome}``, plus ``tags`` and
``lang``), so ``kb ingest`` takes the file as it is and the next incident's rollback
answer can cite it. Quoted chat stays on one line and never breaks the layout: the front
matter is written by YAML's own dumper, table cells escape ``|``.
"""

from __future__ import annotations

from typing import Any

import yaml

from assistant.core import postmortem_texts as tx
from assistant.core.model import Lang, Phase
from assistant.core.phases import label as phase_label
from assistant.core.postmortem_model import (
    ACTION_KINDS,
    Entry,
    Postmortem,
    clock,
    quote,
    span_between,
)

SHOWN_SOURCES = 3


def front_matter(pm: Postmortem) -> dict[str, Any]:
    """The document's metadata, in the knowledge base's postmortem format."""
    if pm.cause_certainty == "confirmed":
        cause = pm.cause
    elif pm.cause_certainty == "suspected":
        cause = tx.w(tx.CAUSE_FRONT, "suspected", pm.lang, cause=pm.cause)
    else:
        cause = tx.w(tx.CAUSE_FRONT, "unknown", pm.lang)
    rollback: dict[str, Any] = {"attempted": pm.rollback_attempted}
    if pm.rollback_outcome is not None:
        rollback["outcome"] = pm.rollback_outcome
    return {
        "title": pm.title,
        "date": pm.date,
        "services": list(pm.services),
        "severity": pm.severity,
        "cause": cause,
        "rollback": rollback,
        "tags": list(pm.tags),
        "lang": pm.lang,
        "incident_id": pm.incident_id,
        "draft": True,
    }


def markdown(pm: Postmortem, phase_labels: dict[str, dict[str, str]] | None = None) -> str:
    """The whole document."""
    r = _Writer(pm, phase_labels)
    meta = yaml.safe_dump(
        front_matter(pm), allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    r.raw(f"---\n{meta}---\n")
    r.line(f"# {_one(tx.w(tx.HEADINGS, 'title', pm.lang, title=pm.title))}")
    r.blank()
    r.line(f"> {r.w('note')}")
    if pm.phase is not Phase.RESOLVED:
        label = phase_label(pm.phase, pm.lang, phase_labels)
        r.line(">")
        r.line(f"> {r.w('still_open', at=clock(pm.as_of), label=label)}")
    r.section("summary")
    r.line(_one(pm.summary))
    r.section("impact")
    if pm.impact:
        for e in pm.impact:
            r.line(f"- {r.fact(e)}")
    else:
        r.line(r.w("none_impact"))
    r.section("timeline")
    for e in pm.timeline:
        r.line(f"- {clock(e.at)} — {r.timeline(e)}")
    r.section("times")
    r.times()
    r.section("decisions")
    r.sub("advice")
    r.advice()
    r.sub("done")
    r.entries(pm.done)
    r.sub("decided")
    r.entries(pm.decisions)
    r.section("roster")
    r.roster()
    r.section("actions")
    for i, kind in enumerate(ACTION_KINDS, 1):
        if i > 1:
            r.blank()
        r.line(f"### {i}. {tx.w(tx.ACTION_KINDS, kind, pm.lang)}")
        r.blank()
        found = pm.candidates(kind)
        if not found:
            r.line(f"- {r.w('none')}")
        for c in found:
            r.line(f"- {_one(c.text)}{r.refs(c.source_ids)}")
    return r.text()


def brief(pm: Postmortem, phase_labels: dict[str, dict[str, str]] | None = None) -> str:
    """The few lines posted with the draft file: what it is, how long, what it found."""
    lang = pm.lang
    marks = {m.key: m for m in pm.milestones}
    lines = [tx.w(tx.BRIEF, "head", lang, title=_one(pm.title))]
    if pm.phase is Phase.RESOLVED and marks["resolved"].at is not None:
        took = span_between(marks["detected"].at, marks["resolved"].at, lang)
        state = tx.w(tx.BRIEF, "resolved", lang, duration=took)
    else:
        state = tx.w(tx.BRIEF, "open", lang, label=phase_label(pm.phase, lang, phase_labels))
    kinds = sum(1 for kind in ACTION_KINDS if pm.candidates(kind))
    outcome = pm.rollback_outcome or "unknown"
    rollback = tx.w(tx.ROLLBACK_BRIEF, outcome, lang)
    counts = tx.w(tx.BRIEF, "counts", lang, n=len(pm.actions), kinds=kinds, rollback=rollback)
    lines.append(state + ("" if lang == "ja" else " ") + counts)
    lines.append(tx.w(tx.BRIEF, "next", lang))
    return "\n".join(lines)


def _one(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _one(text).replace("|", "\\|")


class _Writer:
    def __init__(self, pm: Postmortem, phase_labels: dict[str, dict[str, str]] | None) -> None:
        self.pm = pm
        self.lang: Lang = pm.lang
        self.labels = phase_labels
        self.lines: list[str] = []

    def w(self, key: str, **values: object) -> str:
        return tx.w(tx.W, key, self.lang, **values)

    def raw(self, text: str) -> None:
        self.lines.append(text.rstrip("\n"))

    def line(self, text: str) -> None:
        self.lines.append(text)

    def blank(self) -> None:
        self.lines.append("")

    def section(self, key: str) -> None:
        self.blank()
        self.line(f"## {tx.w(tx.HEADINGS, key, self.lang)}")
        self.blank()

    def sub(self, key: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.blank()
        self.line(f"### {tx.w(tx.HEADINGS, key, self.lang)}")
        self.blank()

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"

    # ---- pieces
    def refs(self, ids: list[str]) -> str:
        shown = ids[:SHOWN_SOURCES]
        if not shown:
            return ""
        parts = []
        for s in shown:
            link = self.pm.links.get(s)
            parts.append(f"[#{s}]({link})" if link else f"[#{s}]")
        more = len(ids) - len(shown)
        return " " + " ".join(parts) + (f" +{more}" if more else "")

    def mark(self, e: Entry) -> str:
        if e.certainty is None:
            return ""
        word = self.w(e.certainty)
        return f"（{word}）" if self.lang == "ja" else f" ({word})"

    def fact(self, e: Entry) -> str:
        who = f" — {e.by}" if e.by else ""
        return f"{quote(e.text, self.lang)}{self.mark(e)}{who}{self.refs(e.source_ids)}"

    def phase(self, value: str) -> str:
        return phase_label(Phase(value), self.lang, self.labels)

    def timeline(self, e: Entry) -> str:
        kind = tx.w(tx.KIND, e.kind, self.lang)
        colon = "：" if self.lang == "ja" else ": "
        if e.kind == "phase":
            return f"{self.phase(e.text)}{self._by(e.by)}{self.refs(e.source_ids)}"
        if e.kind == "advice":
            rec = tx.w(tx.RECOMMENDATION, e.text, self.lang) if e.text else "—"
            return f"{kind}{colon}{rec}{self._by(e.by)}{self.refs(e.source_ids)}"
        return f"{kind}{colon}{self.fact(e)}"

    def _by(self, who: str | None) -> str:
        return f" — {who}" if who else ""

    def entries(self, entries: list[Entry]) -> None:
        if not entries:
            self.line(f"- {self.w('none')}")
        for e in entries:
            self.line(f"- {clock(e.at)} {self.fact(e)}")

    def times(self) -> None:
        cols = ("col_phase", "col_at", "col_from_detect", "col_step", "col_how")
        self.line("| " + " | ".join(self.w(c) for c in cols) + " |")
        self.line("| " + " | ".join("---" for _ in cols) + " |")
        detected = next((m.at for m in self.pm.milestones if m.key == "detected"), None)
        previous = None
        for m in self.pm.milestones:
            name = tx.w(tx.MILESTONES, m.key, self.lang)
            if m.at is None:
                self.line(f"| {name} | {self.w('not_reached')} | — | — | — |")
                continue
            how = tx.w(tx.HOW, m.how, self.lang) if m.how in tx.HOW else (m.how or "—")
            if m.by:
                how += f" ({m.by})" if self.lang == "en" else f"（{m.by}）"
            cells = (
                name,
                clock(m.at),
                span_between(detected, m.at, self.lang),
                span_between(previous, m.at, self.lang) if m.key != "onset" else "—",
                _cell(how) + self.refs(m.source_ids),
            )
            self.line("| " + " | ".join(cells) + " |")
            previous = m.at

    def advice(self) -> None:
        if not self.pm.advice:
            self.line(f"- {self.w('no_advice')}")
            return
        for a in self.pm.advice:
            rec = tx.w(tx.RECOMMENDATION, a.recommendation, self.lang) if a.recommendation else "—"
            asked = self.w("asked_by", who=a.asked_by or "—")
            sep = "・" if self.lang == "ja" else ", "
            known = sep.join(
                f"{tx.w(tx.CHECK_SHORT, c.key, self.lang)} {self.w(c.answer)}"
                for c in a.checklist
                if c.answer != "unknown"
            )
            unknown = sep.join(
                tx.w(tx.CHECK_SHORT, c.key, self.lang) for c in a.checklist if c.answer == "unknown"
            )
            checklist = self.w("checklist", yes=known or "—", unknown=unknown or "—")
            cited = (
                self.w("cited", docs=", ".join(f"`{d}`" for d in a.citations))
                if a.citations
                else self.w("no_citation")
            )
            text = self.w("advice_line", rec=rec, asked=asked, checklist=checklist, cited=cited)
            self.line(f"- {clock(a.at)} {text}{self.refs(a.source_ids)}")

    def roster(self) -> None:
        pm = self.pm
        who = pm.commander
        self.line(self.w("commander", who=who) if who else self.w("no_commander"))
        self.blank()
        if pm.roster:
            cols = ("col_who", "col_task", "col_purpose", "col_status", "col_when")
            self.line("| " + " | ".join(self.w(c) for c in cols) + " |")
            self.line("| " + " | ".join("---" for _ in cols) + " |")
            for r in pm.roster:
                status = tx.w(tx.STATUS, r.status, self.lang)
                until = clock(r.until) if r.until else ""
                cells = (
                    _cell(r.who),
                    _cell(r.task or "—"),
                    _cell(r.purpose or "—"),
                    status,
                    f"{clock(r.since)} – {until}".rstrip(" –") + self.refs(r.source_ids),
                )
                self.line("| " + " | ".join(cells) + " |")
        else:
            self.line(self.w("no_tasks"))
        if pm.bystanders:
            self.blank()
            sep = "、" if self.lang == "ja" else ", "
            people = []
            for b in pm.bystanders:
                if b.released_at is not None:
                    note = self.w("released_at", t=clock(b.released_at))
                elif b.left_at is not None:
                    note = self.w("left_at", t=clock(b.left_at))
                else:
                    note = ""
                if note:
                    people.append(
                        f"{b.who}（{note}）" if self.lang == "ja" else f"{b.who} ({note})"
                    )
                else:
                    people.append(b.who)
            self.line(self.w("without_task", people=sep.join(people)))
        if pm.flags_raised:
            self.blank()
            self.line(self.w("flags", n=pm.flags_raised))
