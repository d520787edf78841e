# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PERIOD ?= 2026-10

.PHONY: demo test lint venv examples bench clean

$(BIN)/kpis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

venv: $(BIN)/kpis

examples: venv
	$(BIN)/python examples/generate.py

demo: venv
	$(BIN)/kpis report examples/suivi_commercial.xlsx --period $(PERIOD) -o out/rapport_$(PERIOD).xlsx --force

# The linter (ruff: pyflakes and pycodestyle errors) and the type checker (mypy, strict on the
# engine and the calculators), then the tests. Configuration: pyproject.toml.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python benchmarks/run_all.py
	$(BIN)/python benchmarks/bench_reader.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_report.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
