"""Restart without loss: a run killed at any moment continues with nothing lost or doubled."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.adapters.export_dce import parse_export
from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.engine import Engine
from assistant.core.model import IncidentConfig
from assistant.replay import ReplayOptions, replay
from assistant.service import IncidentService
from assistant.store import StorePort
from tests.conftest import REPO, load_bench_module


def _export(n: int, seed: int = 3) -> dict[str, object]:
    return load_bench_module("generate_export").generate(n, seed=seed)  # type: ignore[no-any-return]


OpenStore = Callable[..., StorePort]


def _service(store: StorePort) -> IncidentService:
    return IncidentService(store, Engine(), defaults=IncidentConfig())


class _Lines:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass


def _run(service: IncidentService, export_data: dict[str, object], limit: int | None) -> str:
    export = parse_export(export_data)
    if limit is not None:
        export = dataclasses.replace(export, events=export.events[:limit])
    out = _Lines()
    opts = ReplayOptions(export=Path("x.json"), fmt="jsonl")
    asyncio.run(replay(service, export, opts, out))  # type: ignore[arg-type]
    return out.text


def test_crash_between_snapshots_rebuilds_the_same_state(open_store: OpenStore) -> None:
    """A run stopped without a final snapshot, then resumed by a new service on the same
    store, gives the uninterrupted run's output and outbox, with nothing twice."""
    data = _export(600)
    full = _run(_service(open_store("a", snapshot_every=7)), data, None)

    class Killed(IncidentService):
        def checkpoint(self) -> None:  # killed before the final snapshot
            pass

    crashed = Killed(open_store("b", snapshot_every=7), Engine(), defaults=IncidentConfig())
    partial = _run(crashed, data, 333)
    assert full.startswith(partial) and len(partial) < len(full)
    resumed = _run(_service(open_store("b", snapshot_every=7)), data, None)
    assert resumed == full
    lines = full.splitlines()
    assert len(lines) > 20
    seqs_a = [r.seq for r in open_store("a").outbox()]
    seqs_b = [r.seq for r in open_store("b").outbox()]
    assert len(seqs_a) == len(seqs_b) == len(set(seqs_b))


def test_a_restart_writes_what_the_uninterrupted_run_writes_in_any_zone(
    open_store: OpenStore,
) -> None:
    """A sample whose times are at UTC-05:00, stopped midway and resumed from the store:
    every later update names the zone as the uninterrupted run does (times read back from
    the store carry the offset, not the original tzinfo)."""
    from assistant.adapters.export_dce import load_export

    export = load_export(REPO / "samples" / "en-no-change-redeploy" / "export.json")
    data_events = export.events
    opts = ReplayOptions(export=Path("x.json"), fmt="jsonl")

    def run(service: IncidentService, limit: int | None) -> str:
        out = _Lines()
        part = dataclasses.replace(export, events=data_events[:limit] if limit else data_events)
        asyncio.run(replay(service, part, opts, out))  # type: ignore[arg-type]
        return out.text

    full = run(_service(open_store("a")), None)
    assert "UTC-05:00" in full

    class Killed(IncidentService):
        def checkpoint(self) -> None:
            pass

    run(Killed(open_store("b", snapshot_every=5), Engine(), defaults=IncidentConfig()), 30)
    assert run(_service(open_store("b", snapshot_every=5)), None) == full


def test_rerun_of_a_finished_replay_handles_nothing_twice(open_store: OpenStore) -> None:
    """Running the same export again on the same state prints the same timeline and adds
    nothing to the store."""
    data = _export(300)
    first = _run(_service(open_store()), data, None)
    before = len(open_store().outbox())
    second = _run(_service(open_store()), data, None)
    assert second == first
    assert len(open_store().outbox()) == before
    export = parse_export(data)
    last = max((e for e in export.events if e.kind == "message_posted"), key=lambda e: e.at)
    assert open_store().last_message(export.channel_id) == last.message.id  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_lines", [3, 40])
def test_sigkill_midway_then_rerun_matches_an_uninterrupted_run(
    tmp_path: Path, kill_after_lines: int
) -> None:
    """SIGKILL a real `incident-assistant replay` midway, rerun it with the same --state:
    the rerun's output equals an uninterrupted run's, and the store holds every record once."""
    export_path = tmp_path / "export.json"
    export_path.write_text(json.dumps(_export(4000, seed=11)), encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "assistant",
        "replay",
        str(export_path),
        "--format",
        "jsonl",
        "--no-knowledge",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    full = subprocess.run(
        [*cmd, "--state", str(tmp_path / "full.sqlite3")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout

    state = tmp_path / "killed.sqlite3"
    partial_out = tmp_path / "partial.jsonl"
    with partial_out.open("w") as sink:
        proc = subprocess.Popen([*cmd, "--state", str(state)], cwd=REPO, stdout=sink, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if partial_out.read_text().count("\n") >= kill_after_lines:
                break
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    partial = partial_out.read_text()
    assert proc.returncode == -signal.SIGKILL, "the replay finished before it could be killed"
    assert full.startswith(partial.rsplit("\n", 1)[0])

    rerun = subprocess.run(
        [*cmd, "--state", str(state)], cwd=REPO, capture_output=True, text=True, check=True, env=env
    ).stdout
    assert rerun == full
    store = SqliteStore(state)
    keys = [(r.action.type, r.action.at, r.action.model_dump_json()) for r in store.outbox()]
    assert len(keys) == len(set(keys)) == len(SqliteStore(tmp_path / "full.sqlite3").outbox())
