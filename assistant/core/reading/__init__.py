"""The Reader: every message becomes one typed ``Reading`` that all features consume."""

from assistant.core.reading.context import Earlier, ReadContext
from assistant.core.reading.model import (
    ADVICE_KEYS,
    RISK_KEYS,
    AdviceFact,
    AssignmentSignal,
    ChangeSignal,
    CommanderSignal,
    FactSignal,
    PhaseSignal,
    Question,
    Reading,
    RiskFact,
    Span,
)
from assistant.core.reading.reader import LexiconReader, Reader

__all__ = [
    "ADVICE_KEYS",
    "RISK_KEYS",
    "AdviceFact",
    "AssignmentSignal",
    "ChangeSignal",
    "CommanderSignal",
    "Earlier",
    "FactSignal",
    "LexiconReader",
    "PhaseSignal",
    "Question",
    "ReadContext",
    "Reader",
    "Reading",
    "RiskFact",
    "Span",
]
