"""The offline Reader: one message (and a little context) in, one ``Reading`` out.

``LexiconReader`` runs the shared language analysis once and hands it to each topic's reader
(phase, roster, change and rollback risk, questions, facts). It is deterministic and pure:
the same message and context always give the same Reading.
"""

from __future__ import annotations

from typing import Protocol

from assistant.core.model import Intent, Lang, Phase
from assistant.core.reading.analysis import analyse
from assistant.core.reading.change import read_change, read_risk
from assistant.core.reading.context import ReadContext
from assistant.core.reading.facts import read_facts
from assistant.core.reading.model import Reading
from assistant.core.reading.phase import read_phase
from assistant.core.reading.question import addressed_to_bot, read_question
from assistant.core.reading.roster import apply as apply_roster
from assistant.core.reading.roster import read_roster
from assistant.core.reading.tasks import stated_purpose


class Reader(Protocol):
    def read(self, message_id: str, content: str, ctx: ReadContext) -> Reading: ...


class IntentModel(Protocol):
    """A learned classifier of questions to the bot (see ``adapters/intent_model.py``)."""

    def classify(self, text: str, lang: Lang) -> tuple[Intent, float] | None: ...


class LexiconReader:
    """The lexicon-and-analysis reader (the offline default).

    ``intent_model``, when given, decides the intent of a question to the bot where it is
    confident (``INTENT_CONFIDENCE`` of the nearest examples agree) and wherever the question
    lexicon has no entry for it; the lexicon decides the rest.
    """

    INTENT_CONFIDENCE = 0.6

    def __init__(
        self,
        phase_labels: dict[Phase, str] | None = None,
        intent_model: IntentModel | None = None,
    ) -> None:
        self.phase_labels = phase_labels
        self.intent_model = intent_model

    def read(self, message_id: str, content: str, ctx: ReadContext) -> Reading:
        analysis = analyse(content, bot_names=ctx.bot_names)
        reading = Reading(message_id=message_id, lang=analysis.lang)
        reading.addressed_to_bot = addressed_to_bot(content, ctx)
        reading.phase = read_phase(analysis, ctx, self.phase_labels)
        reading.change = read_change(analysis)
        reading.risk = read_risk(analysis)
        roster = read_roster(analysis, ctx)
        apply_roster(reading, roster)
        if not reading.assignments:
            reading.purpose = stated_purpose(analysis.cleaned.text)
        own = {a.span.start for a in reading.assignments if a.how == "self"}
        if not ctx.author.is_bot and not reading.addressed_to_bot:
            reading.facts = read_facts(analysis, ctx, own)
        if reading.addressed_to_bot:
            reading.question = read_question(analysis, ctx)
            if reading.question is not None and self.intent_model is not None:
                learned = self.intent_model.classify(content, analysis.lang)
                if learned is not None:
                    intent, confidence = learned
                    if confidence >= self.INTENT_CONFIDENCE or reading.question.cue == "":
                        reading.question.intent = intent
                        reading.question.cue = "intent-model"
        return reading
