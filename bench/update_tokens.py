"""Prompt size of scheduled updates over a long incident: incremental prompts stay flat.

A generated 2,000-message incident is replayed through the core (``Engine`` with
``auto_confirm_proposals``), with clock ticks fed whenever something falls due; every update
the core posts is polished by ``LLMEngine`` against the fake OpenAI-compatible server from
the tests, which answers with a valid rewrite of the draft and counts prompt tokens (the
project's deterministic estimate). Prints the prompt tokens of the 1st, 10th and 40th
scheduled update and the ratio 40th/1st. Target (issue 3): ratio <= 1.5 (a prompt carrying
the whole transcript would grow about 40 times).

The cadence is set so the incident spans about 120 cadences (the generator writes messages
a few seconds apart, so the default 15 minutes would give only a handful of updates, and
phase changes reset the cadence).

    python bench/update_tokens.py [N_MESSAGES] [--lang ja|en|mixed] [--seed N] [--seeds K]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.adapters.export_dce import parse_export  # noqa: E402
from assistant.core.actions import PostUpdate  # noqa: E402
from assistant.core.engine import Engine  # noqa: E402
from assistant.core.events import ClockTick, Event  # noqa: E402
from assistant.core.model import IncidentConfig, IncidentState, StatusUpdate  # noqa: E402
from assistant.core.prompt_budget import estimate_tokens  # noqa: E402
from assistant.llm.audit import MemoryAudit  # noqa: E402
from assistant.llm.context import messages_since  # noqa: E402
from assistant.llm.engine import LLMEngine  # noqa: E402
from assistant.llm.openai_adapter import OpenAIPort  # noqa: E402
from assistant.llm.settings import LLMSettings  # noqa: E402
from tests.llm.fake_server import (  # noqa: E402
    FakeOpenAIServer,
    Reply,
    prompt_tokens,
    rewrite_draft,
)

PICKS = (1, 10, 40)
TARGET_RATIO = 1.5
CADENCES = 120  # the incident spans this many cadences


def _generated(n_messages: int, seed: int, lang: str) -> dict[str, Any]:
    """The shared generator when present; otherwise a small built-in one."""
    path = REPO / "bench" / "generate_export.py"
    if path.is_file():
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_generate_export", path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            data: dict[str, Any] = module.generate(n_messages, seed=seed, lang=lang)
            return data
    return _fallback_export(n_messages)


def _fallback_export(n_messages: int) -> dict[str, Any]:
    """A plain export: three people reporting on an outage, 20 seconds apart."""
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    users = [{"id": str(i), "name": n, "isBot": False} for i, n in enumerate("abc", 1)]
    lines = [
        "error rate on checkout is {n}% right now",
        "looking at the deploy diff, step {n}",
        "rollback preparation: item {n} checked",
    ]
    messages = [
        {
            "id": str(1000 + i),
            "type": "Default",
            "timestamp": (start + timedelta(seconds=20 * i)).isoformat(),
            "content": lines[i % 3].format(n=i % 97),
            "author": users[i % 3],
            "mentions": [],
        }
        for i in range(n_messages)
    ]
    return {
        "guild": {"id": "g", "name": "bench"},
        "channel": {"id": "c1", "type": "GuildTextChat", "name": "inc-bench"},
        "messages": messages,
        "messageCount": n_messages,
    }


BLOCKS = ("state", "previous_update", "draft", "chat")


def _reworded(request: dict[str, Any]) -> Reply:
    """The fake model rewords every claim (a prefix), as a real one would change the words."""
    return rewrite_draft(request, reword="In short, ")


def breakdown(request: dict[str, Any]) -> dict[str, int]:
    """Prompt tokens per part of an update request: system, each data block, the rest."""
    system = str(request["messages"][0]["content"])
    user = str(request["messages"][1]["content"])
    parts = {"system": estimate_tokens(system)}
    rest = user
    for name in BLOCKS:
        head, _, tail = rest.partition(f"<{name}>\n")
        body, _, rest = tail.partition(f"\n</{name}>")
        parts[name] = estimate_tokens(body)
        rest = head + rest
    parts["other"] = estimate_tokens(rest)
    return parts


def _with_ticks(core: Engine, state: IncidentState, event: Event) -> list[Any]:
    """Feed a tick at every moment something falls due before ``event``, then the event."""
    actions: list[Any] = []
    while True:
        due = core.next_due(state)
        if due is None or due > event.at or (state.now is not None and due <= state.now):
            break
        actions += core.handle(state, ClockTick(at=due, incident_id=state.id))
    return actions + core.handle(state, event)


async def run(n_messages: int, seed: int, lang: str) -> dict[str, Any]:
    export = parse_export(_generated(n_messages, seed, lang), path="<generated>")
    events = export.events
    span_min = (events[-1].at - events[0].at).total_seconds() / 60
    cadence = max(0.5, span_min / CADENCES)
    bot = export.bot_candidates[0] if export.bot_candidates else None
    state = IncidentState(
        id=export.incident_id,
        title=export.topic or export.channel_name,
        config=IncidentConfig(
            auto_confirm_proposals=True,
            cadence_minutes=cadence,
            bot_name=bot.name if bot else None,
            bot_user_id=bot.id if bot else None,
        ),
    )
    core = Engine()
    scheduled: list[dict[str, Any]] = []
    all_updates = 0
    with FakeOpenAIServer(responder=_reworded) as server:
        settings = LLMSettings(
            base_url=server.base_url, model="bench", structured_mode="json_object"
        )
        port = OpenAIPort.from_settings(settings)
        audit = MemoryAudit()
        llm = LLMEngine(port, settings, audit=audit)
        previous: StatusUpdate | None = None
        try:
            for event in events:
                for action in _with_ticks(core, state, event):
                    if not isinstance(action, PostUpdate) or action.draft_for is not None:
                        continue
                    first_request = len(server.requests)
                    previous = await llm.polish_update(
                        state,
                        action.update,
                        previous=previous,
                        since=messages_since(state, previous),
                    )
                    all_updates += 1
                    if action.update.kind == "scheduled" and len(server.requests) > first_request:
                        request = server.requests[first_request]
                        scheduled.append(
                            {"tokens": prompt_tokens(request), "parts": breakdown(request)}
                        )
        finally:
            await port.aclose()
    outcomes = {
        o: sum(1 for r in audit.records if r.outcome == o) for o in ("ok", "repaired", "fallback")
    }
    return {
        "messages": n_messages,
        "lang": lang,
        "cadence_minutes": round(cadence, 2),
        "updates": all_updates,
        "scheduled": scheduled,
        "outcomes": outcomes,
    }


def report(result: dict[str, Any]) -> float | None:
    """Print one run's figures; returns the ratio 40th/1st (None: too few updates)."""
    r = result
    tokens = [s["tokens"] for s in r["scheduled"]]
    print(
        f"{r['messages']} messages ({r['lang']}, seed {r['seed']}), cadence "
        f"{r['cadence_minutes']} min: {r['updates']} updates polished, {len(tokens)} scheduled; "
        f"outcomes {r['outcomes']}"
    )
    if len(tokens) < max(PICKS):
        print(f"only {len(tokens)} scheduled updates; need {max(PICKS)}")
        return None
    picked = {n: tokens[n - 1] for n in PICKS}
    for n, value in picked.items():
        parts = ", ".join(f"{k} {v}" for k, v in r["scheduled"][n - 1]["parts"].items())
        print(f"scheduled update #{n}: {value} prompt tokens ({parts})")
    ratio = picked[40] / picked[1]
    verdict = "OK" if ratio <= TARGET_RATIO else "over target"
    print(f"ratio 40th/1st: {ratio:.2f} (target <= {TARGET_RATIO}): {verdict}")
    print(f"ratio 40th/10th: {picked[40] / picked[10]:.2f}")
    print(f"max prompt tokens over all scheduled updates: {max(tokens)}")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="prompt tokens of scheduled LLM updates")
    parser.add_argument("n_messages", type=int, nargs="?", default=2000)
    parser.add_argument("--lang", choices=("ja", "en", "mixed"), default="mixed")
    parser.add_argument("--seed", type=int, default=0, help="the generator's seed")
    parser.add_argument(
        "--seeds", type=int, default=1, help="run this many seeds from --seed; report the worst"
    )
    args = parser.parse_args(argv)
    ratios: list[float | None] = []
    for seed in range(args.seed, args.seed + args.seeds):
        result = asyncio.run(run(args.n_messages, seed, args.lang))
        ratios.append(report({**result, "seed": seed}))
        if args.seeds > 1:
            print()
    measured = [r for r in ratios if r is not None]
    if args.seeds > 1 and measured:
        shown = ", ".join("n/a" if r is None else f"{r:.2f}" for r in ratios)
        print(f"ratios 40th/1st over {args.seeds} seeds: {shown}; worst {max(measured):.2f}")
    ok = len(measured) == len(ratios) and all(r <= TARGET_RATIO for r in measured)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
