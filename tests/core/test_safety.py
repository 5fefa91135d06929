"""Secret redaction and mass-mention neutralisation (assistant.core.safety)."""

from __future__ import annotations

import re

import pytest

from assistant.core.safety import Redactor, neutralize_mentions, redact, sanitize_output

# (text, the secret that must disappear, the kind in the tag)
SECRETS: list[tuple[str, str, str]] = [
    ("deploy key AKIAIOSFODNN7EXAMPLE leaked", "AKIAIOSFODNN7EXAMPLE", "aws-access-key"),
    ("一時キー ASIAY34FZKBOKMUTVV7A を使用", "ASIAY34FZKBOKMUTVV7A", "aws-access-key"),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws-secret-key",
    ),
    (
        "maps key AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI in the JS bundle",
        "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
        "gcp-api-key",
    ),
    ("token ya29.a0AfH6SMBx3kqPQrs7ZyxWv9example_token", "ya29.a0AfH6SMBx3", "gcp-oauth-token"),
    (
        "AccountName=prod;AccountKey=" + "Zm9vYmFy" * 11 + "==;EndpointSuffix=core.windows.net",
        "Zm9vYmFy" * 11,
        "azure-key",
    ),
    (
        "Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
        "azure-key",
    ),
    (
        "blob URL ?sv=2022-11-02&ss=b&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789%3D",
        "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        "azure-sas",
    ),
    (
        "bot token MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456",
        "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl",
        "discord-token",
    ),
    (
        "Slackのトークン xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp を貼ってしまった",
        "xoxb-123456789012",
        "slack-token",
    ),
    ("ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 was in the log", "ghp_a1B2c3D4", "github-token"),
    ("gho_16C7e42F292c6912E7710c838347Ae178B4a", "gho_16C7e42F", "github-token"),
    (
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOP",
        "github_pat_11ABCDEFG0",
        "github-token",
    ),
    ("OPENAI_API_KEY=sk-proj-abcDEF123ghiJKL456mnoPQR789", "sk-proj-abcDEF123", "openai-key"),
    ("使っているキーは sk-abcdefghijklmnopqrstuvwxyz012345 です", "sk-abcdefghij", "openai-key"),
    ("DATABASE_URL=postgres://app:hunter2@db.internal:5432/shop", "hunter2", "password"),
    ("redis://:s3cretPass@cache:6379/0", "s3cretPass", "password"),
    ("Server=db;User Id=app;Password=P@ssw0rd!;Encrypt=true", "P@ssw0rd!", "password"),
    ("login with password=letmein123 please", "letmein123", "password"),
    ("DBのパスワード: kanri-2024!", "kanri-2024!", "password"),
    ("管理画面のパスワードは Adm1n!pw です", "Adm1n!pw", "password"),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjEAAAAA",
        "private-key",
    ),
    (
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC (cut)",
        "MIIEvQIBADAN",
        "private-key",
    ),
    (
        "curl -H 'Authorization: Bearer abc123def456ghi789jkl012' https://api",
        "abc123def456ghi789jkl012",
        "authorization",
    ),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==", "authorization"),
    (
        "JWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6y",
        "SflKxwRJSMeKKF2QT4fw",
        "jwt",
    ),
    (
        "webhook https://discord.com/api/webhooks/123456789/AbCdEf-GhIjKl_mnop",
        "AbCdEf-GhIjKl_mnop",
        "discord-webhook",
    ),
    ("client_secret: 9f8e7d6c5b4a39281706f5e4", "9f8e7d6c5b4a39281706f5e4", "secret"),
    ("STRIPE sk_live_51HxYzAbCdEfGhIjKlMn", "sk_live_51HxYz", "stripe-key"),
]

