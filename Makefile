# The README's two commands: `make run` (set up, then process samples/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= output

.PHONY: setup libreoffice chromium run test test-fast lint bench samples clean

setup: $(VENV)/.installed libreoffice

# LibreOffice converts old office files (.doc, .wps, .rtf, .odt) to DOCX (extractors/office.py),
# driven from its own Python's UNO bindings (python3-uno).
libreoffice:
	@command -v soffice >/dev/null && /usr/bin/python3 -c "import uno" 2>/dev/null || \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui python3-uno)

# Headless Chromium for tests/test_review.py (driven by Playwright; never `playwright install`).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	# Exactly one OpenCV: camelot pulls opencv-python-headless, paddlex wants opencv-contrib-python
	# (it checks that name). Both unpack into cv2/, so drop both and reinstall the one paddlex needs.
	$(BIN)/python -m pip uninstall --quiet -y opencv-python-headless opencv-contrib-python
	$(BIN)/python -m pip install --quiet --no-deps opencv-contrib-python==4.10.0.84
	$(BIN)/python -c "import cv2" 2>/dev/null || (apt-get update -qq && apt-get install -y -qq libgl1 libglib2.0-0)
	$(BIN)/python -c "import cv2, sys; print('OpenCV', cv2.__version__, file=sys.stderr)"
	touch $@

# Exit status 1 means some documents failed, as samples/pre2019 (a 2018 report) does on purpose.
run: setup
	$(BIN)/nianbao run samples/ --out $(OUT) || [ $$? -eq 1 ]

test: setup chromium
	$(BIN)/python -m pytest -q

# The fast loop: no end-to-end runs, no OCR, no browser (about a minute).
test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not ocr and not browser"

# Lint, format, types of the typed core, and the import layers (pyproject.toml says which).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m model.report | cmp -s - docs/report.schema.json || \
		(echo "docs/report.schema.json is stale: run $(BIN)/python -m model.report docs/report.schema.json" && exit 1)

# Regenerate samples/ from ../shared/seeds (outputs are committed).
samples: setup
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) $(OUT)
