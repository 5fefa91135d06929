"""A throwaway PostgreSQL cluster on 127.0.0.1, for the tests and the store benchmark.

Uses the server binaries of Debian's ``postgresql`` package (``.ci/run`` installs it) or
any ``initdb``/``pg_ctl`` on PATH. The server refuses to run as root, so as root the
cluster is created and run as the ``postgres`` user (or ``nobody``) through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class NoServer(Exception):
    """No PostgreSQL server can run here; the message says why."""


def find_bindir() -> Path:
    """The directory of ``initdb`` and ``pg_ctl`` (newest Debian version first)."""
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for candidate in [*reversed(versions), *(os.environ.get("PATH", "").split(os.pathsep))]:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise NoServer(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
        "'postgresql' package (.ci/run does) to run the PostgreSQL store tests"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """``initdb`` + ``pg_ctl start`` in a temporary directory; ``stop()`` removes it."""

    def __init__(self, *, fast: bool = True) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="ia-pg-"))
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            user = next((u for u in ("postgres", "nobody") if _user_exists(u)), None)
            if user is None or shutil.which("runuser") is None:
                raise NoServer("running as root without a 'postgres' user and runuser")
            self._as = ["runuser", "-u", user, "--"]
            os.chown(self.root, pwd.getpwnam(user).pw_uid, -1)
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        if fast:  # tests: durability against power loss is not what they check
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "log"), "-w", "start"
        )
        self.data = data
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        try:
            subprocess.run(
                [*self._as, str(self.bindir / tool), *args],
                check=True,
                capture_output=True,
                text=True,
                cwd=self.root,
                timeout=120,
            )
        except subprocess.CalledProcessError as exc:
            raise NoServer(f"{tool} failed: {exc.stderr.strip() or exc.stdout.strip()}") from None

    def database(self, name: str) -> str:
        """Create an empty database; return its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def drop(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
