"""Parsing knowledge files (Markdown + front matter, JSON Lines) and chunking them by section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.adapters.knowledge_docs import (
    DocumentError,
    chunk,
    read_jsonl,
    read_markdown,
    sections,
    split_long,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_gives_id_kind_title_and_rollback_fields(tmp_path: Path) -> None:
    """A postmortem's id is its path from postmortems/ without extension; fields become metadata."""
    path = write(
        tmp_path / "knowledge/postmortems/2023-03-iam-permission-rollback.md",
        "---\ntitle: IAM error after release\ndate: 2023-03-01\ntags: [iam, release]\n"
        "services: [api]\nseverity: SEV2\ncause: missing permission\n"
        "rollback: {attempted: true, outcome: helped}\nsource_url: https://example.org/pm\n---\n"
        "# Heading\n\nBody text.\n",
    )
    doc = read_markdown(path)
    assert doc.doc_id == "postmortems/2023-03-iam-permission-rollback"
    assert doc.kind == "postmortem"
    assert doc.title == "IAM error after release"
    assert doc.meta["rollback_attempted"] is True
    assert doc.meta["rollback_outcome"] == "helped"
    assert doc.meta["date"] == "2023-03-01"
    assert doc.meta["tags"] == "iam, release"
    assert doc.meta["source_url"] == "https://example.org/pm"
    assert doc.meta["lang"] == "en"


def test_without_front_matter_the_title_is_the_first_heading_and_lang_is_detected(
    tmp_path: Path,
) -> None:
    """No front matter: title from the first heading; a Japanese body is tagged ja."""
    path = write(
        tmp_path / "kb/guidance/ja/rollback-checklist.md",
        "# ロールバックの確認事項\n\n直近のリリースはあったか。\n",
    )
    doc = read_markdown(path)
    assert doc.doc_id == "guidance/ja/rollback-checklist"
    assert doc.kind == "guidance"
    assert doc.title == "ロールバックの確認事項"
    assert doc.meta["lang"] == "ja"


@pytest.mark.parametrize(
    ("front", "needle"),
    [
        ("title: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "YAML mapping"),
        ("rollback: {attempted: maybe}\n", "rollback.attempted"),
        ("rollback: {attempted: true, outcome: great}\n", "rollback.outcome"),
        ("lang: fr\n", "'lang'"),
    ],
)
def test_bad_front_matter_is_an_error_naming_the_file(
    tmp_path: Path, front: str, needle: str
) -> None:
    """Each kind of bad front matter raises a DocumentError that names the file and the problem."""
    path = write(tmp_path / "postmortems/bad.md", f"---\n{front}---\n# T\n\ntext\n")
    with pytest.raises(DocumentError) as err:
        read_markdown(path)
    assert str(path) in str(err.value)
    assert needle in str(err.value)


def test_unclosed_front_matter_is_an_error(tmp_path: Path) -> None:
    """A front matter block without its closing line is reported, not read as body text."""
    path = write(tmp_path / "guidance/x.md", "---\ntitle: x\n# T\n")
    with pytest.raises(DocumentError, match="closing"):
        read_markdown(path)


def test_jsonl_records_use_their_id_and_mark_heuristic_rollback(tmp_path: Path) -> None:
    """JSONL ids are the record ids; rollback_heuristic is kept but marked as heuristic."""
    records = [
        {
            "id": "pm-1",
            "title": "Queue stuck",
            "text": "We reverted the deploy.",
            "rollback_heuristic": {"mentioned": True, "snippets": ["reverted"]},
        },
        {
            "id": "pm-2",
            "title": "Disk full",
            "text": "The disk filled up.",
            "rollback": {"attempted": False, "outcome": "not_attempted"},
        },
        {"id": "pm-3", "text": "No title here. Second sentence.", "company": "Acme"},
    ]
    path = write(tmp_path / "pm.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    docs = list(read_jsonl(path))
    assert [getattr(d, "doc_id", None) for d in docs] == ["pm-1", "pm-2", "pm-3"]
    first, second, third = docs
    assert not isinstance(first, DocumentError)
    assert first.meta["rollback_source"] == "heuristic"
    assert first.meta["rollback_attempted"] is True
    assert not isinstance(second, DocumentError)
    assert second.meta["rollback_source"] == "record"
    assert second.meta["rollback_outcome"] == "not_attempted"
    assert not isinstance(third, DocumentError)
    assert third.title.startswith("Acme: No title here.")


def test_a_bad_jsonl_line_is_reported_with_its_line_and_the_rest_is_read(tmp_path: Path) -> None:
    """Broken JSON and a record without text give errors naming file:line; good lines still load."""
    path = write(
        tmp_path / "pm.jsonl",
        '{"id": "a", "title": "A", "text": "ok"}\n{not json\n{"id": "b", "title": "B"}\n',
    )
    items = list(read_jsonl(path))
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert [e.line for e in errors] == [2, 3]
    assert all(f"{path}:" in str(e) for e in errors)
    assert [i.doc_id for i in items if not isinstance(i, DocumentError)] == ["a"]


def test_sections_follow_headings_and_ignore_code_fences() -> None:
    """Headings split sections; a '#' line inside a code block is not a heading."""
    text = "Intro line.\n\n## One\n\nfirst\n\n```\n# not a heading\n```\n\n## Two\n\nsecond\n"
    got = sections(text)
    assert [h for h, _ in got] == ["", "One", "Two"]
    assert "# not a heading" in got[1][1]


def test_empty_parent_heading_is_folded_into_the_subsection() -> None:
    """A heading directly followed by a sub-heading names the sub-section's path."""
    got = sections("# Title\n## Summary\n\nbody\n")
    assert got == [("Title / Summary", "body")]


def test_long_sections_split_near_the_limit_on_paragraph_boundaries() -> None:
    """Pieces stay near the limit and never cut a paragraph in the middle."""
    paragraphs = [f"Paragraph {i} " + "word " * 60 for i in range(10)]
    pieces = split_long("\n\n".join(paragraphs), limit=1000)
    assert len(pieces) > 1
    assert all(len(p) <= 1000 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)


def test_a_japanese_run_without_breaks_is_split_on_sentence_ends() -> None:
    """Japanese text has no spaces: a long paragraph splits after 。."""
    body = "障害が発生しました。" * 300
    pieces = split_long(body, limit=500)
    assert all(len(p) <= 500 for p in pieces)
    assert all(p.endswith("。") for p in pieces)


def test_chunks_carry_the_title_and_section_in_their_text(tmp_path: Path) -> None:
    """Each chunk's indexed text starts with 'title / section' so it stands on its own."""
    path = write(
        tmp_path / "guidance/en/roles.md", "# Roles\n\n## Scribe\n\nWrites the timeline.\n"
    )
    pieces = chunk(read_markdown(path))
    assert [c.chunk_id for c in pieces] == ["guidance/en/roles#0"]
    assert pieces[0].section == "Scribe"
    assert pieces[0].text.startswith("Roles / Scribe\n")
    assert "Writes the timeline." in pieces[0].text


def test_jsonl_under_a_guidance_folder_holds_guidance(tmp_path: Path) -> None:
    """A JSONL file's kind follows its folder: guidance records carry no rollback fields."""
    record = {
        "id": "g-1",
        "title": "Roles",
        "text": "The scribe keeps the timeline.",
        "rollback": {"attempted": True, "outcome": "helped"},
    }
    path = write(tmp_path / "guidance" / "docs.jsonl", json.dumps(record) + "\n")
    (doc,) = list(read_jsonl(path))
    assert not isinstance(doc, DocumentError)
    assert doc.kind == "guidance"
    assert "rollback_attempted" not in doc.meta
