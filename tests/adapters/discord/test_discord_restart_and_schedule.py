"""The scheduler ticks due incidents; a restart reads missed chat and posts nothing twice."""

from __future__ import annotations

from datetime import timedelta

from discord_fakes import (
    T0,
    Harness,
    assert_safe_mentions,
    history,
    member,
    message,
    text_channel,
)

from assistant.adapters.discord.backfill import backfill
from assistant.adapters.discord.deliver import nonce_for
from assistant.adapters.discord.scheduler import Scheduler
from assistant.core.actions import Flag, Notice, PostUpdate
from assistant.core.events import MessagePosted
from assistant.core.model import Phase, StatusUpdate, User


def _update(incident_id: str, headline: str, *, draft_for: User | None = None) -> PostUpdate:
    up = StatusUpdate(
        at=T0,
        phase=Phase.MITIGATING,
        lang="en",
        audience="responders",
        kind="scheduled",
        headline=headline,
        text=f"{headline}\nbody",
    )
    return PostUpdate(at=T0, incident_id=incident_id, update=up, draft_for=draft_for)


def _scheduler(h: Harness, now_offset: timedelta = timedelta(0)) -> Scheduler:
    return Scheduler(
        h.service,
        h.deliverer,
        clock=lambda: T0 + now_offset,  # type: ignore[arg-type]
        max_sleep=30,
    )


async def test_scheduler_ticks_only_due_incidents_and_posts_the_update() -> None:
    """One iteration: the due incident gets run_due_ticks and its update is posted."""
    h = Harness()
    h.service.add_incident("100")
    h.service.add_incident("200")
    due_ch = h.add(text_channel(100, "inc-a"))
    later_ch = h.add(text_channel(200, "inc-b"))
    h.service.due = {"100": T0 - timedelta(seconds=1), "200": T0 + timedelta(minutes=5)}
    h.service.tick_script["100"] = [_update("100", "[Mitigating] Rolling back")]

    delay = await _scheduler(h).run_once()

    assert h.service.ticks == [("100", T0)]
    assert due_ch.send.await_args.kwargs["embed"].title == "[Mitigating] Rolling back"
    assert due_ch.send.await_args.kwargs["content"].startswith("[Mitigating] Rolling back")
    later_ch.send.assert_not_awaited()
    assert delay == 30  # next due is 5 minutes away: capped
    assert_safe_mentions(due_ch.send.await_args_list)


async def test_scheduler_posts_a_roster_flag_from_a_tick() -> None:
    """A tick that flags unassigned people posts one message that pings nobody."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    h.service.due = {"100": T0}
    people = [User(id="2", name="bob"), User(id="3", name="carol")]
    h.service.tick_script["100"] = [
        Flag(
            at=T0,
            incident_id="100",
            reason="unassigned",
            users=people,
            text="bob, carol have no task",
        )
    ]
    await _scheduler(h).run_once()
    assert ch.send.await_args.kwargs["content"] == "bob, carol have no task"


async def test_a_failed_tick_run_still_sends_what_it_committed() -> None:
    """The core fails midway through a run: the flag committed before the failure is sent;
    a private notice in the outbox (it belongs to an interaction) is left alone."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    h.service.due = {"100": T0}
    private = Notice(
        at=T0,
        incident_id="100",
        kind="refusal",
        ephemeral=True,
        text="only the commander",
        to=User(id="5", name="eve"),
    )
    flag = Flag(
        at=T0, incident_id="100", reason="idle", users=[User(id="2", name="bob")], text="bob?"
    )

    async def failing(incident_id: str, now: object) -> list[object]:
        h.service.store(incident_id, [private, flag])  # committed by the ticks before
        raise RuntimeError("the core failed on a later tick")

    h.service.run_due_ticks = failing  # type: ignore[assignment,method-assign]
    await _scheduler(h).run_once()
    assert [c.kwargs["content"] for c in ch.send.await_args_list] == ["bob?"]
    assert [seq for seq, _ in h.service.marked] == [2]


