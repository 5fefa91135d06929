"""The lexical signal: tokens that work for Japanese and English, and BM25 over chunks."""

from __future__ import annotations

from assistant.adapters.knowledge_lexical import Bm25Index, tokenize


def test_japanese_runs_become_character_bigrams() -> None:
    """Japanese has no spaces, so kana/kanji runs are cut into overlapping bigrams."""
    assert tokenize("切り戻し") == ["切り", "り戻", "戻し"]


def test_latin_words_are_lowercased_trimmed_and_stopwords_dropped() -> None:
    """English words lose case, plural/-ing endings and stop words; short words stay whole."""
    assert tokenize("The Rollbacks were FAILING") == ["rollback", "fail"]


def test_hyphenated_names_match_as_a_whole_and_by_parts() -> None:
    """'ingress-nginx' is one token and also 'ingress' and 'nginx'."""
    assert tokenize("ingress-nginx") == ["ingress-nginx", "ingress", "nginx"]


def test_full_width_letters_match_ascii() -> None:
    """NFKC folds full-width Ｐｏｄ into pod, as Japanese writers often type it."""
    assert tokenize("Ｐｏｄが起動しない") == tokenize("Podが起動しない")


def test_mixed_japanese_and_english_text() -> None:
    """A Japanese sentence with a product name yields both kinds of tokens."""
    tokens = tokenize("Prometheusが落ちた")
    assert "prometheus" in tokens
    assert "落ち" in tokens


def test_bm25_ranks_the_chunk_with_the_rare_term_first() -> None:
    """A rare exact term outweighs common words."""
    index = Bm25Index()
    index.extend(
        [
            ("a", "the deploy failed and the service returned errors"),
            ("b", "the service returned errors with code E4521 after the deploy"),
            ("c", "errors errors errors in the service"),
        ]
    )
    hits = index.search("E4521 errors")
    assert hits[0].key == "b"
    assert 0 < hits[0].relative <= 1


def test_bm25_finds_japanese_text_by_bigrams() -> None:
    """A Japanese query matches the Japanese chunk that shares its words."""
    index = Bm25Index()
    index.add("ja", "ロールバックの前にマイグレーションを確認する")
    index.add("en", "check the migration")
    assert index.search("マイグレーションの確認")[0].key == "ja"


def test_accept_filters_keys_and_unknown_queries_give_nothing() -> None:
    """The accept predicate hides chunks; a query with no known token returns no hits."""
    index = Bm25Index()
    index.extend([("keep", "disk full"), ("drop", "disk full again")])
    assert [h.key for h in index.search("disk", accept=lambda k: k != "drop")] == ["keep"]
    assert index.search("zzzz") == []
