"""Output safety: secret redaction and mass-mention neutralisation. STUB: owned by the LLM work."""

from __future__ import annotations

import re

_MASS = re.compile(r"@(everyone|here)|<@&\d+>")


def neutralize_mentions(text: str) -> str:
    """Make @everyone, @here and role mentions inert (a zero-width space after the @)."""
    return _MASS.sub(lambda m: m.group(0).replace("@", "@\u200b"), text)


def redact(text: str) -> str:
    return text


def sanitize_output(text: str) -> str:
    """Everything the bot posts or prints goes through this."""
    return neutralize_mentions(redact(text))
