"""Output safety: secret redaction and mass-mention neutralisation.

Incident chat is full of pasted logs, connection strings and curl commands, so secrets leak
into it. ``redact`` replaces anything that looks like a credential with ``[REDACTED:<kind>]``
before text leaves the process: before it is sent to an LLM, and before the bot posts or
prints it. The rules prefer precision on things that merely look random (commit SHAs, UUIDs,
version numbers and ordinary URLs stay as they are): a token format is matched by its known
prefix or shape, and a bare value only next to a word that names it (``password=``,
``パスワード:``, ``aws_secret_access_key``, ``Authorization: Bearer``).

A team can add its own patterns (internal token formats) through ``Redactor(extra=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_MASS = re.compile(r"@(everyone|here)|<@&\d+>")


def neutralize_mentions(text: str) -> str:
    """Make @everyone, @here and role mentions inert (a zero-width space after the @)."""
    return _MASS.sub(lambda m: m.group(0).replace("@", "@\u200b"), text)


@dataclass(frozen=True)
class Rule:
    """One kind of secret: a regex, and which group holds the secret (0: the whole match)."""

    kind: str
    pattern: re.Pattern[str]
    group: int | str = 0


def _rule(kind: str, pattern: str, group: int | str = 0, flags: int = 0) -> Rule:
    return Rule(kind, re.compile(pattern, flags), group)


_I = re.IGNORECASE
# A value after "key = " / "key: ": quoted, or up to whitespace and common separators.
_VALUE = r"""(?P<v>"[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"',;&<>]{1,200})"""
_SEP = r"""["']?\s*[:=：]\s*"""

# Order matters: block and structured formats first, then prefixed tokens, then the
# context rules, so that the most specific label wins.
DEFAULT_RULES: tuple[Rule, ...] = (
    _rule(
        "private-key",
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*\Z)",
    ),
    _rule("jwt", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    _rule("authorization", r"\b(?i:bearer)\s+(?P<v>(?=\S*\d)[A-Za-z0-9\-._~+/]{16,}=*)", "v"),
    _rule(
        "authorization",
        r"\bAuthorization\s*[:=]\s*(?:(?:Bearer|Basic|Token|Bot|Digest)\s+)?"
        r"(?P<v>(?!\[REDACTED)[^\s\"',;]{8,})",
        "v",
        _I,
    ),
    _rule("aws-access-key", r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"),
    _rule(
        "aws-secret-key",
        r"(?:aws_?secret_?(?:access_?)?key|secret_?access_?key|SecretAccessKey)"
        + _SEP
        + r"[\"']?(?P<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
        "v",
        _I,
    ),
    _rule("gcp-api-key", r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"),
    _rule("gcp-oauth-token", r"\bya29\.[0-9A-Za-z_\-]{20,}"),
    _rule("azure-key", r"AccountKey=(?P<v>[A-Za-z0-9+/]{40,}={0,2})", "v", _I),
    _rule(
        "azure-key",
        r"SharedAccessKey=(?P<v>[A-Za-z0-9+/]{20,}={0,2})",
        "v",
        _I,
    ),
    _rule("azure-sas", r"[?&]sig=(?P<v>[A-Za-z0-9%+/]{20,}(?:%3D|=){0,2})", "v"),
    _rule(
        "azure-key",
        r"(?:azure[_-]?(?:openai[_-]?)?(?:api[_-]?)?key|ocp-apim-subscription-key|api-key)"
        + _SEP
        + r"[\"']?(?P<v>[0-9a-zA-Z]{32,88})\b",
        "v",
        _I,
    ),
    _rule("discord-webhook", r"https?://(?:\w+\.)?discord(?:app)?\.com/api/webhooks/\d+/[\w-]+"),
    _rule("slack-webhook", r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]+"),
    _rule("slack-token", r"\bxox[abposre]-[0-9A-Za-z-]{10,}"),
    _rule("slack-token", r"\bxapp-\d-[0-9A-Za-z-]{10,}"),
    _rule("github-token", r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    _rule("github-token", r"\bgithub_pat_[A-Za-z0-9_]{22,}"),
    _rule("openai-key", r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}"),
    _rule("stripe-key", r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}"),
    _rule(
        "discord-token",
        r"\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6,7}\.[A-Za-z\d_-]{27,40}(?![A-Za-z\d_-])",
    ),
    # user:password@ in any URL-like string (postgres://, redis://, https://, amqp://…)
    _rule(
        "password",
        r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:(?P<v>(?!\[REDACTED)[^\s@/]+)@",
        "v",
        _I,
    ),
    _rule(
        "password",
        r"(?<![A-Za-z0-9])(?:password|passwd|passphrase|pwd)" + _SEP + r"(?!\[REDACTED)" + _VALUE,
        "v",
        _I,
    ),
    _rule(
        "password",
        r"(?:パスワード|パスフレーズ|暗証番号)\s*[:=：]\s*(?!\[REDACTED)(?P<v>[^\s、。，,]{1,200})",
        "v",
    ),
    # 「パスワードは hunter2 です」: only an ASCII value counts, so 「パスワードは変更済み」 stays.
    _rule(
        "password",
        r"(?:パスワード|パスフレーズ)\s*は\s*[「『]?(?!\[REDACTED)(?P<v>[!-~]{4,200}?)(?=[」』\s、。]|です|$)",
        "v",
    ),
    _rule(
        "secret",
        r"(?<![A-Za-z0-9])(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?token"
        r"|auth[_-]?token|refresh[_-]?token|private[_-]?token)"
        + _SEP
        + r"[\"']?(?P<v>(?!\[REDACTED)[A-Za-z0-9_\-./+=]{12,})",
        "v",
        _I,
    ),
)


class Redactor:
    """Replaces secrets in text with ``[REDACTED:<kind>]``.

    ``extra`` holds regexes a team adds for its own formats; a match is replaced whole (or
    its ``secret`` named group, when the regex has one) with ``[REDACTED:custom]``. An
    invalid regex raises ``re.error`` at construction, so bad configuration fails at start.
    """

    def __init__(self, extra: Iterable[str] = ()) -> None:
        rules = list(DEFAULT_RULES)
        for pattern in extra:
            compiled = re.compile(pattern)
            group: int | str = "secret" if "secret" in compiled.groupindex else 0
            rules.append(Rule("custom", compiled, group))
        self.rules: tuple[Rule, ...] = tuple(rules)

    def redact(self, text: str) -> str:
        for rule in self.rules:
            text = rule.pattern.sub(_replacer(rule), text)
        return text

    def sanitize_output(self, text: str) -> str:
        return neutralize_mentions(self.redact(text))


def _replacer(rule: Rule) -> Callable[[re.Match[str]], str]:
    tag = f"[REDACTED:{rule.kind}]"

    def replace(m: re.Match[str]) -> str:
        start, end = m.span(rule.group)
        if start < 0:
            return m.group(0)
        whole = m.group(0)
        offset = m.start()
        return whole[: start - offset] + tag + whole[end - offset :]

    return replace


DEFAULT_REDACTOR = Redactor()


def redact(text: str) -> str:
    """Replace secrets in ``text`` with ``[REDACTED:<kind>]`` (default rules only)."""
    return DEFAULT_REDACTOR.redact(text)


def sanitize_output(text: str) -> str:
    """Everything the bot posts or prints goes through this."""
    return neutralize_mentions(redact(text))
