"""A fix the commander handed out, started by the person it was handed to (ja/en).

"starting with node 1 of 6" or 「始めます」 says nothing about the incident on its own; said by
someone whose open task is a fix the commander assigned ("raise the TTL live on each node",
「古い中間ファイルを消して空きを作ってください」), it says the fix has begun. Tasks that check a
fix ("confirm it is safe to revert", 「戻した場合に副作用がないか確認して」) are not fixes. The
same guards as every other cue apply (questions, negations, plans, hedges), and the result
is only ever a proposal: the commander confirms it.
"""

from __future__ import annotations

import re

from assistant.core import phase_cues
from assistant.core.model import Assignment, IncidentState, Phase, User

_I = re.IGNORECASE

_FIX_TASK = re.compile(
    r"\b(?:roll ?back|revert|back (?:it |this |that |the [\w-]+ )?out|restore|restart|redeploy"
    r"|reload|raise|lower|increase|decrease|bump|scale (?:up|out|down)|fail ?over|disable"
    r"|turn off|switch off|purge|flush|delete|remove|clean ?up|free up|drain|patch|hotfix"
    r"|apply|deploy|rotate)\b(?!\s+(?:a|an)\s+(?:ticket|issue|question|alarm|concern)\b)"
    r"|戻して|戻す|切り戻|差し戻|ロールバック|再起動|再デプロイ|消して|削除|空きを作|解放|上げて"
    r"|引き上げ|増やして|下げて|無効化|オフに|停止して|パージ|フェイルオーバー|適用して"
    r"|デプロイして|反映して|スケール",
    _I,
)
# the task is to look, not to act: "check whether reverting is safe", 「…か確認して」
_CHECK_TASK = re.compile(
    r"\b(?:check|confirm|verify|find|look|investigate|whether|if|see|figure out|assess)\b"
    r"|確認|調べ|調査|場合|かどうか|見て|洗い出|特定",
    _I,
)
_WORK_STARTED = re.compile(
    r"^(?:ok(?:ay)?[,.!]?\s*)?(?:starting|started|beginning|began|kicking (?:it )?off"
    r"|kicked (?:it )?off|doing (?:it|that|so) now|applying)\b"
    r"|\b\d+\s*(?:/|of)\s*\d+\s*(?:[\w-]+\s+)?(?:done|complete|completed|finished|updated)\b"
    r"|始め(?:ます|ました|てます|ています)|開始(?:します|しました)|着手(?:します|しました)"
    r"|取り(?:かか|掛か)(?:ります|りました)|(?:実施|作業|反映|実行)中",
    _I,
)
_STARTED_CUE = phase_cues.Cue("fix_started", Phase.MITIGATING, _WORK_STARTED)


def is_fix_task(task: str) -> bool:
    """True when an assigned task is itself a fix, not a check of one."""
    return bool(_FIX_TASK.search(task)) and not _CHECK_TASK.search(task)


def assigned_fix(state: IncidentState, author: User) -> Assignment | None:
    """The author's latest open task that the commander handed out and that is a fix."""
    boss = state.commander.id if state.commander is not None else None
    for a in reversed(state.open_assignments(author.id)):
        if a.assigned_by is None:
            continue
        if boss is not None and a.assigned_by != boss:
            continue
        if is_fix_task(a.task):
            return a
    return None


def started(sentence: str) -> phase_cues.CueHit | None:
    """A plain "I have started" / "n of m done" report in ``sentence``, or None."""
    m = _WORK_STARTED.search(sentence)
    if m is None or phase_cues.guarded(sentence, m, _STARTED_CUE):
        return None
    return phase_cues.CueHit(_STARTED_CUE, sentence)
