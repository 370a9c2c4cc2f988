# Two commands matter: `make run` (start the app) and `make test` (the whole suite).
# Both create .venv and install the pinned requirements on first use, and are quick after.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CIFAR10 ?= $(abspath ../shared/data/cifar10-jpg.zip)
export CLASSIFIER_CIFAR10 ?= $(if $(wildcard $(CIFAR10)),$(CIFAR10),)
PORT ?= 8501

.PHONY: run test lint format bench default-model clean

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

run: $(BIN)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(BIN)/.dev $(BIN)/.challenges
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/.dev $(BIN)/.challenges
	$(BIN)/python -m bench

# Retrain the built-in model with the strong preset on the real CIFAR-10 (about 6 minutes on 2 cores).
default-model: $(BIN)/.runtime
	$(BIN)/python -m bench.default_model

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
