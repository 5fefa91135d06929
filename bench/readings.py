"""Score the Reader on the labelled readings corpus, with a fixed held-out fifth.

The corpus lives outside the project (``../shared/corpus/readings-dev.jsonl``). Its items are
split once, by a seeded hash of each item's id, into a *tuning* part (four fifths) and a
*held-out* part (one fifth). Developers may read the tuning part's misses (``-v``); the
held-out part is only ever scored, never listed: a change to the lexicon counts as better
only when the held-out number rises.

    python bench/readings.py                 # both parts, ja and en, summary lines
    python bench/readings.py -v              # also list the tuning part's misses
    python bench/readings.py --json          # machine-readable

The split rule is below (``is_held_out``); it never changes, so every figure in the README
is comparable with every other.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
SEED = "incident-assistant/readings-holdout/v1"


def is_held_out(item_id: str) -> bool:
    """One item in five, chosen by a seeded hash of its id (stable across runs)."""
    digest = hashlib.sha256(f"{SEED}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 5 == 0


def split(corpus: Path) -> tuple[list[str], list[str]]:
    """The corpus lines of the tuning part and of the held-out part."""
    tune: list[str] = []
    held: list[str] = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            (held if is_held_out(json.loads(line)["id"]) else tune).append(line)
    return tune, held


def run_scorer(
    scorer: Path, lines: list[str], cmd: str, lang: str | None, verbose: bool
) -> tuple[str, dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "part.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args = [sys.executable, str(scorer), str(path), "--cmd", cmd, "--json"]
        if lang:
            args += ["--lang", lang]
        if verbose:
            args.append("-v")
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"bench/readings.py: scorer failed: {proc.stderr.strip()[-400:]}")
    result: dict[str, object] = json.loads(proc.stdout)
    return str(result["summary_line"]), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "readings-dev.jsonl")
    ap.add_argument("--cmd", default=f"{ROOT / '.venv/bin/incident-assistant'} read")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the tuning part's misses")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--part", choices=("tune", "held-out", "both"), default="both")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"bench/readings.py: no corpus at {args.corpus}; skipped", file=sys.stderr)
        return 0
    scorer = args.corpus.parent / "score_readings.py"
    tune, held = split(args.corpus)
    parts = {"tune": tune, "held-out": held}
    wanted = ["tune", "held-out"] if args.part == "both" else [args.part]
    out: dict[str, dict[str, object]] = {}
    for name in wanted:
        for lang in (None, "ja", "en"):
            # misses are listed for the tuning part only: the held-out part is never read
            verbose = args.verbose and name == "tune" and lang is None
            line, result = run_scorer(scorer, parts[name], args.cmd, lang, verbose)
            key = f"{name}/{lang or 'all'}"
            out[key] = result
            if not args.json:
                if verbose:
                    for miss in result.get("misses", []):  # type: ignore[union-attr]
                        print(miss)
                print(f"{key:14} ({len(parts[name])} items) {line}")
    if args.json:
        for result in out.values():
            result.pop("misses", None)
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
