"""The Reader: every message becomes one typed ``Reading`` that all features consume.

The reader itself lives in ``reading.reader`` (``LexiconReader``); this package module only
exports the Reading's models, so that ``core.model`` can refer to them without a cycle.
"""

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

__all__ = [
    "ADVICE_KEYS",
    "RISK_KEYS",
    "AdviceFact",
    "AssignmentSignal",
    "ChangeSignal",
    "CommanderSignal",
    "FactSignal",
    "PhaseSignal",
    "Question",
    "Reading",
    "RiskFact",
    "Span",
]
