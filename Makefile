# Customer Obsession: one command to open the course, one to test it.
#   make lab    set up .venv/ (first time only) and open JupyterLab on lessons/
#   make test   set up .venv/ (first time only) and run the whole test suite
# Other targets: make data (rewrite datasets/), make lessons (regenerate
# lessons/ from solutions/ with nbgrader), make lint, make bench.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# Extra flags for `jupyter lab`, for scripts and tests (e.g. LAB_ARGS=--no-browser); empty for a person.
LAB_ARGS ?=
export PATH := $(BIN):$(PATH)

.PHONY: lab test data lessons lint format bench venv clean

venv: $(STAMP)

# The environment is rebuilt only when the dependency list changes.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/lessons $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

data: $(STAMP)
	$(BIN)/python -m coursekit.build datasets

lessons: $(STAMP)
	$(BIN)/python tools/lessons.py generate

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/python tools/lessons.py normalise

bench: $(STAMP)
	$(BIN)/python tools/bench_notebooks.py

clean:
	rm -rf $(VENV) gradebook.db .pytest_cache test-artifacts
