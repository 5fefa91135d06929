"""The incident state machine: ``Engine.handle(state, event) -> actions``.

The engine mutates ``state`` in place and returns what the bot would do. It is deterministic:
the same state and event give the same state and actions, which is what lets a restart
rebuild state by re-applying logged events.

The feature modules hold the rules; this module only routes events to them and keeps the
cross-cutting invariants (time moves forward, bots are not participants, a phase change
triggers an update at once, only the commander or a privileged user may force anything).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Literal

from assistant.core import advisor, facts, lang, onboarding, phases, roster, updates
from assistant.core.actions import Action, Notice, PhaseChanged, PostUpdate, Reply
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
    ChatMessage,
    IncidentState,
    Phase,
    PhaseChange,
    PhaseProposal,
    StatusUpdate,
    User,
)
from assistant.core.phases import PhaseSignal
from assistant.core.ports import KnowledgePort
from assistant.core.reading import Reading
from assistant.core.reading import context as reading_context
from assistant.core.reading.reader import LexiconReader, Reader
from assistant.core.texts import t


class Engine:
    """Routes events to the feature rules. Holds only ports, never incident state.

    Every message is read once into a ``Reading`` (``msg.reading``); the features consume the
    Reading. A message that arrives with one (the service reads before it hands the event in,
    so the Reading is stored with the event) is not read again.
    """

    def __init__(
        self, knowledge: KnowledgePort | None = None, reader: Reader | None = None
    ) -> None:
        self.knowledge = knowledge
        self.reader: Reader = reader or LexiconReader()

    def read(self, state: IncidentState, msg: ChatMessage) -> Reading:
        """The message's Reading: the stored one, or the Reader's now (then stored)."""
        if msg.reading is None or msg.reading.message_id != msg.id:
            ctx = reading_context.for_message(state, msg)
            msg.reading = self.reader.read(msg.id, msg.content, ctx)
        return msg.reading

    # ------------------------------------------------------------------ entry point
    def handle(self, state: IncidentState, event: Event) -> list[Action]:
        if state.now is None or event.at > state.now:
            state.now = event.at
        if state.declared_at is None:
            state.declared_at = event.at
        match event:
            case MessagePosted():
                return self._on_message(state, event.message)
            case MessageEdited():
                return self._on_edit(state, event)
            case MessageDeleted():
                return self._on_delete(state, event)
            case MemberJoined():
                if state.is_bot(event.user):
                    return []
                return roster.on_join(state, event.user, event.at, event.added_by)
            case MemberLeft():
                return roster.on_leave(state, event.user, event.at)
            case ReactionAdded():
                if state.is_bot(event.user):
                    return []
                return roster.on_reaction(state, event)
            case MessagePinned():
                return []
            case ClockTick():
                return self._on_tick(state, event.at)
            case Command():
                return self._on_command(state, event)
        return []  # pragma: no cover - the union above is exhaustive

    def next_due(self, state: IncidentState) -> datetime | None:
        """When the next clock tick could produce something (summary, reminder, flag)."""
        due = [d for d in (updates.next_due(state), roster.next_due(state)) if d is not None]
        return min(due) if due else None

    # ------------------------------------------------------------------ messages
    def _on_message(self, state: IncidentState, msg: ChatMessage) -> list[Action]:
        if msg.id in state.messages:
            return []  # already seen (live and backfill can overlap)
        if state.is_bot(msg.author):
            state.messages[msg.id] = msg
            return []
        reading = self.read(state, msg)
        state.messages[msg.id] = msg
        state.activity_since_update = True
        if state.config.lang == "auto" and msg.content.strip():
            # Re-read the language from the recent conversation: on every message at first,
            # then every 25 messages (a channel rarely switches language mid-incident).
            n = len(state.messages)
            if n <= 50 or n % 25 == 0 or state.detected_lang is None:
                recent = list(state.messages.values())[-50:]
                state.detected_lang = lang.detect(m.content for m in recent if not m.deleted)
        actions: list[Action] = list(roster.touch(state, msg.author, msg.at))
        found_facts = facts.from_reading(state, msg, reading)
        state.facts.extend(found_facts)
        handed_out = any(a.assignee != msg.author.name for a in reading.assignments)
        posted_status = reading.phase is not None and reading.phase.prefixed
        if handed_out or posted_status:
            roster.reported(state, msg.author, msg.at)

        to_bot = reading.addressed_to_bot or self.mentions_bot(state, msg)
        actions += roster.on_message(state, msg, reading)
        if to_bot:
            # Questions to the bot are answered, never obeyed: "bot, declare resolved"
            # changes nothing; what the message states may still be proposed.
            actions += self._answer(state, msg, reading)
        privileged = msg.privileged or roster.is_commander(state, msg.author)
        found = phases.signal(state, msg, reading, privileged=privileged, to_bot=to_bot)
        if found is not None:
            actions += self._apply_signal(state, found, msg.author, msg.at)
        return actions

    def _on_edit(self, state: IncidentState, event: MessageEdited) -> list[Action]:
        msg = state.messages.get(event.message_id)
        if msg is None:
            return []
        msg.content = event.content
        msg.edited_at = event.at
        if event.mentions is not None:
            msg.mentions = list(event.mentions)
        msg.reading = event.reading
        reading = self.read(state, msg)
        event.reading = reading
        state.facts = [f for f in state.facts if event.message_id not in f.source_ids]
        state.facts.extend(facts.from_reading(state, msg, reading))
        state.activity_since_update = True
        self._drop_proposal_resting_on(state, event.message_id)
        return []

    def _on_delete(self, state: IncidentState, event: MessageDeleted) -> list[Action]:
        msg = state.messages.get(event.message_id)
        if msg is None:
            return []
        msg.deleted = True
        kept = []
        for fact in state.facts:
            if event.message_id in fact.source_ids:
                rest = [s for s in fact.source_ids if s != event.message_id]
                if not rest:
                    continue
                fact = fact.model_copy(update={"source_ids": rest})
            kept.append(fact)
        state.facts = kept
        self._drop_proposal_resting_on(state, event.message_id)
        return []

    @staticmethod
    def _drop_proposal_resting_on(state: IncidentState, message_id: str) -> None:
        """A pending proposal whose message was edited or deleted no longer stands."""
        if state.proposal is not None and message_id in state.proposal.source_ids:
            state.proposal = None

    def mentions_bot(self, state: IncidentState, msg: ChatMessage) -> bool:
        cfg = state.config
        if any(state.is_bot(u) for u in msg.mentions):
            return True
        if cfg.bot_user_id and f"<@{cfg.bot_user_id}>" in msg.content:
            return True
        if cfg.bot_name:
            return re.search(rf"@{re.escape(cfg.bot_name)}\b", msg.content) is not None
        return False

    # ------------------------------------------------------------------ answers
    def _answer(self, state: IncidentState, msg: ChatMessage, reading: Reading) -> list[Action]:
        question = msg.content
        intent = reading.question.intent if reading.question is not None else "other"
        at = msg.at
        if intent == "rollback":
            answer = advisor.advise(state, question, msg.id, at, self.knowledge)
        elif intent == "status":
            answer = updates.status_answer(state, msg.id, at)
        elif intent == "roster":
            answer = roster.roster_answer(state, msg.id, at)
        elif intent == "guidance":
            answer = onboarding.answer(question, msg.id, at, self.knowledge)
        else:
            answer = onboarding.fallback(state, question, msg.id, at)
        return [Reply(at=at, incident_id=state.id, answer=answer)]

    # ------------------------------------------------------------------ phases
    def _apply_signal(
        self, state: IncidentState, signal: PhaseSignal, by: User, at: datetime
    ) -> list[Action]:
        if signal.phase == state.phase:
            return []
        if signal.certain or _auto_confirms(state, signal):
            how = signal.how if signal.certain else "inferred"
            return self.change_phase(
                state, signal.phase, at, by.id, signal.source_ids, how, proposed=not signal.certain
            )
        proposal = PhaseProposal(
            id=state.next_id("p"),
            at=at,
            phase=signal.phase,
            reason=signal.reason,
            source_ids=signal.source_ids,
        )
        state.proposal = proposal
        return [phases.proposal_action(state, proposal)]

    def change_phase(
        self,
        state: IncidentState,
        phase: Phase,
        at: datetime,
        by: str | None,
        source_ids: list[str],
        how: str,
        *,
        proposed: bool = False,
    ) -> list[Action]:
        previous = state.phase
        if phase == previous:
            return []
        state.phase = phase
        state.proposal = None
        state.phase_history.append(
            PhaseChange(
                at=at,
                phase=phase,
                previous=previous,
                source_ids=source_ids,
                by=by,
                how=how,
                proposed=proposed,
            )
        )
        if phase is Phase.RESOLVED:
            state.resolved_at = at
        elif previous is Phase.RESOLVED:
            state.resolved_at = None
        actions: list[Action] = [
            PhaseChanged(
                at=at,
                incident_id=state.id,
                phase=phase,
                previous=previous,
                source_ids=source_ids,
                how=how,
                proposed=proposed,
            )
        ]
        kind = "closing" if phase is Phase.RESOLVED else "phase_change"
        actions.append(self._post(state, kind, at))
        return actions

    def _post(self, state: IncidentState, kind: str, at: datetime) -> PostUpdate:
        update = updates.compose(state, kind, at)  # type: ignore[arg-type]
        updates.mark_posted(state, update)
        return PostUpdate(at=at, incident_id=state.id, update=update)

    # ------------------------------------------------------------------ time
    def _on_tick(self, state: IncidentState, at: datetime) -> list[Action]:
        actions: list[Action] = []
        actions += updates.on_tick(state, at)
        actions += roster.on_tick(state, at)
        return actions

    # ------------------------------------------------------------------ commands
    def is_privileged(self, state: IncidentState, cmd: Command) -> bool:
        if cmd.privileged:
            return True
        boss = roster.commander_of(state)
        return boss is not None and boss.id == cmd.user.id

    def _on_command(self, state: IncidentState, cmd: Command) -> list[Action]:
        at, name = cmd.at, cmd.name
        if not state.is_bot(cmd.user):
            roster.touch(state, cmd.user, at)
        if name == "declare":
            return self._declare(state, cmd)
        if name in ("roster", "ask"):
            if name == "roster":
                answer = roster.roster_answer(state, cmd.interaction_id or "", at)
                return [Reply(at=at, incident_id=state.id, answer=answer, ephemeral=True)]
            question = str(cmd.args.get("question", ""))
            msg = ChatMessage(
                id=cmd.interaction_id or f"ask-{at.isoformat()}",
                author=cmd.user,
                at=at,
                content=question,
            )
            # /ask is a question to the bot whatever its words
            ctx = replace(reading_context.for_message(state, msg), addressed=True)
            return self._answer(state, msg, self.reader.read(msg.id, question, ctx))
        if not self.is_privileged(state, cmd):
            return [_private(state, cmd, "refusal", t(state.lang, "refusal"))]
        sources = [cmd.interaction_id] if cmd.interaction_id else []
        if name == "phase":
            phase = phases.parse_phase_name(str(cmd.args.get("phase", "")))
            if phase is None:
                return [_private(state, cmd, "refusal", t(state.lang, "bad_phase"))]
            return self.change_phase(state, phase, at, cmd.user.id, sources, "command")
        if name == "confirm_phase":
            proposal = state.proposal
            if proposal is None or proposal.id != cmd.args.get("proposal_id"):
                # superseded, already decided, or the phase moved on: say so to the clicker
                now = phases.label(state.phase, state.lang, state.config.phase_labels)
                return [_private(state, cmd, "stale", t(state.lang, "stale_proposal", phase=now))]
            if not cmd.args.get("accept", True):
                state.proposal = None
                return []
            return self.change_phase(
                state, proposal.phase, at, cmd.user.id, proposal.source_ids, "confirmed"
            )
        if name == "resolve":
            return self.change_phase(state, Phase.RESOLVED, at, cmd.user.id, sources, "command")
        if name == "commander":
            return roster.set_commander(state, cmd.args["user"], at, sources)
        if name == "assign":
            return roster.assign(
                state,
                cmd.args["user"],
                str(cmd.args.get("task", "")),
                cmd.args.get("purpose") or None,
                at,
                by=cmd.user,
                source_ids=sources,
            )
        if name == "release":
            return roster.release(state, cmd.args["user"], at, sources)
        if name == "update":
            publish = cmd.args.get("publish")
            if publish is not None:
                # the commander approved a draft (possibly edited): it is posted as written
                posted = StatusUpdate.model_validate(publish)
                updates.mark_posted(state, posted)
                return [PostUpdate(at=at, incident_id=state.id, update=posted)]
            audience = cmd.args.get("audience")
            update = updates.compose(state, "manual", at, audience=audience)
            return [PostUpdate(at=at, incident_id=state.id, update=update, draft_for=cmd.user)]
        return []  # pragma: no cover

    def _declare(self, state: IncidentState, cmd: Command) -> list[Action]:
        state.title = str(cmd.args.get("title", state.title))
        state.severity = cmd.args.get("severity") or state.severity
        state.commander = cmd.user
        state.declared_at = cmd.at
        roster.touch(state, cmd.user, cmd.at)
        state.phase_history.append(
            PhaseChange(
                at=cmd.at, phase=Phase.INVESTIGATING, previous=None, by=cmd.user.id, how="declared"
            )
        )
        return [
            PhaseChanged(
                at=cmd.at,
                incident_id=state.id,
                phase=Phase.INVESTIGATING,
                previous=None,
                how="declared",
            ),
            self._post(state, "declared", cmd.at),
        ]


def _auto_confirms(state: IncidentState, signal: phases.PhaseSignal) -> bool:
    """Whether a proposal is taken as confirmed without a click (replay's view of live)."""
    mode = "all" if state.config.auto_confirm_proposals else state.config.confirm_proposals
    return mode == "all" or (mode == "commander" and signal.by_commander)


def _private(
    state: IncidentState, cmd: Command, kind: Literal["refusal", "stale"], text: str
) -> Notice:
    """A notice only the command's user sees (a refusal, or why nothing happened)."""
    return Notice(
        at=cmd.at, incident_id=state.id, kind=kind, ephemeral=True, to=cmd.user, text=text
    )
