"""Status updates: composition, audiences and cadence (the offline engine).

``compose`` turns the incident's state into a phase-prefixed ``StatusUpdate``: the headline
is the phase label plus one sentence with the gist, the body lists sourced claims (see
``update_select`` for what is chosen and ``update_render`` for how it reads). Every claim
cites the messages it came from; a claim without a source is not written (open roster
assignments are the one exception: the roster itself is their source, shown as
``[roster]``/``[担当表]``).

Cadence (see ``update_cadence``): a scheduled update every N minutes if anything happened,
nothing while nothing changes, an update at once on a phase change (the engine calls
``compose`` + ``mark_posted``), and one reminder to the commander after two silent cadences.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from assistant.core import lang as lang_mod
from assistant.core import texts, update_cadence, update_render, update_select
from assistant.core.actions import Action, Notice, PostUpdate
from assistant.core.model import Answer, Audience, IncidentState, Lang, Phase, StatusUpdate

UpdateKind = Literal["scheduled", "phase_change", "manual", "closing", "declared"]

texts.register(
    "update_reminder",
    ja="{minutes}分間ステータス更新が出ていません。状況に変化がなくても、現状を共有しましょう"
    "（/update で下書きを作れます）。",
    en="No status update for {minutes} minutes. Even if nothing changed, consider posting "
    "where things stand (/update drafts one).",
)


def compose(
    state: IncidentState,
    kind: UpdateKind,
    at: datetime,
    audience: Audience | None = None,
    *,
    lang: Lang | None = None,
) -> StatusUpdate:
    """The update the bot would post now, for ``audience`` in ``lang`` (defaults: the
    incident's). Pure: nothing is recorded until ``mark_posted``."""
    aud: Audience = audience or state.config.audience
    lng: Lang = lang or state.lang
    pic = update_select.picture(state, lng, names=aud == "responders")
    closing = kind == "closing" or state.phase is Phase.RESOLVED
    if closing:
        out = update_render.render_closing(state, pic, at, lng, aud)
        next_at = None
    else:
        cadence = state.minutes(state.config.cadence_minutes)
        if kind == "manual":  # not posted: the schedule still counts from the last update
            base = update_cadence.baseline(state) or at
            next_at = max(base + cadence, at)
        else:  # this update becomes the last one
            next_at = at + cadence
        out = update_render.render_open(state, pic, kind, at, lng, aud, next_at)
    sources = list(dict.fromkeys(s for claim in out.claims for s in claim.source_ids))
    return StatusUpdate(
        at=at,
        phase=state.phase,
        lang=lng,
        audience=aud,
        kind=kind,
        headline=out.headline,
        claims=out.claims,
        next_update_at=next_at,
        text=out.text,
        source_ids=sources,
    )


def mark_posted(state: IncidentState, update: StatusUpdate) -> None:
    """Record that ``update`` went out: it starts a new cadence and a new silence period."""
    state.updates.append(update)
    state.last_update_at = update.at
    state.activity_since_update = False


def next_due(state: IncidentState) -> datetime | None:
    """The exact time the next tick could post a scheduled update or a reminder."""
    return update_cadence.due_at(state)


def on_tick(state: IncidentState, at: datetime) -> list[Action]:
    what = update_cadence.what_is_due(state, at)
    if what == "update":
        update = compose(state, "scheduled", at)
        mark_posted(state, update)
        return [PostUpdate(at=at, incident_id=state.id, update=update)]
    if what == "reminder":
        base = update_cadence.baseline(state)
        minutes = int((at - base).total_seconds() // 60) if base else 0
        state.reminder_sent_at = at
        return [
            Notice(
                at=at,
                incident_id=state.id,
                kind="update_reminder",
                text=texts.t(state.lang, "update_reminder", minutes=minutes),
                to=state.commander,
            )
        ]
    return []


def status_answer(state: IncidentState, in_reply_to: str, at: datetime) -> Answer:
    """The current picture for someone who asked; not a posted update (no cadence change).

    The reply follows the question's language when the incident language is "auto".
    """
    lng: Lang = state.lang
    question = state.messages.get(in_reply_to)
    if state.config.lang == "auto" and question is not None and question.content.strip():
        lng = lang_mod.detect_one(question.content)
    update = compose(state, "manual", at, lang=lng)
    return Answer(
        at=at,
        in_reply_to=in_reply_to,
        intent="status",
        text=update.text,
        source_ids=update.source_ids,
    )