# Things that look technical but are not secrets: they must come back unchanged.
NOT_SECRETS: list[str] = [
    "rolled out commit 3f2a9c1d4e5b6a7980112233445566778899aabb to prod",
    "short sha 3f2a9c1 and tag v2.14.3",
    "バージョン 1.27.3 から 1.28.0 に上げました",
    "request id 123e4567-e89b-12d3-a456-426614174000 failed",
    "dashboard https://grafana.example.com:3000/d/abc?orgId=1&from=now-1h",
    "postgres://db.internal:5432/shop (no credentials)",
    "token verification failed, bearer tokens are rejected",
    "パスワードは変更済みです。ローテーションも完了。",
    "all tests pass: 12 of 12",
    "the password reset flow is broken for some users",
    "image sha256:9b2a7c0e5f1d3e4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4",
    "10.0.12.4:8080 returned 502, p99 latency 2300ms",
    "エラー率が5%から0.3%に下がりました",
    "see runbook section 4.2; secret rotation is scheduled for Friday",
    "arn:aws:iam::123456789012:role/deploy lacks s3:PutObject",
    "Bot user assistant#1234 joined",
]


@pytest.mark.parametrize(("text", "secret", "kind"), SECRETS)
def test_secrets_are_replaced_with_a_tag_naming_their_kind(
    text: str, secret: str, kind: str
) -> None:
    """Each known credential format is removed and replaced by [REDACTED:<kind>]."""
    out = redact(text)
    assert secret not in out
    assert f"[REDACTED:{kind}]" in out


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_ordinary_technical_text_is_left_alone(text: str) -> None:
    """Commit SHAs, versions, UUIDs, URLs without credentials and prose stay unchanged."""
    assert redact(text) == text


@pytest.mark.parametrize(("text", "secret", "kind"), SECRETS)
def test_redaction_is_idempotent(text: str, secret: str, kind: str) -> None:
    """Redacting twice changes nothing more (outputs are sanitised at several edges)."""
    once = redact(text)
    assert redact(once) == once


def test_the_text_around_a_secret_is_kept() -> None:
    """Only the value goes: the key name and the rest of the sentence remain readable."""
    out = redact("DATABASE_URL=postgres://app:hunter2@db.internal:5432/shop, then restart")
    assert (
        out == "DATABASE_URL=postgres://app:[REDACTED:password]@db.internal:5432/shop, then restart"
    )


def test_extra_patterns_are_redacted_as_custom() -> None:
    """A team's own token format, configured as a regex, is redacted too."""
    r = Redactor([r"ACME-[0-9]{6}", r"tenant-key (?P<secret>\w+)"])
    assert r.redact("ticket ACME-123456 opened") == "ticket [REDACTED:custom] opened"
    assert r.redact("tenant-key abc123") == "tenant-key [REDACTED:custom]"
    assert redact("ticket ACME-123456") == "ticket ACME-123456"  # the default has no extras


def test_an_invalid_extra_pattern_fails_at_construction() -> None:
    """Bad configuration is reported when the redactor is built, not at the first message."""
    with pytest.raises(re.error):
        Redactor(["(unclosed"])


@pytest.mark.parametrize(
    "text",
    [
        "@everyone the site is down",
        "@here 復旧しました",
        "ping <@&123456789012345678> please",
        "全員へ @everyone @here <@&1>",
    ],
)
def test_mass_mentions_are_made_inert(text: str) -> None:
    """@everyone, @here and role mentions cannot ping anyone after sanitising."""
    out = sanitize_output(text)
    assert not re.search(r"@(everyone|here)|<@&\d+>", out)
    assert out.replace("\u200b", "") == text


def test_user_mentions_stay_usable() -> None:
    """A user mention <@id> and @name are not mass mentions and are kept."""
    assert neutralize_mentions("<@1234> and @alice") == "<@1234> and @alice"


def test_sanitize_output_redacts_and_neutralises_together() -> None:
    """The output edge does both: no secret and no mass mention survive."""
    out = Redactor().sanitize_output("@everyone key is ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8")
    assert "ghp_" not in out and "@everyone" not in out
