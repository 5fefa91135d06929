"""The Discord adapter's own short sentences, in Japanese and English.

They go into the shared table through ``assistant.core.texts.register`` (keys start with
``dc_``), so ``t(lang, key)`` serves them like the core's sentences.
"""

from __future__ import annotations

from assistant.core.model import Lang
from assistant.core.texts import register, t

_PHRASES: dict[str, tuple[str, str]] = {
    "dc_done": ("完了しました。", "Done."),
    "dc_not_incident": (
        "ここはインシデントのチャンネルではありません。インシデントのチャンネルかスレッドで実行してください。",
        "This is not an incident channel. Run the command in an incident channel or thread.",
    ),
    "dc_error": (
        "コマンドの処理中にエラーが起きました。記録したので、もう一度お試しください。",
        "Something went wrong with that command. It has been logged; please try again.",
    ),
    "dc_cannot_open": (
        "ここではインシデント用のスレッドを作れません。テキストチャンネルで実行するか、親チャンネルを設定してください。",
        "Cannot open an incident thread here: run it in a text channel or set a parent channel.",
    ),
    "dc_declared": ("インシデントを開始しました: {channel}", "Incident opened: {channel}"),
    "dc_assigned": ("📌 担当: {user} — {task}", "📌 Assigned: {user} — {task}"),
    "dc_assigned_purpose": (
        "📌 担当: {user} — {task}（目的: {purpose}）",
        "📌 Assigned: {user} — {task} (purpose: {purpose})",
    ),
    "dc_assignment_done": ("✅ 完了: {user} — {task}", "✅ Done: {user} — {task}"),
    "dc_released": (
        "👋 {user} さんはこのインシデントから離れて大丈夫です。ありがとうございました。",
        "👋 {user} is released from this incident. Thank you.",
    ),
    "dc_next_update": ("次回更新の目安: {time}", "Next update by: {time}"),
    "dc_btn_confirm": ("確定", "Confirm"),
    "dc_btn_dismiss": ("見送る", "Dismiss"),
    "dc_btn_post": ("投稿", "Post"),
    "dc_btn_edit": ("編集", "Edit"),
    "dc_btn_discard": ("破棄", "Discard"),
    "dc_draft_header": (
        "更新の下書きです（あなたにだけ表示されています）。投稿しますか？",
        "Draft update (only you can see this). Post it?",
    ),
    "dc_draft_posted": ("投稿しました。", "Posted."),
    "dc_draft_discarded": ("下書きを破棄しました。", "Draft discarded."),
    "dc_draft_expired": (
        "時間切れのため下書きを破棄しました。",
        "The draft timed out and was discarded.",
    ),
    "dc_modal_title": ("更新を編集", "Edit the update"),
    "dc_modal_label": ("本文（1行目が見出し）", "Text (first line is the headline)"),
    "dc_proposal_accepted": ("✅ {user} さんが確定しました。", "✅ Confirmed by {user}."),
    "dc_proposal_dismissed": ("✖ {user} さんが見送りました。", "✖ Dismissed by {user}."),
    "dc_proposal_stale": (
        "（この提案はもう有効ではありません）",
        "(This proposal is no longer current.)",
    ),
    "dc_checklist": ("ロールバック前の確認", "Before rolling back"),
    "dc_postmortem_unavailable": (
        "この環境では振り返りの下書きを作れません。",
        "Postmortem drafts are not available here.",
    ),
    "dc_sources": ("出典", "Sources"),
}

for _key, (_ja, _en) in _PHRASES.items():
    register(_key, _ja, _en)


def say(lang: Lang, key: str, **values: object) -> str:
    """A ``dc_`` sentence in ``lang``."""
    return t(lang, key, **values)


def locale_lang(locale: object) -> Lang:
    """Japanese for a Japanese Discord client, English otherwise."""
    return "ja" if str(getattr(locale, "value", locale)).startswith("ja") else "en"
