"""Shared set-up for the Discord adapter tests.

discord.py imports the stdlib ``audioop`` module, which warns on Python 3.11+; the suite
treats warnings as errors, so discord is imported once here with that one warning ignored
(the lead may instead add it to pyproject's filterwarnings). The folder is put on sys.path so
tests import their fakes without a package.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore", message="'audioop' is deprecated", category=DeprecationWarning
    )
    import discord  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parent))
