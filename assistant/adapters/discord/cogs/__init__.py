"""One cog per feature. Each module is a discord.py extension with an async ``setup``."""

from __future__ import annotations

EXTENSIONS: tuple[str, ...] = tuple(
    f"{__name__}.{name}" for name in ("listen", "incident", "phase", "roster", "updates", "ask")
)
