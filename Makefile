# The README's two commands: `make run` (set up, then process samples/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= output

.PHONY: setup run test bench samples clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: setup
	$(BIN)/nianbao run samples/ --out $(OUT)

test: setup
	$(BIN)/python -m pytest -q

# Regenerate samples/ from ../shared/seeds (outputs are committed).
samples: setup
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) $(OUT)
