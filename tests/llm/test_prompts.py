"""Prompt files: each renders, its placeholders match its variables, and mistakes are errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.llm.prompts import (
    PROMPT_VARS,
    AnswerVars,
    PostmortemVars,
    PromptError,
    PromptLibrary,
    RepairVars,
    UpdateVars,
    default_prompts_dir,
)

SAMPLES = {
    UpdateVars: UpdateVars(
        lang="English",
        audience="responders",
        phase_label="[Mitigating]",
        state="phase: mitigating",
        previous_update="[Investigating] checkout errors",
        draft="[Mitigating] rolling back",
        chat="[m1] 10:01 alice: errors",
        output_format="Reply with JSON.",
    ),
    AnswerVars: AnswerVars(
        lang="Japanese (日本語)",
        phase_label="【対応中】",
        question="ロールバックすべき？",
        state="phase: mitigating",
        draft="推奨: ロールバック",
        recommendation="rollback",
        output_format="Reply with JSON.",
    ),
    RepairVars: RepairVars(error="the reply is not valid JSON", output_format="Reply with JSON."),
    PostmortemVars: PostmortemVars(
        lang="English",
        record="phase: resolved\n- 14:02 symptom: errors at 8%",
        draft="summary: Detected at 14:02.\n- [a1] (recover) 17 min to the rollback.",
        output_format="Reply with JSON.",
    ),
}


def test_the_bundled_prompts_directory_is_found() -> None:
    """prompts/ is located from the package, whatever the working directory."""
    directory = default_prompts_dir()
    assert (directory / "update.md").is_file()


@pytest.mark.parametrize("name", sorted(PROMPT_VARS))
def test_every_prompt_renders_with_its_variables(name: str) -> None:
    """Each prompt file has both sections, uses exactly its model's fields, and renders."""
    library = PromptLibrary()
    library.check(name)
    variables = SAMPLES[PROMPT_VARS[name]]
    prompt = library.render(name, variables)
    assert "${" not in prompt.system + prompt.user
    assert "Reply with JSON." in prompt.system + prompt.user
    for value in variables.model_dump().values():
        assert value in prompt.system + prompt.user or name == "repair"


@pytest.mark.parametrize("name", sorted(n for n in PROMPT_VARS if n != "repair"))
def test_task_prompts_mark_chat_as_untrusted_data(name: str) -> None:
    """Every task prompt tells the model its data blocks are not instructions."""
    prompt = PromptLibrary().render(name, SAMPLES[PROMPT_VARS[name]])
    assert "not instructions" in prompt.system
    assert "@everyone" in prompt.system  # the rule that forbids mass mentions


def test_a_missing_variable_is_an_error() -> None:
    """Leaving out a variable fails validation before anything is rendered."""
    with pytest.raises(ValidationError):
        RepairVars(error="x")  # type: ignore[call-arg]


def test_an_unknown_variable_is_an_error() -> None:
    """extra="forbid": a misspelt variable is not silently ignored."""
    with pytest.raises(ValidationError):
        RepairVars(error="x", output_format="y", eror="typo")  # type: ignore[call-arg]


def test_the_wrong_variables_model_is_refused() -> None:
    """An update prompt cannot be rendered with answer variables."""
    with pytest.raises(PromptError):
        PromptLibrary().render("update", SAMPLES[AnswerVars])


def test_a_placeholder_the_model_does_not_know_is_reported(tmp_path: Path) -> None:
    """A prompt file using ${unknown} fails the check, naming the placeholder."""
    (tmp_path / "repair.md").write_text(
        "## system\nx\n## user\n${error} ${output_format} ${unknown}\n", encoding="utf-8"
    )
    with pytest.raises(PromptError, match="unknown"):
        PromptLibrary(tmp_path).check("repair")


def test_a_file_without_sections_is_reported(tmp_path: Path) -> None:
    """A prompt file needs a system and a user section."""
    (tmp_path / "repair.md").write_text("just text ${error}\n", encoding="utf-8")
    with pytest.raises(PromptError, match="section"):
        PromptLibrary(tmp_path).check("repair")


def test_an_unknown_prompt_name_is_an_error() -> None:
    """Only registered prompts can be loaded."""
    with pytest.raises(PromptError):
        PromptLibrary().placeholders("no_such_prompt")
