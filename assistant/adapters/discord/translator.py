"""Slash-command localisation: every description in English and Japanese.

Cogs write ``L("key")`` wherever discord.py accepts a ``locale_str``; the English text is the
default shown to everyone, and ``CommandTranslator`` (set on the tree in ``setup_hook``)
hands Discord the Japanese text for the ``ja`` locale when the tree is synced.
"""

from __future__ import annotations

import discord
from discord import app_commands

# key -> (English, Japanese). Descriptions are at most 100 characters (a Discord limit).
STRINGS: dict[str, tuple[str, str]] = {
    "incident": ("Open and close incidents", "インシデントの開始と終了"),
    "incident.declare": (
        "Declare an incident: opens its thread and posts the first update",
        "インシデントを宣言し、専用スレッドと最初の更新を作ります",
    ),
    "incident.resolve": (
        "Mark the incident resolved (commander)",
        "インシデントを復旧完了にします（指揮官）",
    ),
    "incident.postmortem": (
        "Draft the postmortem as a Markdown file for the knowledge base (commander)",
        "振り返りの下書きをナレッジベース用の Markdown で作ります（指揮官）",
    ),
    "phase": ("Set the incident phase (commander)", "インシデントのフェーズを変更します（指揮官）"),
    "commander": ("Hand command to someone (commander)", "指揮官を交代します（指揮官）"),
    "assign": (
        "Give someone a task and its purpose (commander)",
        "担当者に作業と目的を割り当てます（指揮官）",
    ),
    "release": (
        "Tell someone they may leave the incident (commander)",
        "対応から外れてよいことを伝えます（指揮官）",
    ),
    "roster": ("Show who is doing what", "誰が何をしているかを表示します"),
    "update": (
        "Draft a status update now; you review it before it is posted (commander)",
        "状況更新の下書きを作ります。投稿前に確認できます（指揮官）",
    ),
    "ask": (
        "Ask the assistant (status, roster, rollback, how to command)",
        "アシスタントに質問します（状況・担当・ロールバック・指揮の仕方）",
    ),
    "param.title": ("What is broken, in a few words", "何が起きているか（短く）"),
    "param.severity": ("Severity, e.g. SEV1", "重大度（例: SEV1）"),
    "param.note": ("Optional closing note", "締めのメモ（任意）"),
    "param.phase": ("The new phase", "新しいフェーズ"),
    "param.user": ("The person", "対象の人"),
    "param.task": ("What they should do", "何をするか"),
    "param.purpose": ("Why: the purpose of the task", "何の目的で"),
    "param.audience": ("Who the update is for", "更新の読み手"),
    "param.question": ("Your question", "質問"),
    "param.language": ("Language of the draft", "下書きの言語"),
    "param.services": ("Services it hit, comma-separated", "影響したサービス（カンマ区切り）"),
    "choice.ja": ("Japanese", "日本語"),
    "choice.en": ("English", "英語"),
    "choice.investigating": ("Investigating", "調査中"),
    "choice.identified": ("Identified", "原因特定"),
    "choice.mitigating": ("Mitigating", "対応中"),
    "choice.monitoring": ("Monitoring", "経過観察"),
    "choice.resolved": ("Resolved", "復旧完了"),
    "choice.responders": ("Responders", "対応メンバー向け"),
    "choice.stakeholders": ("Stakeholders", "関係者向け"),
}

_ENGLISH = {discord.Locale.american_english, discord.Locale.british_english}


def L(key: str) -> app_commands.locale_str:
    """A translatable string: English by default, keyed for the translator."""
    return app_commands.locale_str(STRINGS[key][0], key=key)


class CommandTranslator(app_commands.Translator):
    """Serves the table above: Japanese for ``ja``, English for the English locales."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        pair = STRINGS.get(key) if isinstance(key, str) else None
        if pair is None:
            return None
        if locale is discord.Locale.japanese:
            return pair[1]
        if locale in _ENGLISH:
            return pair[0]
        return None
