# Everything runs from the project's own virtual environment, built with pip:
# argostranslate needs torch (through stanza), and pip on these machines takes
# the CPU build of torch that lies on disk, where other installers download
# several GB of CUDA libraries.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0
SAMPLE := examples/articles/azerbaijan-israel-presidents-baku.txt

.PHONY: demo test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/transflow translate $(SAMPLE) --to pt
	$(BIN)/transflow status --to pt
	$(BIN)/transflow export $(SAMPLE) --to pt

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n auto

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/pipeline_bench.py

clean:
	rm -rf $(VENV)
