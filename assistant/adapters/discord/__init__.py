"""The Discord adapter: Discord objects in as core events, core actions out as Discord calls.

Import ``run_bot`` / ``IncidentBot`` from ``assistant.adapters.discord.bot``; nothing here
connects, reads settings or starts tasks at import time.
"""
