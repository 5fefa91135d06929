"""What the Discord adapter needs from the service layer (assistant/service.py).

Written as Protocols so the adapter and its tests do not import the service module; the
real ``IncidentService`` satisfies them structurally. ``answer_outside`` and the optional
``post_draft`` go beyond the shared conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from assistant.core.actions import Action
from assistant.core.events import Event
from assistant.core.model import Answer, IncidentConfig, IncidentState, Lang, StatusUpdate
from assistant.core.postmortem_model import Postmortem


class DeliveryLike(Protocol):
    """One persisted action waiting to be carried out (``assistant.service.Delivery``)."""

    @property
    def seq(self) -> int: ...
    @property
    def incident_id(self) -> str: ...
    @property
    def action(self) -> Action: ...
    @property
    def delivered(self) -> bool: ...


class ServicePort(Protocol):
    """The slice of ``IncidentService`` the bot calls."""

    async def handle(self, event: Event) -> Sequence[DeliveryLike]: ...
    async def run_due_ticks(self, incident_id: str, now: datetime) -> Sequence[DeliveryLike]: ...
    def next_due(self, incident_id: str) -> datetime | None: ...
    def state(self, incident_id: str) -> IncidentState | None: ...
    def open_incidents(self) -> Sequence[IncidentState]: ...
    def ensure_incident(
        self,
        incident_id: str,
        *,
        channel_id: str,
        guild_id: str | None = None,
        title: str = "",
        config: IncidentConfig | None = None,
    ) -> IncidentState: ...
    def is_incident(self, incident_id: str) -> bool: ...
    def pending_deliveries(self, incident_id: str | None = None) -> Sequence[DeliveryLike]: ...
    def mark_delivered(self, seq: int, external_id: str | None = None) -> None: ...
    def last_processed_message_id(self, channel_id: str) -> str | None: ...
    # beyond CONVENTIONS.md (the lead's service has it)
    def answer_outside(self, question: str, message_id: str, at: datetime) -> Answer: ...


class PostmortemLike(Protocol):
    """A drafted postmortem (``assistant.service.PostmortemDraft``)."""

    @property
    def markdown(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def postmortem(self) -> Postmortem: ...


@runtime_checkable
class PostmortemDrafter(Protocol):
    """Drafts an incident's postmortem (``/incident postmortem``), commander only."""

    def may_command(self, incident_id: str, user_id: str, *, privileged: bool = False) -> bool: ...

    async def postmortem(
        self, incident_id: str, *, lang: Lang | None = None, services: Sequence[str] = ()
    ) -> PostmortemLike | None: ...


@runtime_checkable
class DraftPoster(Protocol):
    """Records and delivers an /update draft the commander approved.

    Optional: without it the adapter posts the approved draft directly (not recorded in
    the incident state, so the cadence clock does not restart).
    """

    async def post_draft(
        self, incident_id: str, update: StatusUpdate
    ) -> Sequence[DeliveryLike]: ...
