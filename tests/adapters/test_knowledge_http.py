"""The knowledge store against a Chroma server (HttpClient), run locally on 127.0.0.1."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.adapters.knowledge_chroma import ChromaKnowledge, KnowledgeSettings
from assistant.adapters.knowledge_embed import shared_encoder

REPO = Path(__file__).resolve().parents[2]
CHROMA = Path(sys.executable).with_name("chroma")

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    """Poll the port until the server accepts connections (or give up after ~60 tries)."""
    for _ in range(600):
        if server.poll() is not None:
            pytest.fail("the chroma server exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=0.1)
    pytest.fail("the chroma server did not start")


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A throwaway Chroma server on 127.0.0.1 for this module."""
    if not CHROMA.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma server command is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_http_client_ingests_and_searches(chroma_port: int) -> None:
    """With a host and port the store talks to the server; reopening sees the same data."""
    shared_encoder()
    settings = KnowledgeSettings(chroma_host="127.0.0.1", chroma_port=chroma_port)
    with ChromaKnowledge(settings, base_dir=REPO) as kb:
        report = kb.ingest([REPO / "knowledge" / "guidance"])
        assert report.ok and report.added
        top = kb.search("指揮を引き継ぐときは？", kind="guidance")[0]
        assert top.doc_id == "guidance/ja/handover"
    with ChromaKnowledge(settings, base_dir=REPO) as again:
        second = again.ingest([REPO / "knowledge" / "guidance"])
        assert second.added == [] and second.updated == []
        assert len(second.unchanged) == len(report.added)
