"""What the Discord adapter needs to know about the server. Built by the settings layer.

This is a plain pydantic model: it reads no environment. The lead's pydantic-settings layer
fills it from ``DISCORD_*`` variables and the ``.env`` file when the app starts.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class DiscordSettings(BaseModel):
    """Server-level settings for the bot."""

    model_config = ConfigDict(extra="forbid")

    token: SecretStr = SecretStr("")
    # Servers the bot serves (empty: any). With ``dev_guild_sync`` (default) and guild ids the
    # slash commands are synced to each of them (instant); otherwise globally (up to an hour).
    guild_ids: list[int] = Field(default_factory=list)
    dev_guild_sync: bool = True
    # Channels and threads whose name matches one of these (fnmatch) are incidents.
    channel_patterns: list[str] = Field(default_factory=lambda: ["inc-*", "incident-*"])
    # Channels (and their threads) under these categories are incidents.
    category_ids: list[int] = Field(default_factory=list)
    # /incident declare opens a thread in this channel (else in the channel it was run in,
    # or a new channel in the first configured category when run outside a text channel).
    parent_channel_id: int | None = None
    # Members with this role may run commander-only commands in any incident.
    commander_role_id: int | None = None
    # Updates written for stakeholders are also posted here.
    stakeholder_channel_id: int | None = None
    # voice channel id -> incident channel id: who sits in the call joins the incident.
    voice_links: dict[int, int] = Field(default_factory=dict)
    # Restart: at most this many missed messages per incident are read back.
    backfill_limit: int = 1000
    # The scheduler never sleeps longer than this (seconds).
    scheduler_max_sleep: float = 30.0
    # Sharding (discord.py AutoShardedBot): the shards this process runs, of how many.
    # Neither: Discord's recommended count, all in this process.
    shard_ids: list[int] | None = None
    shard_count: int | None = None

    def serves(self, guild_id: str | None) -> bool:
        """Whether this process's shards receive the events of ``guild_id`` (Discord
        routes a guild to shard ``(guild_id >> 22) % shard_count``; DMs to shard 0)."""
        if self.shard_ids is None or self.shard_count is None:
            return True
        shard = (int(guild_id) >> 22) % self.shard_count if guild_id and guild_id.isdigit() else 0
        return shard in self.shard_ids
