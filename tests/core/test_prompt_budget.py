"""Token estimates and fitting context into a budget (assistant.core.prompt_budget)."""

from __future__ import annotations

from assistant.core.prompt_budget import estimate_tokens, keep_newest, truncate


def test_latin_text_costs_a_token_per_three_characters() -> None:
    """English: about one token per three characters, rounded up."""
    assert estimate_tokens("") == 0
    assert estimate_tokens("abc") == 1
    assert estimate_tokens("abcd") == 2
    assert estimate_tokens("x" * 300) == 100


def test_japanese_text_costs_a_token_per_character() -> None:
    """Kana, kanji and fullwidth punctuation count one token each."""
    assert estimate_tokens("復旧しました。") == 7
    assert estimate_tokens("APIが500") == 1 + 2  # "が", then "API500": ceil(6 / 3)


def test_the_estimate_is_deterministic() -> None:
    """The same text always gets the same count (budgets and benches are reproducible)."""
    text = "決済APIのエラー率が 30% から 0.5% に下がりました after the rollback."
    assert estimate_tokens(text) == estimate_tokens(text)


def test_keep_newest_drops_the_oldest_items_first() -> None:
    """Over budget, the oldest items go and the kept ones stay in order."""
    items = [f"message {i} " + "x" * 26 for i in range(10)]  # 12 tokens each, +1 separator
    fitted = keep_newest(items, budget=40)
    assert fitted.kept == items[-3:]
    assert fitted.dropped == 7
    assert fitted.tokens == 39


def test_keep_newest_keeps_everything_that_fits() -> None:
    """Under budget nothing is dropped."""
    fitted = keep_newest(["a", "b"], budget=100)
    assert fitted.kept == ["a", "b"] and fitted.dropped == 0


def test_keep_newest_keeps_the_kept_context_contiguous() -> None:
    """A big item stops the walk: smaller, older items behind it are not kept out of order."""
    items = ["small", "x" * 600, "newest"]
    assert keep_newest(items, budget=50).kept == ["newest"]


def test_truncate_cuts_to_the_budget_with_a_marker() -> None:
    """A long text is cut so that it, with the marker, fits; a short one is unchanged."""
    assert truncate("short", 10) == "short"
    cut = truncate("あ" * 100, 10)
    assert cut.endswith(" …") and estimate_tokens(cut) <= 10
    assert truncate("anything", 0) == ""
