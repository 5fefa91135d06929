"""Phase proposals: the buttons turn a click into Command(confirm_phase); refusals re-arm."""

from __future__ import annotations

import asyncio
from typing import Any

from discord_fakes import (
    ROLE_ID,
    T0,
    Harness,
    assert_safe_mentions,
    interaction,
    member,
    posted,
    text_channel,
)

from assistant.adapters.discord.views import ProposalView
from assistant.core.actions import Notice, PostUpdate, ProposePhase
from assistant.core.events import Command
from assistant.core.model import Phase, PhaseProposal, StatusUpdate, User


def _proposal() -> ProposePhase:
    p = PhaseProposal(
        id="p1", at=T0, phase=Phase.MONITORING, reason="errors back to normal", source_ids=["9"]
    )
    return ProposePhase(
        at=T0, incident_id="100", proposal=p, text="[Monitoring] ? errors back to normal"
    )


async def _settle() -> None:
    for _ in range(50):
        await asyncio.sleep(0)


def _view(ch: Any) -> ProposalView:
    view = ch.send.await_args.kwargs["view"]
    assert isinstance(view, ProposalView)
    return view


async def test_confirm_click_becomes_a_confirm_phase_command() -> None:
    """The commander's click sends confirm_phase; the buttons go and the decision shows."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    sent = posted(321)
    sent.content = "[Monitoring] ? errors back to normal"
    ch.send.side_effect = None
    ch.send.return_value = sent
    await h.deliverer.deliver(h.service.store("100", [_proposal()]))
    view = _view(ch)

    boss = member(1, "alice", roles=[ROLE_ID])
    up = StatusUpdate(
        at=T0,
        phase=Phase.MONITORING,
        lang="en",
        audience="responders",
        kind="phase_change",
        headline="[Monitoring] ok",
        text="[Monitoring] ok",
    )
    h.service.then(PostUpdate(at=T0, incident_id="100", update=up))
    click = interaction(ch, boss)
    await view.confirm.callback(click)
    await _settle()

    (cmd,) = h.service.events
    assert isinstance(cmd, Command) and cmd.name == "confirm_phase"
    assert cmd.args == {"proposal_id": "p1", "accept": True} and cmd.privileged
    click.response.defer.assert_awaited_once()
    final = sent.edit.await_args.kwargs
    assert final["view"] is None and "Confirmed by alice" in final["content"]
    assert_safe_mentions(sent.edit.await_args_list)


async def test_refused_click_is_private_and_buttons_come_back() -> None:
    """A non-commander's click is refused ephemerally; the proposal keeps fresh buttons."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    sent = posted(322)
    ch.send.side_effect = None
    ch.send.return_value = sent
    await h.deliverer.deliver(h.service.store("100", [_proposal()]))
    view = _view(ch)
    h.service.then(
        Notice(
            at=T0,
            incident_id="100",
            kind="refusal",
            ephemeral=True,
            text="no",
            to=User(id="5", name="eve"),
        )
    )
    click = interaction(ch, member(5, "eve"))
    await view.dismiss.callback(click)
    await _settle()

    assert click.followup.send.await_args.kwargs["ephemeral"] is True
    rearmed = sent.edit.await_args.kwargs["view"]
    assert isinstance(rearmed, ProposalView) and rearmed is not view
    assert ch.send.await_count == 1
    h.proposals.cancel_all()
