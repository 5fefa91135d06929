"""Shared test helpers: paths to the repo, the shared data, and the bench generator."""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assistant.adapters.store_postgres import PostgresStore
from assistant.adapters.store_sqlite import SqliteStore
from assistant.store import StorePort

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()


def load_bench_module(name: str) -> ModuleType:
    """Import a script from bench/ (it is not a package)."""
    path = REPO / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL server for the whole run (skips where none can run)."""
    clusters = load_bench_module("pg_cluster")
    try:
        cluster = clusters.Cluster()
    except clusters.NoServer as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Any) -> Iterator[str]:
    """An empty database of its own for one test."""
    name = f"t{next(_databases)}"
    url = pg_cluster.database(name)
    try:
        yield url
    finally:
        pg_cluster.drop(name)


_databases = itertools.count(1)
STORES = ["sqlite", "postgresql"]
StoreOpener = Callable[..., StorePort]


@pytest.fixture(params=STORES)
def open_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., StorePort]]:
    """Opens a state store under test, SQLite or PostgreSQL: ``open_store(name=...)`` opens
    the store of that name (a file, or a database), the same one again on every call (a
    restart). Whatever is still open is closed after the test."""
    opened: list[StorePort] = []
    urls: dict[str, str] = {}
    cluster = request.getfixturevalue("pg_cluster") if request.param == "postgresql" else None

    def factory(name: str = "state", **kw: Any) -> StorePort:
        if cluster is None:
            opened.append(SqliteStore(tmp_path / f"{name}.sqlite3", **kw))
        else:
            if name not in urls:
                urls[name] = cluster.database(f"t{next(_databases)}")
            opened.append(PostgresStore(urls[name], **kw))
        return opened[-1]

    yield factory
    for store in opened:
        store.close()
    for url in urls.values():
        cluster.drop(url.rsplit("/", 1)[1])
