"""Prompt files: one Markdown file per task in ``prompts/``, with named ``${placeholders}``.

A file holds a free description (ignored), then a ``## system`` section and a ``## user``
section. Each prompt has a pydantic model of its variables (``extra="forbid"``): a missing or
unknown variable is an error before anything is sent, and ``check_prompt`` verifies that the
file's placeholders are exactly the model's fields.
"""

from __future__ import annotations

import string
from pathlib import Path

from pydantic import BaseModel, ConfigDict

import assistant


class _Vars(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UpdateVars(_Vars):
    """Variables of ``update``: rewrite a status update from the offline draft."""

    lang: str
    audience: str
    phase_label: str
    state: str
    previous_update: str
    draft: str
    chat: str
    output_format: str


class AnswerVars(_Vars):
    """Variables of every ``answer_*`` prompt: rewrite the offline answer to a question."""

    lang: str
    phase_label: str
    question: str
    state: str
    draft: str
    recommendation: str
    output_format: str


class PostmortemVars(_Vars):
    """Variables of ``postmortem``: reword the offline postmortem draft's prose."""

    lang: str
    record: str
    draft: str
    output_format: str


class RepairVars(_Vars):
    """Variables of ``repair``: the previous reply was invalid; say why and ask again."""

    error: str
    output_format: str


PROMPT_VARS: dict[str, type[_Vars]] = {
    "update": UpdateVars,
    "answer_rollback": AnswerVars,
    "answer_status": AnswerVars,
    "answer_roster": AnswerVars,
    "answer_guidance": AnswerVars,
    "answer_other": AnswerVars,
    "postmortem": PostmortemVars,
    "repair": RepairVars,
}


class PromptError(Exception):
    """A prompt file is missing, malformed, or its placeholders do not match its model."""


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    system: str
    user: str


def default_prompts_dir() -> Path:
    """The bundled ``prompts/``: inside the package when installed, else the repo root."""
    package = Path(assistant.__file__).resolve().parent
    for candidate in (package / "prompts", package.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    return package.parent / "prompts"


class PromptLibrary:
    """Loads prompt files once and renders them with their validated variables."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_prompts_dir()
        self._cache: dict[str, tuple[string.Template, string.Template]] = {}

    def _load(self, name: str) -> tuple[string.Template, string.Template]:
        if name not in self._cache:
            if name not in PROMPT_VARS:
                raise PromptError(f"unknown prompt {name!r}")
            path = self.directory / f"{name}.md"
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise PromptError(f"cannot read prompt {path}: {exc}") from exc
            system, user = _split(text, path)
            self._cache[name] = (string.Template(system), string.Template(user))
        return self._cache[name]

    def placeholders(self, name: str) -> set[str]:
        system, user = self._load(name)
        return set(system.get_identifiers()) | set(user.get_identifiers())

    def check(self, name: str) -> None:
        """Raise ``PromptError`` unless the file's placeholders equal the model's fields."""
        found = self.placeholders(name)
        wanted = set(PROMPT_VARS[name].model_fields)
        if found != wanted:
            missing, unknown = sorted(wanted - found), sorted(found - wanted)
            raise PromptError(f"prompt {name!r}: missing {missing}, unknown {unknown}")

    def render(self, name: str, variables: BaseModel) -> Prompt:
        model = PROMPT_VARS.get(name)
        if model is None or not isinstance(variables, model):
            raise PromptError(f"prompt {name!r} takes {model.__name__ if model else 'nothing'}")
        self.check(name)
        values = {k: str(v) for k, v in variables.model_dump().items()}
        system, user = self._load(name)
        return Prompt(name=name, system=system.substitute(values), user=user.substitute(values))


def _split(text: str, path: Path) -> tuple[str, str]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.strip().lower() in ("## system", "## user"):
            current = sections.setdefault(line.strip().lower()[3:], [])
            continue
        if current is not None:
            current.append(line)
    if set(sections) != {"system", "user"}:
        raise PromptError(f"{path}: needs a '## system' and a '## user' section")
    return "\n".join(sections["system"]).strip(), "\n".join(sections["user"]).strip()
