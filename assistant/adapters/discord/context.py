"""What every cog needs, handed over in one object so cogs can be built without a live bot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from assistant.adapters.discord.deliver import ChannelLookup, Deliverer
from assistant.adapters.discord.listening import Listening
from assistant.adapters.discord.port import ServicePort
from assistant.adapters.discord.settings import DiscordSettings
from assistant.core.model import IncidentConfig


@dataclass
class BotContext:
    service: ServicePort
    settings: DiscordSettings
    deliverer: Deliverer
    listening: Listening
    channels: ChannelLookup
    incident_config: Callable[[], IncidentConfig]
    clock: Callable[[], datetime]
    bot_user_id: Callable[[], int | None]
    wake_scheduler: Callable[[], None]
