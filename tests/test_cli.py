"""The command line: bad input gives one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import REPO


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _export(messages: list[object]) -> dict[str, object]:
    return {
        "guild": {"id": "1", "name": "g"},
        "channel": {"id": "2", "name": "inc-x"},
        "messages": messages,
    }


def _message(**over: object) -> dict[str, object]:
    msg: dict[str, object] = {
        "id": "10",
        "type": "Default",
        "timestamp": "2024-05-01T10:00:00+00:00",
        "timestampEdited": None,
        "isPinned": False,
        "content": "hello",
        "author": {"id": "7", "name": "tanaka", "nickname": "田中", "isBot": False},
        "mentions": [],
        "reactions": [],
    }
    msg.update(over)
    return msg


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "file not found"),
        ("{not json", "line 1"),
        ("[1, 2]", "not a DiscordChatExporter export"),
        (json.dumps({"messages": []}), "not a DiscordChatExporter export"),
        (json.dumps(_export([_message(author={"id": "7"})])), "author.name"),
        (
            json.dumps(_export([_message(), _message(id="11", timestamp="yesterday")])),
            "messages[1]",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, expected: str
) -> None:
    """Missing file, invalid JSON, a non-export, a message missing or garbling a field:
    exit 2 and a single stderr line naming the file and the place."""
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run(["replay", str(path), "--no-knowledge"], capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0]
    assert expected.lower() in lines[0].lower()
    assert "Traceback" not in err


def test_empty_channel_is_a_clear_message_and_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export with no messages is not an error: say so and exit 0."""
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(_export([])), encoding="utf-8")
    code, out, err = _run(["replay", str(path), "--no-knowledge"], capsys)
    assert code == 0
    assert "no messages" in out
    assert err == ""


def test_the_console_script_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    """Through a real process too: stderr is one line, exit status 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "replay", str(tmp_path / "missing.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_bad_option_values_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """A non-positive cadence is a usage error (argparse exits 2 with a message)."""
    with pytest.raises(SystemExit) as exc:
        main(["replay", "x.json", "--cadence-minutes", "0"])
    assert exc.value.code == 2
    assert "greater than 0" in capsys.readouterr().err


def test_postmortem_writes_a_draft_kb_ingest_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``postmortem EXPORT -o FILE`` writes the Markdown draft and says what it drafted; the
    same ``--state`` a second time drafts the same incident without handling it twice."""
    sample = REPO / "samples" / "en-flag-disable" / "export.json"
    folder = tmp_path / "postmortems"
    folder.mkdir()
    out = folder / "flag.md"
    state = tmp_path / "state.sqlite3"
    args = ["postmortem", str(sample), "--no-knowledge", "--state", str(state), "-o", str(out)]
    code, stdout, err = _run(args, capsys)
    assert code == 0 and stdout == ""
    assert err.startswith(f"postmortem draft (en, offline) to {out}: phase resolved")
    first = out.read_text(encoding="utf-8")
    assert first.startswith("---\ntitle: homepage 500s after 4.12 release\n")
    assert "## Time to each phase" in first
    code, _, _ = _run([*args, "--lang", "ja", "--service", "web-frontend"], capsys)
    ja = out.read_text(encoding="utf-8")
    assert code == 0 and "## 各フェーズまでの時間" in ja and "services: [web-frontend]" in ja
    from assistant.adapters.knowledge_docs import read_markdown

    assert read_markdown(out).meta["services"] == "web-frontend"


def test_postmortem_to_stdout_and_its_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without -o the draft goes to stdout; a missing folder or an empty channel is one line
    and exit code 2."""
    sample = REPO / "samples" / "ja-release-rollback" / "export.json"
    code, out, _ = _run(["postmortem", str(sample), "--no-knowledge"], capsys)
    assert code == 0 and out.startswith("---\n") and "## 概要" in out
    missing = tmp_path / "nope" / "x.md"
    code, _, err = _run(["postmortem", str(sample), "--no-knowledge", "-o", str(missing)], capsys)
    assert code == 2 and err.strip().endswith("does not exist") and err.count("\n") == 1
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(_export([])), encoding="utf-8")
    code, _, err = _run(["postmortem", str(empty), "--no-knowledge"], capsys)
    assert code == 2 and "nothing to draft" in err and err.count("\n") == 1
