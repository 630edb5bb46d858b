# make demo: install into .venv and run the whole cycle on sample_data/
# make serve: the web desk (dotpha serve) on the demo's data, http://127.0.0.1:8000/
# make test: install with the test extras (and, with apt, LibreOffice, poppler and Chromium
# for the print and browser tests) and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo_output

.PHONY: demo serve test system-deps lint bench bench-incremental templates clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh $(DEMO)

serve: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/serve.sh $(DEMO) $${PERIOD:-2027}

system-deps:
	bash scripts/system_deps.sh

test: $(VENV)/.installed system-deps
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

bench-incremental: $(VENV)/.installed
	$(BIN)/python bench/incremental.py --size $${SIZE:-2000}

templates: $(VENV)/.installed
	$(BIN)/dotpha blank-templates --out workbook_templates

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --sizes $${SIZES:-300}

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache
