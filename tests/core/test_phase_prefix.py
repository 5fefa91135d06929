"""Phase prefixes, phase names and labels, in Japanese and English."""

from __future__ import annotations

import pytest

from assistant.core.model import Phase
from assistant.core.phases import label, parse_phase_name, parse_prefix

P = Phase


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("【復旧完了】メトリクスが平常に戻りました", P.RESOLVED),
        ("【復旧】API正常化", P.RESOLVED),
        ("【解決】", P.RESOLVED),
        ("【調査中】500エラーを調査しています", P.INVESTIGATING),
        ("【原因特定】設定ミスでした", P.IDENTIFIED),
        ("【対応中】ロールバック中", P.MITIGATING),
        ("【経過観察】", P.MONITORING),
        ("［対応中］全角角括弧", P.MITIGATING),
        ("【状況共有】【調査中】再発しました", P.INVESTIGATING),
        ("【続報・対応中】切り戻し中です", P.MITIGATING),
        (":white_check_mark: 【復旧完了】", P.RESOLVED),
        ("[Resolved] all good", P.RESOLVED),
        ("[RESOLVED] all good", P.RESOLVED),
        ("**[Resolved]** all good", P.RESOLVED),
        ("🟢 [Resolved] done", P.RESOLVED),
        ("[Identified] bad config push", P.IDENTIFIED),
        ("Status: Monitoring", P.MONITORING),
        ("status - mitigating", P.MITIGATING),
        ("STATUS: RESOLVED", P.RESOLVED),
        ("Update [Monitoring]: errors dropped", P.MONITORING),
        ("Monitoring - we deployed a fix", P.MONITORING),
        ("Investigating: elevated 5xx on checkout", P.INVESTIGATING),
        ("ステータス: 経過観察", P.MONITORING),
    ],
)
def test_prefix_states_the_phase(text: str, phase: Phase) -> None:
    """A message that starts with a phase prefix (either language, common variants) states it."""
    assert parse_prefix(text) is phase


@pytest.mark.parametrize(
    "text",
    [
        "【状況共有】現在調査を進めています",
        "【共有】",
        "[Update] still looking",
        "[FYI] dashboards moved",
        "> [Monitoring] quoting an old status post",
        "monitoring: cpu 90%",
        "resolved the DNS name, now looking at logs",
        "We are investigating",
        "調査中です",
        "",
    ],
)
def test_generic_headlines_and_prose_are_not_prefixes(text: str) -> None:
    """【状況共有】, [Update] and ordinary sentences do not state a phase."""
    assert parse_prefix(text) is None


def test_custom_labels_are_recognised_and_rendered() -> None:
    """A team's own label is both recognised as a prefix and used in headlines."""
    overrides = {"ja": {"resolved": "【解消】"}, "en": {"monitoring": "[Watching]"}}
    assert parse_prefix("【解消】戻りました", overrides) is Phase.RESOLVED
    assert parse_prefix("[Watching] latency ok", overrides) is Phase.MONITORING
    assert label(Phase.RESOLVED, "ja", overrides) == "【解消】"
    assert label(Phase.RESOLVED, "en", overrides) == "[Resolved]"


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("resolved", P.RESOLVED),
        (" Monitoring ", P.MONITORING),
        ("【対応中】", P.MITIGATING),
        ("[Identified]", P.IDENTIFIED),
        ("経過観察", P.MONITORING),
        ("調査中", P.INVESTIGATING),
        ("復旧完了", P.RESOLVED),
    ],
)
def test_phase_names_accept_canonical_names_and_labels(text: str, phase: Phase) -> None:
    """/phase accepts the canonical names and the ja/en labels."""
    assert parse_phase_name(text) is phase


def test_unknown_phase_name_is_rejected() -> None:
    """A word that names no phase gives None (the engine answers with bad_phase)."""
    assert parse_phase_name("party") is None
    assert parse_phase_name("状況共有") is None


def test_default_labels_in_both_languages() -> None:
    """The built-in labels match the product's vocabulary."""
    assert [label(p, "ja") for p in Phase] == [
        "【調査中】",
        "【原因特定】",
        "【対応中】",
        "【経過観察】",
        "【復旧完了】",
    ]
    assert [label(p, "en") for p in Phase] == [
        "[Investigating]",
        "[Identified]",
        "[Mitigating]",
        "[Monitoring]",
        "[Resolved]",
    ]
