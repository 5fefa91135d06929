"""Protocols the core talks to. Adapters implement them; tests use hand-written fakes."""

from __future__ import annotations

from typing import Literal, Protocol

from assistant.core.model import KnowledgeHit


class KnowledgePort(Protocol):
    """Search over the team's knowledge base (postmortems and guidance)."""

    def search(
        self,
        query: str,
        *,
        kind: Literal["postmortem", "guidance"] | None = None,
        k: int = 5,
    ) -> list[KnowledgeHit]: ...
