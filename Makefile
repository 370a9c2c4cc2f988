# Two commands matter: `make run` (start the app) and `make test` (the whole suite).
# Both create .venv and install the pinned requirements on first use, and are quick after.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CIFAR10 ?= $(abspath ../shared/data/cifar10-jpg.zip)
export CLASSIFIER_CIFAR10 ?= $(if $(wildcard $(CIFAR10)),$(CIFAR10),)
PORT ?= 8501
# The suite runs in two processes, a test file each at a time (a file's server and browser start once),
# the files that drive Chromium first (tests/conftest.py orders them; xdist keeps that order);
# then the Ray cluster tests (marker `cluster`) run by themselves: on a busy machine the cluster's
# health checks can take a live node for dead.
TEST_PROCESSES ?= 2

.PHONY: run test lint format bench default-model clean web translations

# The browser runtime for on-device prediction (LiteRT.js, pinned by web/package-lock.json): npm ci,
# then the few files the page loads are copied into web/ondevice/vendor/. Without npm this only
# warns, and the app predicts on the server (the Predict page says why).
web: web/ondevice/vendor/.installed

web/ondevice/vendor/.installed: web/package.json web/package-lock.json web/install.sh
	@sh web/install.sh

# Translations (docs/translations.md): the English is in the code, the Chinese in the committed .po;
# the .mo the app reads is compiled from it here (never committed). `make translations` re-extracts
# the English into locale/messages.pot and merges it into the .po, after a text was added or changed.
CATALOG := locale/zh_CN/LC_MESSAGES/messages

$(CATALOG).mo: $(CATALOG).po $(BIN)/.runtime
	$(BIN)/pybabel compile --domain messages --directory locale --statistics

translations: $(BIN)/.runtime
	$(BIN)/pybabel extract --mapping-file babel.cfg --no-location --project "CNN Classroom" --output-file locale/messages.pot .
	$(BIN)/pybabel update --input-file locale/messages.pot --domain messages --output-dir locale --ignore-obsolete
	$(BIN)/pybabel compile --domain messages --directory locale --statistics

$(BIN)/.runtime: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

# The Challenges page's optional engines (LiteRT, Flower + Ray, dp-accounting): tests need them.
$(BIN)/.challenges: $(BIN)/.dev requirements-challenges.txt
	$(BIN)/python -m pip install --quiet -r requirements-challenges.txt -c constraints.txt
	touch $@

run: $(BIN)/.runtime web $(CATALOG).mo
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(BIN)/.dev $(BIN)/.challenges web $(CATALOG).mo
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile --no-loadscope-reorder -m "not cluster"; parallel=$$?; \
	$(BIN)/python -m pytest -m cluster; cluster=$$?; \
	test $$parallel = 0 && test $$cluster = 0

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/.dev $(BIN)/.challenges web $(CATALOG).mo
	$(BIN)/python -m bench

# Retrain the built-in model with the strong preset on the real CIFAR-10 (about 6 minutes on 2 cores).
default-model: $(BIN)/.runtime
	$(BIN)/python -m bench.default_model

clean:
	rm -rf $(VENV) $(CATALOG).mo .pytest_cache .ruff_cache tests/artifacts web/node_modules web/ondevice/vendor web/ondevice/models
