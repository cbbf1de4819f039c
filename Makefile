# Customer Obsession: one command to open the course, one to test it.
#   make lab    set up .venv/ (first time only) and open JupyterLab on lessons/
#   make test   set up .venv/ (first time only) and run the whole test suite
# Other targets: make test-fast (all but real grading and the browser), make data
# (rewrite datasets/), make lessons (regenerate lessons/ from solutions/ with
# nbgrader), make format, make lint, make hooks (pre-commit), make lock, make bench,
# make axe (npm ci: axe-core, which the browser tests inject to check accessibility).

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# JupyterLab settings for a classroom without internet (no news, no update check), read from
# <prefix>/share/jupyter/lab/settings/; an editable install does not copy pyproject's data-files.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
PORT   ?= 8888
# Extra flags for `jupyter lab`, for scripts and tests (e.g. LAB_ARGS=--no-browser); empty for a person.
LAB_ARGS ?=
export PATH := $(BIN):$(PATH)

.PHONY: lab test test-fast data lessons lint format hooks lock bench venv node clean

venv: $(STAMP) $(LAB_OVERRIDES)

# The environment is rebuilt only when the locks change. requirements.txt is what students
# need (Binder installs only it); requirements-dev.txt adds the test and lint tools.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt -e .
	touch $(STAMP)

$(LAB_OVERRIDES): jupyter/lab/settings/overrides.json $(STAMP)
	install -D -m 644 $< $@

# Regenerate the locks after editing requirements.in or requirements-dev.in.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements-dev.txt requirements-dev.in

# JavaScript the browser tests need, from npm at the versions the package-lock.json files pin
# (never fetched while the tests run): axe-core, which they inject into Chromium
# (tests/browser/lab_axe.py), and the proxy of the course's JupyterHub (hub/). Without npm
# the tests that need them skip and say why (in CI, where .ci/run installs npm, they fail).
NODE_TOOLS := node_modules/.installed hub/node_modules/.installed

node: $(NODE_TOOLS)

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else echo "npm is missing: the accessibility tests will skip (install Debian's npm)"; fi

hub/node_modules/.installed: hub/package.json hub/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix hub --no-audit --no-fund && touch $@; \
	else echo "npm is missing: the JupyterHub test will skip (install Debian's nodejs and npm)"; fi

lab: $(STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --port=$(PORT) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/lessons $(LAB_ARGS)

test: $(STAMP) $(LAB_OVERRIDES)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: $(NODE_TOOLS)

# For authors: everything except real nbgrader grading and the browser (under 2 minutes).
test-fast: $(STAMP) $(LAB_OVERRIDES)
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

data: $(STAMP)
	$(BIN)/python -m coursekit.build datasets

lessons: $(STAMP)
	$(BIN)/python -m tools.lessons generate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/python -m tools.lessons normalise

# Once per clone: run ruff and the notebook normaliser on every commit (.pre-commit-config.yaml).
hooks: $(STAMP)
	$(BIN)/pre-commit install

bench: $(STAMP)
	$(BIN)/python -m tools.bench_notebooks

clean:
	rm -rf $(VENV) node_modules hub/node_modules gradebook.db .pytest_cache test-artifacts