async def test_scheduler_sleeps_until_the_next_due_time() -> None:
    """With something due in 10 s the loop sleeps 10 s; with nothing, the cap."""
    h = Harness()
    h.service.add_incident("100")
    h.service.due = {"100": T0 + timedelta(seconds=10)}
    assert _scheduler(h).sleep_seconds() == 10
    h.service.due = {}
    assert _scheduler(h).sleep_seconds() == 30


async def test_backfill_feeds_missed_messages_in_order_then_delivers_once() -> None:
    """Restart: history after the last processed id is fed oldest first; pending deliveries
    (one left over from before the crash, one produced by the backfill) are posted once."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    alice = member(1, "alice")
    old = [message(i, alice, f"m{i}", ch) for i in (10, 11)]
    missed = [message(i, alice, f"m{i}", ch) for i in (12, 13, 14)]
    history(ch, [*old, *missed])
    h.service.last_processed["100"] = "11"
    h.service.store("100", [_update("100", "[Mitigating] before the crash")])
    h.service.script = [[], [_update("100", "[Monitoring] while we were away")], []]

    report = await backfill(h.service, h.channels, h.deliverer)  # type: ignore[arg-type]

    fed = [e.message.id for e in h.service.events if isinstance(e, MessagePosted)]
    assert fed == ["12", "13", "14"]
    titles = [c.kwargs["embed"].title for c in ch.send.await_args_list]
    assert titles == ["[Mitigating] before the crash", "[Monitoring] while we were away"]
    nonces = [c.kwargs["nonce"] for c in ch.send.await_args_list]
    assert nonces == [nonce_for(1, "100"), nonce_for(2, "100")]
    assert [seq for seq, _ in h.service.marked] == [1, 2]
    assert report.messages == 3 and report.delivered == 2

    again = await backfill(h.service, h.channels, h.deliverer)  # type: ignore[arg-type]
    assert again.delivered == 0 and ch.send.await_count == 2  # nothing posted twice
    assert_safe_mentions(ch.send.await_args_list)


async def test_backfill_drops_private_leftovers_it_cannot_show() -> None:
    """A pending /update draft or ephemeral refusal lost its interaction: marked, not posted."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    history(ch, [])
    alice = User(id="1", name="alice")
    h.service.store(
        "100",
        [
            _update("100", "[Mitigating] draft", draft_for=alice),
            Notice(at=T0, incident_id="100", kind="refusal", text="no", ephemeral=True, to=alice),
        ],
    )
    await backfill(h.service, h.channels, h.deliverer)  # type: ignore[arg-type]
    ch.send.assert_not_awaited()
    assert h.service.marked == [(1, None), (2, None)]


async def test_delivery_to_a_missing_channel_stays_pending() -> None:
    """If the channel cannot be reached the delivery is not marked, so a later run retries."""
    h = Harness()
    h.service.add_incident("100")
    history_less = h.service.store("100", [_update("100", "[Mitigating] x")])
    await h.deliverer.deliver(history_less)
    assert h.service.marked == [] and h.service.pending_deliveries() == history_less


async def test_backfill_skips_incidents_that_are_not_discord_channels() -> None:
    """An incident id that is not a channel id (e.g. from an imported export) is skipped,
    and its deliveries stay pending rather than crashing the start-up."""
    h = Harness()
    h.service.add_incident("inc-2024-export")
    h.service.store("inc-2024-export", [_update("inc-2024-export", "[Mitigating] x")])
    report = await backfill(h.service, h.channels, h.deliverer)  # type: ignore[arg-type]
    assert report.incidents == 0 and report.delivered == 0
    assert len(h.service.pending_deliveries()) == 1


def test_nonce_fits_discords_limit() -> None:
    """Nonces stay within 25 characters even for huge sequence numbers and ids."""
    assert len(nonce_for(10**12, "123456789012345678901")) <= 25


async def test_a_stale_copy_of_a_sent_delivery_is_not_sent_again() -> None:
    """A pending list read before a live send finished (the real service returns fresh
    copies) does not make the deliverer post the same delivery twice."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    (delivery,) = h.service.store("100", [_update("100", "[Mitigating] once")])
    stale = delivery.model_copy()  # read as pending before the live send marked it
    await h.deliverer.deliver([delivery])
    await h.deliverer.deliver([stale])
    assert ch.send.await_count == 1 and [seq for seq, _ in h.service.marked] == [1]
