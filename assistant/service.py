"""The incident service: the one path every event takes, live or in replay.

event -> core engine -> sanitise -> ONE store transaction (event + outbox + state)
-> [outside the lock: LLM wording of held updates and answers -> release] -> deliveries
for the adapter to carry out.

Nothing is acted on before it is persisted, an event already handled is ignored, and a
restart rebuilds each incident from its last snapshot plus the logged events after it.
With an LLM, an update or answer is stored with its offline text and *held* while the
model words it, so a slow model delays only that post, never the next event; if the
process stops meanwhile, the next start posts the offline text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeGuard, runtime_checkable

from pydantic import BaseModel

from assistant.core import onboarding, postmortem
from assistant.core.actions import Action, Flag, Notice, PostUpdate, ProposePhase, Reply
from assistant.core.engine import Engine
from assistant.core.events import (
    ClockTick,
    Command,
    Event,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePinned,
    MessagePosted,
    ReactionAdded,
)
from assistant.core.model import (
    Answer,
    ChatMessage,
    IncidentConfig,
    IncidentState,
    Lang,
    StatusUpdate,
)
from assistant.core.postmortem_model import Postmortem
from assistant.core.postmortem_render import markdown
from assistant.core.roster import commander_of
from assistant.core.safety import DEFAULT_REDACTOR, Redactor
from assistant.llm.context import messages_since
from assistant.store import OutboxRow, StorePort

log = logging.getLogger(__name__)


class Polisher(Protocol):
    """The LLM engine as the service sees it (assistant.llm.engine.LLMEngine)."""

    async def polish_update(
        self,
        state: IncidentState,
        update: StatusUpdate,
        *,
        previous: StatusUpdate | None,
        since: list[ChatMessage],
        remember: bool = True,
    ) -> StatusUpdate: ...

    async def polish_answer(
        self, state: IncidentState, answer: Answer, *, question: str
    ) -> Answer: ...


class Observer(Protocol):
    """Watches what the service commits (assistant.metrics.Metrics); never the core."""

    def recorded(self, state: IncidentState, actions: Sequence[Action]) -> None: ...


@runtime_checkable
class PostmortemWriter(Protocol):
    """An LLM engine that can word a postmortem draft (assistant.llm.engine.LLMEngine)."""

    async def word_postmortem(self, state: IncidentState, draft: Postmortem) -> Postmortem: ...


@dataclass(frozen=True)
class PostmortemDraft:
    """A drafted postmortem: the structured draft and its Markdown document."""

    postmortem: Postmortem
    markdown: str

    @property
    def filename(self) -> str:
        return f"postmortem-{self.postmortem.date}-{self.postmortem.incident_id}.md"


class Delivery(BaseModel):
    """One persisted action, ready for an adapter to carry out."""

    seq: int
    incident_id: str
    action: Action
    delivered: bool = False
    external_id: str | None = None
    event_seq: int = 0  # with ``idx``: the same for this delivery in every run of the log
    idx: int = 0

    @classmethod
    def from_row(cls, row: OutboxRow) -> Delivery:
        return cls(
            seq=row.seq,
            incident_id=row.incident_id,
            action=row.action,
            delivered=row.delivered,
            external_id=row.external_id,
            event_seq=row.event_seq,
            idx=row.idx,
        )


class EngineFailure(Exception):
    """The core raised while handling an event; the event was not recorded."""


def event_key(event: Event) -> str:
    """A stable identity for an event, so that it is handled at most once."""
    match event:
        case MessagePosted():
            return f"msg:{event.message.id}"
        case MessageEdited():
            return f"edit:{event.message_id}:{event.at.isoformat()}"
        case MessageDeleted():
            return f"del:{event.message_id}"
        case MemberJoined():
            return f"join:{event.user.id}:{event.at.isoformat()}"
        case MemberLeft():
            return f"left:{event.user.id}:{event.at.isoformat()}"
        case ReactionAdded():
            return f"react:{event.message_id}:{event.user.id}:{event.emoji}"
        case MessagePinned():
            return f"pin:{event.message_id}:{event.at.isoformat()}"
        case ClockTick():
            return f"tick:{event.at.isoformat()}"
        case Command():
            ident = event.interaction_id or f"{event.at.isoformat()}:{event.user.id}"
            return f"cmd:{event.name}:{ident}"
    raise AssertionError(event)  # pragma: no cover


def sanitize_action(action: Action, redactor: Redactor = DEFAULT_REDACTOR) -> Action:
    """Redact secrets and neutralise mass mentions in every text an action carries."""
    s = redactor.sanitize_output
    if isinstance(action, PostUpdate):
        u = action.update
        claims = [c.model_copy(update={"text": s(c.text)}) for c in u.claims]
        update = u.model_copy(
            update={"text": s(u.text), "headline": s(u.headline), "claims": claims}
        )
        return action.model_copy(update={"update": update})
    if isinstance(action, Reply):
        answer = action.answer.model_copy(update={"text": s(action.answer.text)})
        return action.model_copy(update={"answer": answer})
    if isinstance(action, Flag | Notice | ProposePhase):
        return action.model_copy(update={"text": s(action.text)})
    return action


class IncidentService:
    """Owns incident states in memory, backed by the store. One event at a time."""

    def __init__(
        self,
        store: StorePort,
        engine: Engine,
        *,
        defaults: IncidentConfig | None = None,
        llm: Polisher | None = None,
        redactor: Redactor = DEFAULT_REDACTOR,
        observer: Observer | None = None,
        standby: bool = False,
    ) -> None:
        """``standby``: another process may be active on the store; write nothing until
        ``take_over``."""
        self.store = store
        self.observer = observer
        self.redactor = redactor
        self.engine = engine
        self.defaults = defaults or IncidentConfig()
        self.llm = llm
        self._states: dict[str, IncidentState] = {}
        self._seq: dict[str, int] = {}
        self._keys: dict[str, set[str]] = {}
        # the last update posted per (incident, audience), as posted (LLM words included)
        self._posted: dict[tuple[str, str], StatusUpdate | None] = {}
        # per incident: the turn of the last event with an update (updates go out in order)
        self._turns: dict[str, asyncio.Future[None]] = {}
        # per incident: outbox seqs of updates whose event was given up (sent with the next)
        self._orphans: dict[str, list[int]] = {}
        self._lock = asyncio.Lock()
        if not standby:
            self.take_over()

    def take_over(self) -> None:
        """Start acting on the store as it is now: at start-up, or when a standby becomes
        active. Whatever another process cached or was still wording is forgotten: held
        rows are released with their offline text, and states reload from the store."""
        self.stand_by()
        released = self.store.release_all_held()
        if released:
            log.warning(
                "%d actions were still being worded at the last stop; posting them "
                "with the offline text",
                released,
            )

    def stand_by(self) -> None:
        """Drop every cached state: another process is active now, or what is cached may not
        be what was committed. States reload from the store when next needed."""
        self._states.clear()
        self._seq.clear()
        self._keys.clear()
        self._posted.clear()
        self._orphans.clear()

    # ------------------------------------------------------------------ incidents
    def is_incident(self, incident_id: str) -> bool:
        return self.state(incident_id) is not None

    def state(self, incident_id: str) -> IncidentState | None:
        if incident_id in self._states:
            return self._states[incident_id]
        loaded = self.store.load(incident_id)
        if loaded is None:
            return None
        state = loaded.state
        for event in loaded.events_after_snapshot:
            self.engine.handle(state, event)  # actions were persisted the first time
        self._states[incident_id] = state
        self._seq[incident_id] = loaded.last_seq
        self._keys[incident_id] = self.store.processed_keys(incident_id)
        return state

    def ensure_incident(
        self,
        incident_id: str,
        *,
        channel_id: str,
        guild_id: str | None = None,
        title: str = "",
        config: IncidentConfig | None = None,
    ) -> IncidentState:
        existing = self.state(incident_id)
        if existing is not None:
            return existing
        state = IncidentState(
            id=incident_id,
            channel_id=channel_id,
            guild_id=guild_id,
            title=title,
            config=(config or self.defaults).model_copy(deep=True),
        )
        self.store.create(state)
        self._states[incident_id] = state
        self._seq[incident_id] = 0
        self._keys[incident_id] = set()
        return state

    def open_incidents(self) -> list[IncidentState]:
        states = (self.state(i) for i in self.store.incident_ids(open_only=True))
        return [s for s in states if s is not None]

    def next_due(self, incident_id: str) -> datetime | None:
        state = self.state(incident_id)
        return None if state is None else self.engine.next_due(state)

    def last_processed_message_id(self, channel_id: str) -> str | None:
        return self.store.last_message(channel_id)

    # ------------------------------------------------------------------ events
    async def handle(self, event: Event) -> list[Delivery]:
        async with self._lock:
            pending = self._record(event)
        return await self._finish(pending)

    def _record(self, event: Event, *, polish: bool = True) -> _Pending:
        """Run the core on ``event`` and persist it with its actions (under the lock).

        With an LLM, updates and answers are stored with their offline text and *held*:
        ``_finish`` words them outside the lock, so a slow model never delays the next
        event, and a crash before it finishes still leaves the offline text to deliver.
        """
        state = self.state(event.incident_id) or self.ensure_incident(
            event.incident_id, channel_id=event.incident_id
        )
        key = event_key(event)
        keys = self._keys[state.id]
        if key in keys:
            return _Pending(state.id, event, [])
        polishing = self.llm is not None and polish
        try:
            actions = self.engine.handle(state, event)
        except Exception as exc:
            self._forget(state.id)  # the in-memory state may be half-changed
            raise EngineFailure(f"incident {state.id}: {type(exc).__name__}: {exc}") from exc
        actions = [sanitize_action(a, self.redactor) for a in actions]
        held = {i for i, a in enumerate(actions) if polishing and _wordable(a, event)}
        posts = {i for i, a in enumerate(actions) if _posts_update(a)}
        after = self._turns.get(state.id) if posts else None
        if after is not None and not after.done():
            held |= posts  # an update must not be offered before the one ahead of it
        seq = self._seq[state.id] + 1
        try:
            rows = self.store.commit_event(
                state, key=key, event=event, actions=actions, seq=seq, held=held
            )
        except Exception:
            self._forget(state.id)
            raise
        self._seq[state.id] = seq
        keys.add(key)
        self._observe(state, actions)
        # the LLM works on the state as of this event, whatever comes in meanwhile
        snapshot = state.model_copy(deep=True) if held and polishing else None
        # updates go out (and are worded) in the order their events were recorded; nothing
        # may fail between taking a turn and handing it to ``_finish``
        turn = None
        if posts:
            turn = asyncio.get_running_loop().create_future()
            self._turns[state.id] = turn
        return _Pending(state.id, event, rows, snapshot, after, turn, word=polishing)

    def _observe(self, state: IncidentState, actions: list[Action]) -> None:
        if self.observer is None or not actions:
            return
        try:
            self.observer.recorded(state, actions)
        except Exception:  # metrics must never stop an incident
            log.exception("incident %s: the observer failed", state.id)

    async def _finish(self, pending: _Pending) -> list[Delivery]:
        """Word the held actions through the LLM, release them, and return the deliveries.

        An event with an update waits for the previous such event of its incident to finish
        first, so updates are worded and delivered in order, each against the one before;
        events without one (answers, flags, …) never wait for them. If this is cancelled or
        fails, what it still holds is released with its offline text once the events ahead
        of it are out (``_abandon``); its updates then go out with the incident's next
        update, ahead of it (or with the pending-delivery sweep at the next start).
        """
        final: dict[int, Action] = {}
        try:
            if pending.after is not None and not pending.after.done():
                await asyncio.shield(pending.after)  # our cancellation must not cancel theirs
            for row in pending.rows:
                if isinstance(row.action, PostUpdate) and row.held:
                    await self._release(pending, row, final)
            for row in pending.rows:
                if row.held and row.seq not in final:
                    await self._release(pending, row, final)
        except BaseException:
            self._abandon(pending, final)
            raise
        try:
            for row in pending.rows:
                if not row.held:
                    self._remember_posted(row.action)
            ours = [
                Delivery.from_row(replace(r, action=final.get(r.seq, r.action), held=False))
                for r in pending.rows
            ]
            return self._orphaned_before(pending) + ours
        finally:
            self._pass_turn(pending)

    def _orphaned_before(self, pending: _Pending) -> list[Delivery]:
        """Updates of this incident whose event was given up (no caller will send them),
        still unsent: they go out ahead of this event's update, in their order."""
        if pending.turn is None or not self._orphans.get(pending.incident_id):
            return []
        seqs = set(self._orphans.pop(pending.incident_id))
        return [
            Delivery.from_row(r)
            for r in self.store.outbox(pending.incident_id, pending_only=True)
            if r.seq in seqs
        ]

    async def _release(self, pending: _Pending, row: OutboxRow, final: dict[int, Action]) -> None:
        """Word one held row (when the LLM is on for this event), store it, make it deliverable."""
        action = await self._word(pending, row.action) if pending.word else row.action
        self.store.release(row.seq, action)
        final[row.seq] = action  # only once stored: what is not in ``final`` is still held
        self._remember_posted(action)

    def _abandon(self, pending: _Pending, final: dict[int, Action] | None = None) -> None:
        """Give up wording ``pending``: release what it still holds as it is, and pass its
        turn, but not before the events ahead of it are out (their order is kept)."""
        done = dict(final or {})

        def finish_off(_: object = None) -> None:
            try:
                for row in pending.rows:
                    if _posts_update(row.action):  # nobody will send it: the next update will
                        self._orphans.setdefault(pending.incident_id, []).append(row.seq)
                    if row.seq in done:
                        continue
                    if row.held:
                        try:
                            self.store.release(row.seq, row.action)
                        except Exception:
                            log.exception(
                                "incident %s: could not release %d; it is sent after"
                                " the next start",
                                pending.incident_id,
                                row.seq,
                            )
                            continue
                    self._remember_posted(row.action)
            finally:
                self._pass_turn(pending)

        if pending.after is not None and not pending.after.done():
            pending.after.add_done_callback(finish_off)
        else:
            finish_off()

    @staticmethod
    def _pass_turn(pending: _Pending) -> None:
        if pending.turn is not None and not pending.turn.done():
            pending.turn.set_result(None)

    def _remember_posted(self, action: Action) -> None:
        if _posts_update(action):
            self._posted[(action.incident_id, action.update.audience)] = action.update

    def _last_posted(self, incident_id: str, audience: str) -> StatusUpdate | None:
        """The last update posted for ``audience``, as readers saw it (from the outbox once)."""
        key = (incident_id, audience)
        if key not in self._posted:
            found: StatusUpdate | None = None
            for row in reversed(self.store.outbox(incident_id)):
                action = row.action
                if _posts_update(action) and not row.held and action.update.audience == audience:
                    found = action.update
                    break
            self._posted[key] = found
        return self._posted[key]

    async def run_due_ticks(self, incident_id: str, now: datetime) -> list[Delivery]:
        """Feed a clock tick at every moment something is due, up to ``now``."""
        pending: list[_Pending] = []
        out: list[Delivery] = []
        try:
            async with self._lock:
                last: datetime | None = None
                while True:
                    due = self.next_due(incident_id)
                    if due is None or due > now or (last is not None and due <= last):
                        break
                    pending.append(self._record(ClockTick(at=due, incident_id=incident_id)))
                    last = due
            while pending:
                out += await self._finish(pending.pop(0))  # it cleans up after itself
        except BaseException:
            for rest in pending:
                self._abandon(rest)  # never leave a turn that nobody will pass
            raise
        return out

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Handle several events in one store transaction (replay's group commit).

        Deliveries returned inside the batch must not be acted on before it ends. If the
        batch fails, every cached state is dropped and reloads from what was committed.
        """
        try:
            with self.store.batch():
                yield
        except BaseException:
            self.stand_by()  # what is cached may not have been committed
            raise

    def _forget(self, incident_id: str) -> None:
        self._states.pop(incident_id, None)
        self._seq.pop(incident_id, None)
        self._keys.pop(incident_id, None)
        for key in [k for k in self._posted if k[0] == incident_id]:
            del self._posted[key]

    # ------------------------------------------------------------------ deliveries
    def pending_deliveries(self, incident_id: str | None = None) -> list[Delivery]:
        return [Delivery.from_row(r) for r in self.store.outbox(incident_id, pending_only=True)]

    def deliveries(self, incident_id: str | None = None) -> list[Delivery]:
        return [Delivery.from_row(r) for r in self.store.outbox(incident_id)]

    def mark_delivered(self, seq: int, external_id: str | None = None) -> None:
        self.store.mark_delivered(seq, external_id)

    def mark_all_delivered(self, seqs: list[int]) -> None:
        self.store.mark_all_delivered(seqs)

    def checkpoint(self) -> None:
        """Snapshot every loaded incident (clean shutdown; end of a replay)."""
        for incident_id, state in self._states.items():
            self.store.snapshot(state, self._seq[incident_id])

    async def post_draft(self, incident_id: str, update: StatusUpdate) -> list[Delivery]:
        """Record and deliver a draft the commander approved (``/update`` → Post).

        It goes through the event log as a command, so a restart replays it like any other
        event; it is posted as the commander approved it, without LLM rewording.
        """
        state = self.state(incident_id)
        if state is None or state.commander is None:
            return []
        # the commander may have edited the words: no claim vouches for its LLM wording now
        claims = [c.model_copy(update={"basis": None}) for c in update.claims]
        update = update.model_copy(update={"claims": claims})
        event = Command(
            at=update.at,
            incident_id=incident_id,
            name="update",
            user=state.commander,
            args={"publish": update.model_dump(mode="json")},
            privileged=True,
            interaction_id=f"draft:{update.at.isoformat()}",
        )
        async with self._lock:
            pending = self._record(event, polish=False)
        return await self._finish(pending)

    # ------------------------------------------------------------------ postmortem
    def may_command(self, incident_id: str, user_id: str, *, privileged: bool = False) -> bool:
        """Is this user the incident's commander (or holding the commander role)?"""
        state = self.state(incident_id)
        if state is None:
            return False
        boss = commander_of(state)
        return privileged or (boss is not None and boss.id == user_id)

    async def postmortem(
        self, incident_id: str, *, lang: Lang | None = None, services: Sequence[str] = ()
    ) -> PostmortemDraft | None:
        """The postmortem draft of an incident (``None``: no such incident).

        Built from a copy of the state and the incident's outbox (the advice given, the
        flags raised); with an LLM its prose is reworded, and any failure keeps the offline
        draft. The document is redacted like everything else the bot writes.
        """
        async with self._lock:
            state = self.state(incident_id)
            if state is None:
                return None
            state = state.model_copy(deep=True)
            history = [d.action for d in self.deliveries(incident_id)]
        draft = postmortem.build(state, history, lang=lang, services=services)
        if isinstance(self.llm, PostmortemWriter):
            try:
                draft = await self.llm.word_postmortem(state, draft)
            except Exception:  # the LLM engine degrades by itself; this is the last guard
                log.exception("incident %s: postmortem wording failed; offline draft", state.id)
                draft = draft.model_copy(update={"engine": "offline-fallback"})
        draft = _scrubbed(draft, self.redactor)
        return PostmortemDraft(draft, markdown(draft, state.config.phase_labels))

    # ------------------------------------------------------------------ outside incidents
    def answer_outside(self, question: str, message_id: str, at: datetime) -> Answer:
        """Onboarding Q&A in a DM or a channel that is not an incident."""
        answer = onboarding.answer(question, message_id, at, self.engine.knowledge)
        return answer.model_copy(update={"text": self.redactor.sanitize_output(answer.text)})

    # ------------------------------------------------------------------ LLM wording
    async def _word(self, pending: _Pending, action: Action) -> Action:
        """LLM words for an update or an answer; the offline text on any failure.

        An update is written against the last one posted for the same readers: its
        unchanged claims keep their words, and the chat shown is what came after it.
        The state used is the copy taken when the event was recorded.
        """
        assert self.llm is not None and pending.state is not None
        state, event = pending.state, pending.event
        try:
            if isinstance(action, PostUpdate):
                update = action.update
                previous = self._last_posted(state.id, update.audience)
                since = messages_since(state, previous)
                polished = await self.llm.polish_update(
                    state,
                    update,
                    previous=previous,
                    since=since,
                    remember=action.draft_for is None,  # a draft may yet be discarded
                )
                action = action.model_copy(update={"update": polished})
            elif isinstance(action, Reply) and isinstance(event, MessagePosted):
                answer = await self.llm.polish_answer(
                    state, action.answer, question=event.message.content
                )
                action = action.model_copy(update={"answer": answer})
        except Exception:  # the LLM engine degrades by itself; this is the last guard
            log.exception("incident %s: LLM wording failed; posting the offline text", state.id)
        return sanitize_action(action, self.redactor)


@dataclass
class _Pending:
    """An event recorded under the lock, with what is left to do outside it."""

    incident_id: str
    event: Event
    rows: list[OutboxRow]
    state: IncidentState | None = None  # a copy for the LLM, when some rows are held
    after: asyncio.Future[None] | None = None  # the previous update-bearing event's turn
    turn: asyncio.Future[None] | None = None  # done when this event's updates are out
    word: bool = False  # held rows are worded by the LLM (else released as they are)


# fields of a postmortem draft that hold ids, times or fixed values, never chat words
_NOT_TEXT = frozenset(
    {"incident_id", "question_id", "source_ids", "links", "citations", "at", "since", "until"}
)


def _scrubbed(draft: Postmortem, redactor: Redactor) -> Postmortem:
    """The draft with secrets redacted and mass mentions made inert in every text it
    quotes, before it is rendered (so the YAML dumper quotes what redaction left)."""

    def scrub(value: object, key: str = "") -> object:
        if key in _NOT_TEXT:
            return value
        if isinstance(value, str):
            return redactor.sanitize_output(value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: scrub(v, k) for k, v in value.items()}
        return value

    return Postmortem.model_validate(scrub(draft.model_dump()))


def _posts_update(action: Action) -> TypeGuard[PostUpdate]:
    """A status update for the channel (not a private draft): these go out in order."""
    return isinstance(action, PostUpdate) and action.draft_for is None


def _wordable(action: Action, event: Event) -> bool:
    """Does the LLM reword this action? Updates, and answers to a chat message."""
    return isinstance(action, PostUpdate) or (
        isinstance(action, Reply) and isinstance(event, MessagePosted)
    )


__all__ = [
    "Delivery",
    "EngineFailure",
    "IncidentService",
    "PostmortemDraft",
    "PostmortemWriter",
    "event_key",
]
