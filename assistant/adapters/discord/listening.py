"""Which channels are incidents: the ones the service knows (the bot opened them or saw them
before), plus channels and threads whose name matches a configured pattern or that sit under
a configured category. A matching channel becomes an incident on first sight.
"""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase

import discord

from assistant.adapters.discord.port import ServicePort
from assistant.adapters.discord.settings import DiscordSettings
from assistant.core.model import IncidentConfig


class Listening:
    def __init__(
        self,
        service: ServicePort,
        settings: DiscordSettings,
        incident_config: Callable[[], IncidentConfig],
    ) -> None:
        self.service = service
        self.settings = settings
        self.incident_config = incident_config

    def serves_guild(self, guild_id: int | None) -> bool:
        return guild_id is not None and (
            not self.settings.guild_ids or guild_id in self.settings.guild_ids
        )

    def matches(self, channel: object) -> bool:
        """A guild channel or thread that the settings mark as an incident."""
        if not isinstance(channel, discord.Thread | discord.TextChannel | discord.VoiceChannel):
            return False
        name, category_id, guild_id = channel.name, channel.category_id, channel.guild.id
        if not self.serves_guild(guild_id):
            return False
        lowered = name.lower()
        if any(fnmatchcase(lowered, p.lower()) for p in self.settings.channel_patterns):
            return True
        return category_id is not None and category_id in self.settings.category_ids

    def is_incident_channel(self, channel: object) -> bool:
        """Known incident, or a channel that would become one (no side effect)."""
        channel_id = getattr(channel, "id", None)
        if channel_id is None:
            return False
        return self.service.is_incident(str(channel_id)) or self.matches(channel)

    def incident_id_for(self, channel: object) -> str | None:
        """The incident id for ``channel``, creating the incident for a matching channel."""
        channel_id = getattr(channel, "id", None)
        if channel_id is None:
            return None
        incident_id = str(channel_id)
        if self.service.is_incident(incident_id):
            return incident_id
        if not self.matches(channel):
            return None
        guild = getattr(channel, "guild", None)
        self.service.ensure_incident(
            incident_id,
            channel_id=incident_id,
            guild_id=str(guild.id) if guild is not None else None,
            title=str(getattr(channel, "name", "")),
            config=self.incident_config(),
        )
        return incident_id
