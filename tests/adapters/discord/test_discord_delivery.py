"""Every kind of core action is delivered to the right place, once, with safe mentions."""

from __future__ import annotations

from typing import Any

import discord
from discord_fakes import (
    T0,
    Harness,
    all_send_calls,
    assert_safe_mentions,
    guild,
    interaction,
    member,
    spec,
    text_channel,
    thread,
)

from assistant.adapters.discord.cogs.listen import ListenCog
from assistant.adapters.discord.settings import DiscordSettings
from assistant.core.actions import (
    Action,
    Flag,
    Notice,
    PhaseChanged,
    PostUpdate,
    ProposePhase,
    RecordAssignment,
    RecordRelease,
    Reply,
)
from assistant.core.model import (
    Answer,
    Assignment,
    ChecklistItem,
    Phase,
    PhaseProposal,
    StatusUpdate,
    User,
)

BOB = User(id="2", name="bob")


def _update(audience: str = "responders") -> StatusUpdate:
    return StatusUpdate(
        at=T0,
        phase=Phase.MITIGATING,
        lang="en",
        audience=audience,  # type: ignore[arg-type]
        kind="scheduled",
        headline="[Mitigating] x",
        text="[Mitigating] x\ny",
    )


def _every_action() -> list[Action]:
    iid = "100"
    return [
        PhaseChanged(at=T0, incident_id=iid, phase=Phase.MITIGATING, previous=None),
        PostUpdate(at=T0, incident_id=iid, update=_update()),
        ProposePhase(
            at=T0,
            incident_id=iid,
            text="[Monitoring] ?",
            proposal=PhaseProposal(
                id="p1", at=T0, phase=Phase.MONITORING, reason="r", source_ids=[]
            ),
        ),
        RecordAssignment(
            at=T0, incident_id=iid, assignment=Assignment(id="a1", user=BOB, task="t", since=T0)
        ),
        RecordRelease(at=T0, incident_id=iid, user=BOB),
        Flag(
            at=T0, incident_id=iid, reason="idle", users=[BOB], text="@bob status?", mention=[BOB]
        ),
        Reply(
            at=T0,
            incident_id=iid,
            answer=Answer(
                at=T0,
                in_reply_to="42",
                intent="rollback",
                text="Roll back.",
                checklist=[
                    ChecklistItem(
                        key="data_rollback", question="Does data roll back?", answer="unknown"
                    )
                ],
                citations=["pm-2023-01"],
            ),
        ),
        Notice(at=T0, incident_id=iid, kind="purpose_prompt", text="What is it for?", to=BOB),
        Notice(
            at=T0,
            incident_id=iid,
            kind="refusal",
            text="no",
            ephemeral=True,
            to=User(id="1", name="alice"),
        ),
    ]


async def test_every_action_without_an_interaction() -> None:
    """Chat-driven: public actions go to the channel; the orphan ephemeral is dropped; all
    nine are marked delivered exactly once."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    report = await h.deliverer.deliver(h.service.store("100", _every_action()))
    await h.deliverer.deliver(h.service.outbox)  # a second pass sends nothing
    assert sorted(seq for seq, _ in h.service.marked) == list(range(1, 10))
    assert ch.send.await_count == 7 and len(report.sent) == 7
    reply_call = ch.send.await_args_list[5]
    assert reply_call.kwargs["embed"].title == "Before rolling back"
    assert "pm-2023-01" in reply_call.kwargs["embed"].fields[0].value
    assert ch.send.await_args_list[6].kwargs["content"] == "<@2> What is it for?"
    assert_safe_mentions(ch.send.await_args_list)


async def test_every_action_with_an_interaction() -> None:
    """Command-driven: replies and the user's notices go to the follow-up, the rest public."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    it = interaction(ch, member(1, "alice"))
    report = await h.deliverer.deliver(
        h.service.store("100", _every_action()), interaction=it, ping=True
    )
    assert report.followups == 2 and report.refused
    assert [c.kwargs["ephemeral"] for c in it.followup.send.await_args_list] == [False, True]
    assert ch.send.await_count == 6
    assert_safe_mentions(all_send_calls(ch, it.followup))


async def test_stakeholder_updates_are_copied_to_the_stakeholder_channel() -> None:
    """An update for stakeholders also goes to the configured channel, same safe mentions."""
    h = Harness(settings=DiscordSettings(stakeholder_channel_id=700))
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    stake = h.add(text_channel(700, "status"))
    await h.deliverer.deliver(
        h.service.store(
            "100",
            [
                PostUpdate(at=T0, incident_id="100", update=_update("stakeholders")),
                PostUpdate(at=T0, incident_id="100", update=_update("responders")),
            ],
        )
    )
    assert ch.send.await_count == 2 and stake.send.await_count == 1
    assert stake.send.await_args.kwargs["embed"].title == "[Mitigating] x"
    assert_safe_mentions(all_send_calls(ch, stake))


async def test_voice_channel_join_and_leave_reach_the_linked_incident() -> None:
    """Entering a linked voice channel is MemberJoined; leaving it is MemberLeft."""
    h = Harness(settings=DiscordSettings(voice_links={800: 100}))
    h.service.add_incident("100")
    cog = ListenCog(h.ctx)
    voice = spec(discord.VoiceChannel, id=800)
    outside: Any = spec(discord.VoiceState, channel=None)
    inside: Any = spec(discord.VoiceState, channel=voice)
    bob = member(2, "bob")
    await cog.on_voice_state_update(bob, outside, inside)
    await cog.on_voice_state_update(bob, inside, outside)
    assert [e.kind for e in h.service.events] == ["member_joined", "member_left"]
    assert all(e.incident_id == "100" for e in h.service.events)


async def test_thread_join_is_a_member_joined_event() -> None:
    """Someone added to an incident thread joins the incident's participants."""
    h = Harness()
    h.service.add_incident("600")
    g = guild()
    bob = member(2, "bob")
    g.get_member.return_value = bob
    th = thread(600, "inc-x", g=g)
    tm: Any = spec(discord.ThreadMember, id=2, thread=th)
    await ListenCog(h.ctx).on_thread_member_join(tm)
    (event,) = h.service.events
    assert event.kind == "member_joined" and event.user.name == "bob"  # type: ignore[union-attr]
