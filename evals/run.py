"""Run the evaluation scenarios through ``incident-assistant replay`` and score them.

    python evals/run.py                      # every scenario, offline engine
    python evals/run.py --stable-only        # what CI runs: exit 1 if a stable one fails
    python evals/run.py --engine llm         # LLM engine: LLM_MODEL + OPENAI_BASE_URL
    python evals/run.py --json out.json      # also write the summary as JSON ('-' = stdout)
    python evals/run.py --write-latest       # write the summary line to evals/LATEST.txt
    python evals/run.py -k rollback          # only scenarios whose name contains 'rollback'

Each scenario is a folder under ``evals/`` with ``expected.yaml`` (see ``evals/scoring.py``)
and ``transcript.yaml`` + ``export.json`` (``export:`` in expected.yaml may point elsewhere,
e.g. at a bundled sample). Every replay gets a fresh ``--state``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import Result, Summary, parse_jsonl, score
from transcript import REPO, Transcript, load

EVALS = REPO / "evals"
BOT_NAME = "incident-assistant"
SHARED_POSTMORTEMS = REPO.parent / "shared" / "data" / "postmortems"
LLM_ENV_PREFIXES = ("OPENAI_", "LLM_", "ASSISTANT_LLM", "INCIDENT_ASSISTANT_LLM")


@dataclass
class Scenario:
    name: str
    folder: Path
    expected: dict[str, Any]
    export: Path
    transcript: Transcript

    @property
    def stable(self) -> bool:
        return bool(self.expected.get("stable", False))


def discover(root: Path = EVALS) -> list[Scenario]:
    """Every folder under ``root`` with an ``expected.yaml``, by name."""
    out = []
    for exp in sorted(root.glob("*/expected.yaml")):
        folder = exp.parent
        expected = yaml.safe_load(exp.read_text(encoding="utf-8")) or {}
        export = (folder / str(expected.get("export", "export.json"))).resolve()
        transcript = load(export.parent / "transcript.yaml")
        out.append(Scenario(folder.name, folder, expected, export, transcript))
    return out


def replay_command(scenario: Scenario, state: Path, knowledge: list[Path] | None) -> list[str]:
    cmd = [
        sys.executable, "-m", "assistant", "replay", str(scenario.export),
        "--format", "jsonl", "--state", str(state),
        "--lang", str(scenario.expected.get("lang", "auto")), "--bot-name", BOT_NAME,
        # phase checkpoints score what the bot *reads*: every proposal counts as confirmed
        # (live, the commander's click does that); who may change the phase is tested apart
        "--confirm-proposals", "all",
    ]  # fmt: skip

    if knowledge is None:
        return [*cmd, "--no-knowledge"]
    for k in knowledge:
        cmd += ["--knowledge", str(k)]
    return cmd


def engine_env(engine: str) -> dict[str, str]:
    """The environment for a replay: offline strips every LLM setting, llm keeps them."""
    env = dict(os.environ)
    if engine == "offline":
        for key in list(env):
            if key.startswith(LLM_ENV_PREFIXES):
                del env[key]
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def corpus_dir(scenario: Scenario, tmp: Path) -> Path | None:
    """The shared postmortem corpus minus this scenario's held-out ids, as a JSONL folder."""
    if not SHARED_POSTMORTEMS.is_dir():
        return None
    held = set(scenario.expected.get("holdout_kb_ids") or [])
    out = tmp / "corpus"
    out.mkdir(exist_ok=True)
    for src in sorted(SHARED_POSTMORTEMS.glob("*.jsonl")):
        lines = [
            line
            for line in src.read_text(encoding="utf-8").splitlines()
            if line.strip() and json.loads(line).get("id") not in held
        ]
        (out / src.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def run_one(
    scenario: Scenario,
    engine: str,
    *,
    with_corpus: bool = False,
    no_knowledge: bool = False,
    keep: Path | None = None,
    timeout: float = 600,
    runner: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
) -> Result:
    """Replay one scenario in a fresh state directory and score its records."""
    with tempfile.TemporaryDirectory(prefix=f"eval-{scenario.name}-") as tmp_name:
        tmp = Path(tmp_name)
        knowledge = [REPO / "knowledge"]
        if with_corpus:
            extra = corpus_dir(scenario, tmp)
            if extra is not None:
                knowledge.append(extra)
        cmd = replay_command(scenario, tmp / "state.sqlite3", None if no_knowledge else knowledge)
        try:
            proc = runner(
                cmd, capture_output=True, text=True, cwd=REPO, env=engine_env(engine),
                timeout=timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return _failed(scenario, f"replay timed out after {timeout:.0f}s")
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / f"{scenario.name}.jsonl").write_text(proc.stdout, encoding="utf-8")
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        return _failed(scenario, f"replay exit {proc.returncode}: {last[:300]}")
    return score_records(scenario, parse_jsonl(proc.stdout))


def score_records(scenario: Scenario, records: list[dict[str, Any]]) -> Result:
    return score(
        scenario.name,
        scenario.expected,
        records,
        scenario.transcript.at,
        scenario.transcript.message_id,
        bot_name=BOT_NAME,
    )


def _failed(scenario: Scenario, why: str) -> Result:
    res = Result(name=scenario.name, stable=scenario.stable)
    res.errors.append(why)
    return res


def describe(res: Result) -> str:
    """One line per scenario: verdict and per-metric counts."""
    mark = "PASS" if res.passed else "FAIL"
    tag = " [stable]" if res.stable else ""
    if res.errors:
        return f"{mark} {res.name}{tag}: {'; '.join(res.errors)}"
    return (
        f"{mark} {res.name:<34} phase {res.phase_ok}/{res.phase_total}"
        f"  rec {res.rec_ok}/{res.rec_total}  cite {res.cite_ok}/{res.cite_total}"
        f"  ans {res.answer_ok}/{res.answer_total}"
        f"  flags tp={res.flag_tp} fp={res.flag_fp} fn={res.flag_fn}"
        f"  safety {res.safety_ok}/{res.safety_total}{tag}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score the incident assistant on the scenarios.")
    ap.add_argument("--engine", choices=("offline", "llm"), default="offline")
    ap.add_argument("--stable-only", action="store_true", help="only scenarios marked stable")
    ap.add_argument("-k", dest="match", help="only scenarios whose name contains this")
    ap.add_argument("--json", help="write the summary as JSON to this file ('-' = stdout)")
    ap.add_argument("--write-latest", action="store_true", help="write evals/LATEST.txt")
    ap.add_argument("--keep", type=Path, help="save each replay's JSONL in this folder")
    ap.add_argument(
        "--with-corpus",
        action="store_true",
        help="add ../shared/data/postmortems (minus each scenario's held-out ids) to the KB",
    )
    ap.add_argument("--no-knowledge", action="store_true", help="replay without any KB")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="replays run in parallel")
    args = ap.parse_args(argv)

    if args.engine == "llm" and not (
        os.environ.get("LLM_MODEL")
        and (os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY"))
    ):
        print(
            "note: --engine llm needs LLM_MODEL and OPENAI_BASE_URL (or OPENAI_API_KEY);"
            " without them the replay falls back to the offline engine",
            file=sys.stderr,
        )
    scenarios = discover()
    if args.stable_only:
        scenarios = [s for s in scenarios if s.stable]
    if args.match:
        scenarios = [s for s in scenarios if args.match in s.name]
    if not scenarios:
        print("no scenarios selected")
        return 0 if args.stable_only and not args.match else 2

    def job(s: Scenario) -> Result:
        return run_one(
            s,
            args.engine,
            with_corpus=args.with_corpus,
            no_knowledge=args.no_knowledge,
            keep=args.keep,
        )

    # The first replay alone: it brings the shared knowledge index up to date, so parallel
    # replays after it only read it.
    results = [job(scenarios[0])]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results += list(pool.map(job, scenarios[1:]))

    for res in results:
        print(describe(res))
        if not res.passed:
            for why in res.misses:
                print(f"    - {why}")
    summary = Summary(results)
    line = summary.line(args.engine)
    print(line)
    if args.json:
        data = json.dumps(summary.to_json(args.engine), ensure_ascii=False, indent=2)
        if args.json == "-":
            print(data)
        else:
            Path(args.json).write_text(data + "\n", encoding="utf-8")
    if args.write_latest:
        (EVALS / "LATEST.txt").write_text(line + "\n", encoding="utf-8")
    broken = [r.name for r in results if r.stable and not r.passed]
    if broken:
        print(f"stable scenarios failed: {', '.join(broken)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
