"""Rendering a status update: the phase-prefixed headline and the body, per audience.

Responders get detail: every claim marked confirmed or suspected, with the message ids it
came from. Stakeholders get plain words in the order they read: impact, the user-visible
state, the next update, then decisions and what is waiting; no names, no internal system
names, no speculation, no message references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from assistant.core import update_texts as tx
from assistant.core.model import Audience, Claim, IncidentState, Lang, Phase
from assistant.core.phases import label
from assistant.core.update_scrub import scrub
from assistant.core.update_select import Picture


@dataclass
class Rendered:
    headline: str
    text: str
    claims: list[Claim] = field(default_factory=list)


# A claim said in many messages cites them all in ``source_ids``; the text shows the latest
# few, so a reader can check it without wading through dozens of ids.
SHOWN_REFS = 3


def _refs(claim: Claim, lang: Lang) -> str:
    if not claim.source_ids:
        return " " + tx.ROSTER_REF[lang]
    ids = claim.source_ids[-SHOWN_REFS:]
    more = len(claim.source_ids) - len(ids)
    tail = f" +{more}" if more else ""
    return " [" + " ".join(f"#{s}" for s in ids) + tail + "]"


def headline(state: IncidentState, pic: Picture, kind: str, at: datetime, lang: Lang) -> str:
    """Phase prefix + one sentence with the gist, chosen from what the facts support."""
    phase = state.phase
    action = tx.ACTION_NOUN[pic.action_kind or "other"][lang]
    key: str
    t = at
    if phase is Phase.INVESTIGATING:
        if kind == "declared":
            key, t = "declared", state.declared_at or at
        elif pic.regressed_at is not None:
            key, t = "regressed", pic.regressed_at
        else:
            key, t = "investigating", pic.impact_since or state.declared_at or at
    elif phase is Phase.IDENTIFIED:
        key = "identified"
    elif phase is Phase.MITIGATING:
        key = "mitigating_cause" if pic.cause_known else "mitigating"
    elif phase is Phase.MONITORING:
        if pic.recovery_at is not None:
            key, t = "monitoring_recovered", pic.recovery_at
        else:
            key = "monitoring"
    else:
        t = state.resolved_at or at
        key = (
            "resolved"
            + ("_recovered" if pic.recovery_at else "")
            + ("_comms" if pic.comms_sources else "")
        )
    gist = tx.GIST[key][lang].format(t=tx.hhmm(t), action=action)
    prefix = label(phase, lang, state.config.phase_labels)
    sep = " " if prefix[-1:].isascii() else ""
    return prefix + sep + gist


class _Body:
    def __init__(self, lang: Lang, audience: Audience, state: IncidentState) -> None:
        self.lang, self.audience, self.state = lang, audience, state
        self.lines: list[str] = []
        self.claims: list[Claim] = []

    @property
    def stakeholders(self) -> bool:
        return self.audience == "stakeholders"

    def section(
        self,
        name: str,
        claims: list[Claim],
        *,
        mark: bool = True,
        since: datetime | None = None,
        unmarked: int = 0,
    ) -> None:
        """A header and one line per claim; the first ``unmarked`` (roster lines) get no
        confirmed/suspected mark."""
        shown = [(i, c) for i, c in enumerate(self._prepare(c) for c in claims) if c is not None]
        if not shown:
            return
        self.header(name, since)
        for i, c in shown:
            self.claims.append(c)
            line = "・" + c.text
            if not self.stakeholders:
                if mark and c.source_ids and i >= unmarked:
                    line += tx.MARK[c.certainty][self.lang]
                line += _refs(c, self.lang)
            self.lines.append(line)

    def _prepare(self, claim: Claim) -> Claim | None:
        if not self.stakeholders:
            return claim
        if claim.certainty != "confirmed":
            return None
        text = scrub(claim.text, self.state, self.lang)
        return None if text is None else claim.model_copy(update={"text": text})

    def header(self, name: str, since: datetime | None = None) -> None:
        line = "■ " + tx.SECTION[name][self.lang]
        if since is not None:
            line += (
                ("（" if self.lang == "ja" else " (")
                + tx.SINCE[self.lang].format(t=tx.hhmm(since))
                + ("）" if self.lang == "ja" else ")")
            )
        self.lines.append(line)

    def plain(self, text: str) -> None:
        self.lines.append("・" + text)


def _title_line(state: IncidentState, body: _Body) -> None:
    if not state.title:
        return
    title = state.title if not body.stakeholders else scrub(state.title, state, body.lang)
    if not title:
        return
    line = f"{tx.SECTION['title'][body.lang]}: {title}"
    if state.severity and not body.stakeholders:
        sev = f"{tx.SECTION['severity'][body.lang]}: {state.severity}"
        line += f"（{sev}）" if body.lang == "ja" else f" ({sev})"
    body.lines.append(line)


def _impact(pic: Picture, body: _Body) -> None:
    claims = pic.section("impact")
    before = len(body.lines)
    body.section("impact", claims, since=pic.impact_since)
    if len(body.lines) == before:
        body.header("impact")
        body.plain(tx.NO_IMPACT[body.lang])


def _plain_state(state: IncidentState, pic: Picture, body: _Body) -> None:
    """Stakeholders: the user-visible state in templated words, each tied to its sources."""
    lang = body.lang
    body.header("state")
    body.plain(tx.STATE_PLAIN[state.phase][lang])
    templated: list[Claim] = []
    if state.phase in (Phase.MITIGATING, Phase.IDENTIFIED) and pic.action_sources:
        templated.append(Claim(section="actions", text=tx.ACTION_PLAIN[pic.action_kind or
                               "other"][lang], source_ids=pic.action_sources))  # fmt: skip
    if pic.recovery_sources and state.phase in (Phase.MONITORING, Phase.RESOLVED):
        templated.append(
            Claim(
                section="confirmed", text=tx.RECOVERY_PLAIN[lang], source_ids=pic.recovery_sources
            )
        )
    if pic.comms_sources:
        templated.append(
            Claim(section="confirmed", text=tx.COMMS_PLAIN[lang], source_ids=pic.comms_sources)
        )
    for c in templated:
        body.claims.append(c)
        body.plain(c.text)


def _next_update(body: _Body, next_at: datetime | None) -> None:
    if next_at is not None:
        body.lines.append(tx.NEXT_UPDATE[body.lang].format(t=tx.hhmm(next_at)))


def render_open(
    state: IncidentState, pic: Picture, kind: str, at: datetime, lang: Lang,
    audience: Audience, next_at: datetime | None,
) -> Rendered:  # fmt: skip
    head = headline(state, pic, kind, at, lang)
    body = _Body(lang, audience, state)
    _title_line(state, body)
    _impact(pic, body)
    if body.stakeholders:
        _plain_state(state, pic, body)
        _next_update(body, next_at)
        body.section("decisions", pic.section("decisions"))
        if pic.section("waiting"):
            body.header("waiting")
            waiting = pic.section("waiting")
            sources = [s for c in waiting for s in c.source_ids]
            c = Claim(section="waiting", text=tx.WAITING_PLAIN[lang], source_ids=sources)
            body.claims.append(c)
            body.plain(c.text)
    else:
        body.section("actions", pic.roster + pic.section("actions"), unmarked=len(pic.roster))
        body.section("confirmed", pic.section("confirmed"))
        body.section("suspected", pic.section("suspected"))
        body.section("decisions", pic.section("decisions"))
        body.section("waiting", pic.section("waiting"), mark=False)
        _next_update(body, next_at)
    return Rendered(head, "\n".join([head, *body.lines]), body.claims)


def render_closing(
    state: IncidentState, pic: Picture, at: datetime, lang: Lang, audience: Audience
) -> Rendered:
    """The closing update: duration, impact, cause, what was done, and what happens next."""
    head = headline(state, pic, "closing", at, lang)
    body = _Body(lang, audience, state)
    _title_line(state, body)
    start = state.declared_at or at
    end = state.resolved_at or at
    body.header("summary")
    body.plain(tx.DURATION[lang].format(d=tx.duration(end - start, lang), start=tx.hhmm(start),
                                        end=tx.hhmm(end)))  # fmt: skip
    _impact(pic, body)
    body.section("cause", pic.section("cause"))
    if body.stakeholders:
        _plain_state(state, pic, body)
        body.section("decisions", pic.section("decisions"))
        body.header("next")
        body.plain(tx.NEXT_PLAIN[lang])
    else:
        body.section("done", pic.section("actions"))
        body.section("decisions", pic.section("decisions"))
        body.section("waiting", pic.section("waiting"), mark=False)
        body.header("next")
        body.plain(tx.RETRO_INTRO[lang])
        for i, item in enumerate(tx.RETRO_KINDS[lang], 1):
            body.lines.append(f"  {i}. {item}")
    return Rendered(head, "\n".join([head, *body.lines]), body.claims)
