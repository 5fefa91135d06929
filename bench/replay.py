"""Replay throughput: a generated export through the offline engine, end to end.

Prints messages per second and peak RSS. Target (issue 2) on a 2-core machine:
>= 2,000 messages/s and < 400 MB for 10,000 messages.

    python bench/replay.py [N_MESSAGES] [--knowledge]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import resource
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
from assistant.settings import Settings, bundled  # noqa: E402


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_export", REPO / "bench" / "generate_export.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Sink:
    def __init__(self) -> None:
        self.lines = 0

    def write(self, s: str) -> int:
        self.lines += s.count("\n")
        return len(s)

    def flush(self) -> None:
        pass


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000)
    ap.add_argument("--knowledge", action="store_true", help="use the bundled knowledge base")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps(_generator().generate(args.n, seed=1)), encoding="utf-8")
        settings = Settings.load(chroma_path=Path(tmp) / "chroma")
        started = time.perf_counter()
        app = build_app(
            settings,
            state_path=Path(tmp) / "state.sqlite3",
            knowledge_dirs=[bundled("knowledge")],
            use_knowledge=args.knowledge,
        )
        if app.knowledge is not None:
            app.knowledge.search("warm up")  # loads the sentence encoder and the BM25 index
        setup = time.perf_counter() - started
        sink = _Sink()
        start = time.perf_counter()
        export = load_export(path)
        asyncio.run(replay(app.service, export, ReplayOptions(export=path, fmt="jsonl"), sink))  # type: ignore[arg-type]
        elapsed = time.perf_counter() - start
        app.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = args.n / elapsed
    print(
        f"replayed {args.n} messages in {elapsed:.2f} s: {rate:,.0f} messages/s; "
        f"{sink.lines} output records; peak RSS {rss_mb:.0f} MB "
        f"(knowledge {'on' if args.knowledge else 'off'})"
    )
    if args.knowledge:
        print(f"not counted above: knowledge index build and encoder load, {setup:.1f} s")
    ok = rate >= 2000 and rss_mb < 400
    print("target (>= 2,000 messages/s, < 400 MB):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
