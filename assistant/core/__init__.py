"""The pure core: events in, actions out. No discord, openai, chromadb, sqlite, network,
environment or wall-clock imports here (tests/core/test_purity.py enforces it)."""
