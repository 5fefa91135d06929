"""A ``Reading``: what one chat message says, typed, with the span of text that says each part.

Every feature of the core (phases, roster, facts and updates, the rollback advisor, the
questions to the bot) reads Readings and nothing else. A Reading is produced by one of two
readers with the same schema — the offline lexicon reader or the LLM reader — and is stored
with the message's event, so a replay or a restart reproduces it without reading again.

Names are the people's account names (``User.name``, the export's ``author.name``); every span
is a substring of the message (``message[start:end] == text``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from assistant.core.vocab import Certainty, Intent, Lang, Model, Phase

RiskKey = Literal[
    "migration", "procedure_ready", "rollback_safe", "flag_available", "previous_broken"
]
RISK_KEYS: tuple[RiskKey, ...] = (
    "migration",
    "procedure_ready",
    "rollback_safe",
    "flag_available",
    "previous_broken",
)
FactKind = Literal[
    "impact",
    "symptom",
    "cause",
    "change",
    "action",
    "recovery",
    "decision",
    "escalation",
    "user_comms",
]
ChangeKind = Literal["deploy", "config", "flag", "content", "migration", "infra", "other"]
Environment = Literal["production", "staging", "canary", "unknown"]
# facts the advisor weighs besides the five risk keys
AdviceKey = Literal[
    "after_change",  # the symptoms started after a change
    "change_is_cause",  # the change is the cause (False: ruled out)
    "change_suspected",  # the change is only suspected
    "irreversible",  # the data change cannot be undone (False: reversible)
    "nothing_found",  # telemetry shows no cause (False: a cause was found)
    "rollback_no_effect",  # a rollback was done and did not help
    "permission_error",  # an IAM / permission error is reported
    "symptom",  # errors, latency, an outage
]
ADVICE_KEYS: tuple[AdviceKey, ...] = (
    "after_change",
    "change_is_cause",
    "change_suspected",
    "irreversible",
    "nothing_found",
    "rollback_no_effect",
    "permission_error",
    "symptom",
)


class Span(Model):
    """Where in the message a reading comes from: ``message[start:end] == text``."""

    start: int
    end: int
    text: str


class PhaseSignal(Model):
    """The phase this message moves the incident to, or states."""

    phase: Phase
    certainty: Certainty
    span: Span
    declared: bool = False  # an explicit declaration ("closing this out", 「復旧完了とします」)
    prefixed: bool = False  # the message starts with a phase prefix (【復旧完了】, [Resolved])
    regressed: bool = False  # the problem is back ("errors are back", 「再発」)
    cue: str = ""  # what said it: a lexicon entry id, or "llm"


class CommanderSignal(Model):
    """Command of the incident: someone claims it, or it is handed to someone."""

    name: str
    how: Literal["claim", "handover"]
    span: Span


class AssignmentSignal(Model):
    """A task handed to someone, taken on by the author, or accepted from a request."""

    assignee: str
    task: str
    purpose: str | None = None
    how: Literal["request", "self", "acceptance"] = "request"
    span: Span


class ChangeSignal(Model):
    """A recent change to the system, reported or explicitly denied."""

    status: Literal["reported", "denied"]
    kind: ChangeKind = "other"
    environment: Environment = "unknown"
    what: str = ""
    at: str | None = None  # a clock time the message gives for it ("14:02")
    span: Span


class RiskFact(Model):
    """A fact bearing on "should we roll back?" (one of the five checklist keys)."""

    key: RiskKey
    value: bool
    span: Span


class AdviceFact(Model):
    """Another fact the rollback advisor weighs (see ``AdviceKey``)."""

    key: AdviceKey
    value: bool
    span: Span


class Question(Model):
    """A question put to the bot, and what it is about."""

    intent: Intent
    span: Span
    catch_up: bool = False  # "what did I miss?" / 「途中参加です」
    cue: str = ""  # the lexicon entry that decided the intent ("" when none matched)


class FactSignal(Model):
    """A claim for the status updates: what kind, its words, how certain."""

    kind: FactKind
    text: str
    certainty: Certainty
    span: Span


class Reading(Model):
    """Everything the bot understood from one message."""

    message_id: str
    lang: Lang
    engine: Literal["lexicon", "llm"] = "lexicon"
    addressed_to_bot: bool = False
    phase: PhaseSignal | None = None
    commander: CommanderSignal | None = None
    assignments: list[AssignmentSignal] = Field(default_factory=list)
    done: list[str] = Field(default_factory=list)  # said in so many words ("done", 「完了」)
    # whose check this message answers with a finding ("the LB logs are clean"): done for a
    # reader of the message, but the roster keeps the task open until it is said to be done
    done_inferred: list[str] = Field(default_factory=list)

    reports_done: bool = False  # the message says some task is finished ("rollback complete")

    release: list[str] = Field(default_factory=list)
    release_unassigned: bool = False  # "everyone without a task may go"
    release_except: list[str] = Field(default_factory=list)  # "everyone except ahmed"
    release_self: bool = False  # the author leaves ("dropping off", 「抜けます」)
    purpose: str | None = None  # a purpose stated for an earlier request ("purpose: …")
    change: ChangeSignal | None = None
    risk: list[RiskFact] = Field(default_factory=list)
    advice: list[AdviceFact] = Field(default_factory=list)
    question: Question | None = None
    facts: list[FactSignal] = Field(default_factory=list)

    def risk_value(self, key: RiskKey) -> bool | None:
        for fact in self.risk:
            if fact.key == key:
                return fact.value
        return None

    def advice_value(self, key: AdviceKey) -> bool | None:
        for fact in self.advice:
            if fact.key == key:
                return fact.value
        return None
