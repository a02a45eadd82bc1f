# motcua: `make run` starts the whole system with SQLite and demo data; `make test` runs the suite.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: install run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

run: install
	$(BIN)/motcua init
	@echo "Mở http://127.0.0.1:5000 — Ctrl+C để dừng (web + worker)."
	@trap 'kill 0' INT TERM EXIT; $(BIN)/motcua worker & $(BIN)/motcua serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/step_throughput.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache motcua.db*
