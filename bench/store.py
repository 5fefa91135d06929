"""The state stores side by side: replay throughput on SQLite and on PostgreSQL in the same
run, the cost of one live event on each, and how long a standby takes to take over from a
SIGKILLed active.

    python bench/store.py [N_MESSAGES] [--rounds R] [--takeover-seconds T] [--kills K]

Throughput: a generated export through the whole replay path (offline engine, no
knowledge), alternating SQLite and PostgreSQL ``--rounds`` times so machine noise hits both;
the PostgreSQL server is a throwaway cluster on 127.0.0.1 with its durable defaults (fsync
on, synchronous commit), as a production server would run. Takeover: two ``replay --lease``
processes on one PostgreSQL; the active one is SIGKILLed once it has printed a few lines;
measured from the kill to the standby's first line (lease expiry + poll + resume).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.adapters.export_dce import load_export  # noqa: E402
from assistant.app import build_app  # noqa: E402
from assistant.replay import ReplayOptions, replay  # noqa: E402
from assistant.settings import Settings  # noqa: E402

LIVE_EVENTS = 500


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Sink:
    def write(self, s: str) -> int:
        return len(s)

    def flush(self) -> None:
        pass


def _replay_rate(export: Path, n: int, *, state_path: Path | None, state_url: str | None) -> float:
    settings = Settings.load(_env_file=None)
    app = build_app(settings, state_path=state_path, state_url=state_url, use_knowledge=False)
    try:
        started = time.perf_counter()
        parsed = load_export(export)
        opts = ReplayOptions(export=export, fmt="jsonl")
        asyncio.run(replay(app.service, parsed, opts, _Sink()))  # type: ignore[arg-type]
        return n / (time.perf_counter() - started)
    finally:
        app.close()


def _live_latency(export: Path, *, state_path: Path | None, state_url: str | None) -> float:
    """Median milliseconds to handle and commit one event on its own, as the live bot does
    (one transaction per event, no group commit)."""
    settings = Settings.load(_env_file=None)
    app = build_app(settings, state_path=state_path, state_url=state_url, use_knowledge=False)
    try:
        parsed = load_export(export)
        service = app.service
        service.ensure_incident(parsed.incident_id, channel_id=parsed.channel_id)
        took = []
        for event in parsed.events[:LIVE_EVENTS]:
            started = time.perf_counter()
            asyncio.run(service.handle(event))
            took.append((time.perf_counter() - started) * 1000)
        return statistics.median(took)
    finally:
        app.close()


def _takeover(export: Path, url: str, takeover_s: float) -> float:
    cmd = [
        sys.executable,
        "-m",
        "assistant",
        "replay",
        str(export),
        "--format",
        "jsonl",
        "--no-knowledge",
        "--state-url",
        url,
        "--lease",
        "bench",
        "--takeover-seconds",
        str(takeover_s),
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        out_a, out_b = Path(tmp) / "a", Path(tmp) / "b"
        with out_a.open("w") as sink_a, out_b.open("w") as sink_b:
            active = subprocess.Popen(cmd, cwd=REPO, stdout=sink_a, env=env)
            while out_a.stat().st_size == 0 and active.poll() is None:
                time.sleep(0.005)
            standby = subprocess.Popen(cmd, cwd=REPO, stdout=sink_b, env=env)
            time.sleep(1.5)  # the standby is up and polling
            if active.poll() is not None:
                raise SystemExit("the active replay finished before the kill: use more messages")
            active.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            active.wait()
            while out_b.stat().st_size == 0 and standby.poll() is None:
                time.sleep(0.005)
            took = time.monotonic() - killed
            standby.wait()
    return took


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--takeover-seconds", type=float, default=4.0)
    ap.add_argument("--kills", type=int, default=3)
    args = ap.parse_args()
    clusters = _bench_module("pg_cluster")
    generator = _bench_module("generate_export")
    cluster = clusters.Cluster(fast=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "export.json"
            export.write_text(json.dumps(generator.generate(args.n, seed=1)), encoding="utf-8")
            sqlite: list[float] = []
            postgres: list[float] = []
            for r in range(args.rounds):
                sqlite.append(
                    _replay_rate(
                        export, args.n, state_path=Path(tmp) / f"s{r}.sqlite3", state_url=None
                    )
                )
                url = cluster.database(f"bench{r}")
                postgres.append(_replay_rate(export, args.n, state_path=None, state_url=url))
            s, p = statistics.median(sqlite), statistics.median(postgres)
            print(f"replay of {args.n} messages, median of {args.rounds} alternating rounds:")
            print(f"  SQLite     {s:7,.0f} messages/s  (runs: {_list(sqlite)})")
            print(f"  PostgreSQL {p:7,.0f} messages/s  (runs: {_list(postgres)})")
            print(f"  PostgreSQL / SQLite: {p / s:.2f}")
            ms_s = _live_latency(export, state_path=Path(tmp) / "live.sqlite3", state_url=None)
            ms_p = _live_latency(export, state_path=None, state_url=cluster.database("live"))
            print(
                f"one event handled and committed on its own (live), median of {LIVE_EVENTS}:"
                f" SQLite {ms_s:.2f} ms, PostgreSQL {ms_p:.2f} ms"
            )
            takes = [
                _takeover(export, cluster.database(f"takeover{k}"), args.takeover_seconds)
                for k in range(args.kills)
            ]
            bound = args.takeover_seconds * 0.875
            print(
                f"takeover after SIGKILL (TAKEOVER_SECONDS={args.takeover_seconds:g}): "
                f"median {statistics.median(takes):.2f} s, max {max(takes):.2f} s over "
                f"{args.kills} kills (runs: {_list(takes, '.2f')}); design bound "
                f"{bound:.2f} s + resume"
            )
    finally:
        cluster.stop()
    return 0


def _list(values: list[float], fmt: str = ",.0f") -> str:
    return ", ".join(format(v, fmt) for v in values)


if __name__ == "__main__":
    sys.exit(main())
