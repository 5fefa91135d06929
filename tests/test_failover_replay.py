"""Failover in the replay path: two replays on one PostgreSQL, the active one SIGKILLed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO, load_bench_module

TAKEOVER = "2"  # seconds: the lease lasts 1.5 s, a standby polls every 0.25 s


def _cmd(export: Path, url: str) -> list[str]:
    return [
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
        "replay",
        "--takeover-seconds",
        TAKEOVER,
    ]


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return text.splitlines() if text.endswith("\n") else text.splitlines()[:-1]


def test_a_standby_replay_takes_over_from_a_killed_one(tmp_path: Path, pg_cluster: Any) -> None:
    """An active replay is SIGKILLed midway while a standby waits on the same PostgreSQL.
    The standby prints nothing while the active lives, then takes over and finishes: the
    two outputs together are the uninterrupted run's, every delivery once, except lines
    the active printed in its very last moment before it could record them, which the
    standby prints again under the same delivery id (as a Discord post would be sent again
    with the same nonce) and only those."""
    export = tmp_path / "export.json"
    data = load_bench_module("generate_export").generate(2500, seed=5)
    export.write_text(json.dumps(data), encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    full = subprocess.run(
        _cmd(export, pg_cluster.database("failover_full")),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=300,
    ).stdout.splitlines()
    assert len(full) > 100

    url = pg_cluster.database("failover_pair")
    out_a, out_b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    with out_a.open("w") as sink_a, out_b.open("w") as sink_b:
        active = subprocess.Popen(_cmd(export, url), cwd=REPO, stdout=sink_a, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _lines(out_a):
            time.sleep(0.01)
        standby = subprocess.Popen(_cmd(export, url), cwd=REPO, stdout=sink_b, env=env)
        while time.monotonic() < deadline and len(_lines(out_a)) < len(full) // 4:
            time.sleep(0.005)
        time.sleep(0.3)  # the standby is up and polling by now
        assert out_b.read_text() == "", "the standby printed while the active was alive"
        active.send_signal(signal.SIGKILL)
        active.wait()
        assert active.returncode == -signal.SIGKILL, "the active replay finished too early"
        killed_at = time.monotonic()
        assert standby.wait(timeout=120) == 0
    a, b = _lines(out_a), _lines(out_b)
    assert 0 < len(a) < len(full) and b, "the kill did not land midway"

    def ident(line: str) -> str:
        return str(json.loads(line)["delivery"])

    seen_a = {ident(line) for line in a}
    again = [line for line in b if ident(line) in seen_a]
    # what the standby printed again is exactly a tail of what the active printed
    assert again == a[len(a) - len(again) :]
    assert a + [line for line in b if ident(line) not in seen_a] == full
    assert time.monotonic() - killed_at < 60
    pg_cluster.drop("failover_full")
    pg_cluster.drop("failover_pair")
