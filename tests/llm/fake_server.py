"""A small OpenAI-compatible chat completions server on 127.0.0.1 for tests and benches.

Each request takes the next scripted ``Reply`` (or asks ``responder`` when the script is
empty), and every request body is recorded, so a test can both make the server misbehave in
a chosen way and check what the client sent. It speaks just enough of the protocol for the
real ``openai`` client: ``POST /v1/chat/completions``.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from assistant.core.prompt_budget import estimate_tokens


@dataclass
class Reply:
    """One scripted response. The defaults are a well-formed 200 completion."""

    content: str | None = ""
    status: int = 200
    refusal: str | None = None
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # raw body instead of a completion (e.g. invalid JSON)
    delay: float = 0.0  # seconds to wait before answering (timeouts)
    drop: bool = False  # close the connection without answering
    cut: bool = False  # announce the whole body but send only half of it, then close
    usage: tuple[int, int] | None = None  # (prompt, completion) tokens; counted when None
    model: str = "fake-model"


def ok(payload: object) -> Reply:
    """A 200 whose message content is ``payload`` (dumped as JSON unless it is a str)."""
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return Reply(content=text)


def error(status: int, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps({"error": {"message": f"scripted {status}", "type": "server_error"}})
    return Reply(status=status, headers=headers or {}, body=body.encode())


_CLAIM = re.compile(r"^- \((\w+), (\w+)\) (.*) \[sources: ([^\]]*?)(?: \(\+\d+ more\))?\]$")


def rewrite_draft(request: dict[str, Any], *, reword: str = "") -> Reply:
    """A cooperative fake model for update prompts: returns the <draft> block as valid JSON.

    Each claim comes back one for one, its text prefixed with ``reword`` (so a caller can
    tell the model's words from the draft's).
    """
    user = str(request["messages"][1]["content"])
    draft = user.split("<draft>\n", 1)[1].split("\n</draft>", 1)[0]
    lines = draft.splitlines()
    claims = []
    for line in lines[1:]:
        m = _CLAIM.match(line)
        if m:
            section, certainty, text, sources = m.groups()
            ids = [s.strip() for s in sources.split(",") if s.strip()]
            claims.append(
                {
                    "section": section,
                    "certainty": certainty,
                    "text": reword + text,
                    "source_ids": ids,
                }
            )
    payload = {"headline": lines[0] if lines else "", "claims": claims}
    return Reply(content=json.dumps(payload, ensure_ascii=False))


def prompt_tokens(request: dict[str, Any]) -> int:
    """Prompt tokens of a request, by the project's deterministic estimate."""
    return sum(estimate_tokens(str(m.get("content") or "")) for m in request.get("messages", []))


class FakeOpenAIServer:
    """Start with ``start()`` (or as a context manager); ``base_url`` ends in ``/v1``."""

    def __init__(self, responder: Callable[[dict[str, Any]], Reply] | None = None) -> None:
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.request_headers: list[dict[str, str]] = []
        self.responder = responder
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self.script:
                return self.script.popleft()
        if self.responder is not None:
            return self.responder(request)
        return error(500)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    request = json.loads(raw or b"{}")
                except ValueError:
                    request = {"_raw": raw.decode(errors="replace")}
                with server._lock:
                    server.request_headers.append({k.lower(): v for k, v in self.headers.items()})
                reply = server._next(request)
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                if reply.drop:
                    self.close_connection = True
                    return
                body = reply.body if reply.body is not None else _completion(request, reply)
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.cut:
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def _completion(request: dict[str, Any], reply: Reply) -> bytes:
    tokens_in, tokens_out = reply.usage or (
        prompt_tokens(request),
        estimate_tokens(reply.content or ""),
    )
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.refusal is not None:
        message["refusal"] = reply.refusal
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": reply.model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        },
    }
    return json.dumps(payload, ensure_ascii=False).encode()
