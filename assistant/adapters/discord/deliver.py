"""Carry out persisted deliveries: render each action, send it, mark it delivered.

The service has already stored every delivery (the outbox) before we see it. Here each one
is sent once and then ``mark_delivered`` with the Discord message id. A message sent to a
channel carries a nonce derived from the delivery's sequence number: discord.py sends it
with ``enforce_nonce`` set, so if we crash between the send and the mark, a resend shortly
after returns the first message instead of posting a duplicate.

With active/standby (``assistant/lease.py``), ``budget`` says how many seconds this process
may still post for: nothing is sent at 0 (a standby, or an active whose lease is running
out), and each send is cut off when the budget ends, so a deposed active's post cannot
land after a standby took over, except one already in flight, which the standby's resend
with the same nonce turns into the same message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from assistant.adapters.discord.port import DeliveryLike, ServicePort
from assistant.adapters.discord.render import Outgoing, render, render_update
from assistant.adapters.discord.views import proposal_view
from assistant.core.actions import Notice, PostUpdate, Reply
from assistant.core.model import Lang, StatusUpdate

log = logging.getLogger(__name__)

ChannelLookup = Callable[[int], Awaitable[discord.abc.Messageable | None]]
Interaction = discord.Interaction[Any]


def nonce_for(seq: int, incident_id: str) -> str:
    """A stable nonce per delivery (Discord allows 25 characters).

    The channel's last digits make a clash with an unrelated delivery of the same sequence
    number (say, a fresh database) within Discord's dedup window very unlikely.
    """
    return f"ia{seq}-{incident_id[-8:]}"[:25]


@dataclass
class DeliveryReport:
    """What a batch did, for the caller that owns the interaction."""

    sent: list[str] = field(default_factory=list)  # Discord message ids, in order
    followups: int = 0  # messages sent as replies to the interaction
    drafts: list[tuple[DeliveryLike, PostUpdate]] = field(default_factory=list)
    refused: bool = False  # the core refused the command
    stale: bool = False  # the command was about a proposal that is no longer current


class Deliverer:
    """Sends deliveries to Discord exactly once each."""

    def __init__(
        self,
        service: ServicePort,
        channels: ChannelLookup,
        *,
        stakeholder_channel_id: int | None = None,
        budget: Callable[[], float] | None = None,
    ) -> None:
        self.service = service
        self.channels = channels
        self.stakeholder_channel_id = stakeholder_channel_id
        self.budget = budget  # seconds this process may post for; None: no limit
        self._in_flight: set[int] = set()
        self._finished: set[int] = set()  # stale copies of these (read earlier) are skipped

    def lang(self, incident_id: str) -> Lang:
        state = self.service.state(incident_id)
        return state.lang if state is not None else "en"

    async def deliver(
        self,
        deliveries: Sequence[DeliveryLike],
        *,
        interaction: Interaction | None = None,
        ping: bool = False,
    ) -> DeliveryReport:
        """Send each undelivered delivery in sequence order.

        With ``interaction``, replies and notices meant for its user go to the interaction's
        follow-up (ephemeral when the core says so); everything else goes to the incident
        channel. Without one, ephemeral notices have nobody to go to and are dropped (they
        belonged to an interaction that is gone, e.g. after a restart).
        """
        report = DeliveryReport()
        for delivery in sorted(deliveries, key=lambda d: d.seq):
            seq = delivery.seq
            if delivery.delivered or seq in self._in_flight or seq in self._finished:
                continue
            left = self.budget() if self.budget is not None else None
            if left is not None and left <= 0:
                log.info("not active: delivery %s stays pending for the active", seq)
                continue
            self._in_flight.add(delivery.seq)
            try:
                async with asyncio.timeout(left):
                    await self._one(delivery, interaction, ping, report)
            except discord.HTTPException:
                log.exception(
                    "delivery %s failed (incident %s); it stays pending",
                    delivery.seq,
                    delivery.incident_id,
                )
            except TimeoutError:
                log.warning("delivery %s cut off: the lease is running out", seq)
            finally:
                self._in_flight.discard(delivery.seq)
        return report

    async def _one(
        self,
        delivery: DeliveryLike,
        interaction: Interaction | None,
        ping: bool,
        report: DeliveryReport,
    ) -> None:
        action = delivery.action
        if isinstance(action, Notice) and action.kind == "refusal":
            report.refused = True
        if isinstance(action, Notice) and action.kind == "stale":
            report.stale = True
        out = render(action, self.lang(delivery.incident_id), ping=ping)
        if out is None:
            self._drop(delivery)
            return
        if out.draft and isinstance(action, PostUpdate):
            if interaction is None:  # the private draft's interaction is gone
                self._drop(delivery)
            else:
                report.drafts.append((delivery, action))
            return
        if out.ephemeral or (interaction is not None and _for_user(action, interaction)):
            if interaction is None:
                log.info(
                    "dropping ephemeral %s for incident %s: no interaction",
                    action.type,
                    delivery.incident_id,
                )
                self._drop(delivery)
                return
            sent = await interaction.followup.send(
                **out.send_kwargs(), ephemeral=out.ephemeral, wait=True
            )
            self._done(delivery, sent, report)
            report.followups += 1
            return
        await self._to_channel(delivery, out, interaction, report)

    async def _to_channel(
        self,
        delivery: DeliveryLike,
        out: Outgoing,
        interaction: Interaction | None,
        report: DeliveryReport,
    ) -> None:
        channel = (
            await self.channels(int(delivery.incident_id))
            if delivery.incident_id.isdigit()
            else None
        )
        if channel is None:
            log.warning(
                "incident %s: channel not found; delivery %s stays pending",
                delivery.incident_id,
                delivery.seq,
            )
            return
        kwargs = out.send_kwargs()
        kwargs["nonce"] = nonce_for(delivery.seq, delivery.incident_id)
        if out.reply_to and out.reply_to.isdigit() and interaction is None:
            kwargs["reference"] = discord.MessageReference(
                message_id=int(out.reply_to),
                channel_id=int(delivery.incident_id),
                fail_if_not_exists=False,
            )
        if out.proposal_id is not None:
            lang = self.lang(delivery.incident_id)
            kwargs["view"] = proposal_view(lang, delivery.incident_id, out.proposal_id)
        sent = await channel.send(**kwargs)
        self._done(delivery, sent, report)
        await self._copy_for_stakeholders(delivery, out)

    async def _copy_for_stakeholders(self, delivery: DeliveryLike, out: Outgoing) -> None:
        action = delivery.action
        if (
            self.stakeholder_channel_id is None
            or not isinstance(action, PostUpdate)
            or action.update.audience != "stakeholders"
        ):
            return
        channel = await self.channels(self.stakeholder_channel_id)
        if channel is not None:
            nonce = nonce_for(delivery.seq, delivery.incident_id)[:24] + "s"
            await channel.send(**out.send_kwargs(), nonce=nonce)

    async def post_unrecorded(self, incident_id: str, update: StatusUpdate) -> str | None:
        """Post an update the service did not record (fallback for approved drafts)."""
        channel = await self.channels(int(incident_id)) if incident_id.isdigit() else None
        if channel is None:
            return None
        sent = await channel.send(**render_update(update).send_kwargs())
        return str(sent.id)

    def finish(self, seq: int, external_id: str | None) -> None:
        """Record that delivery ``seq`` was carried out (or needs nothing more)."""
        self.service.mark_delivered(seq, external_id)
        self._finished.add(seq)

    def _drop(self, delivery: DeliveryLike) -> None:
        """Nothing to send for this delivery (or nobody to send it to): mark it done."""
        self.finish(delivery.seq, None)

    def _done(
        self, delivery: DeliveryLike, sent: discord.Message | None, report: DeliveryReport
    ) -> None:
        external = str(sent.id) if sent is not None else None
        self.finish(delivery.seq, external)
        if external is not None:
            report.sent.append(external)


def _for_user(action: Any, interaction: Interaction) -> bool:
    """Whether an action answers the user who ran the interaction (vs. the whole channel)."""
    if isinstance(action, Reply):
        return True
    if isinstance(action, Notice):
        return action.to is None or action.to.id == str(interaction.user.id)
    return False
