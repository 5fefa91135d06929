"""The core's basic vocabulary: phases, languages, certainty, intents, and the base model.

Shared by the incident model (``core.model``) and the Reader's model (``core.reading.model``),
which both build on it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Phase(StrEnum):
    """The canonical incident phases, in their usual order."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MITIGATING = "mitigating"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

Lang = Literal["ja", "en"]
LangSetting = Literal["ja", "en", "auto"]
Audience = Literal["responders", "stakeholders"]
Certainty = Literal["confirmed", "suspected"]
Recommendation = Literal["rollback", "disable_flag", "fix_forward", "redeploy", "hold"]
Intent = Literal["rollback", "status", "roster", "guidance", "other"]


class Model(BaseModel):
    """Base for every core model: unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid")
