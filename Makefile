# The README's two commands: `make run` (set up, then process samples/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= output

.PHONY: setup chromium run test bench samples clean

setup: $(VENV)/.installed

# Headless Chromium for tests/test_review.py (driven by Playwright; never `playwright install`).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# Exactly one OpenCV: camelot pulls opencv-python-headless, paddlex wants opencv-contrib-python
	# (it checks that name). Both unpack into cv2/, so drop both and reinstall the one paddlex needs.
	$(BIN)/python -m pip uninstall --quiet -y opencv-python-headless opencv-contrib-python
	$(BIN)/python -m pip install --quiet --no-deps opencv-contrib-python==4.10.0.84
	$(BIN)/python -c "import cv2" 2>/dev/null || (apt-get update -qq && apt-get install -y -qq libgl1 libglib2.0-0)
	$(BIN)/python -c "import cv2, sys; print('OpenCV', cv2.__version__, file=sys.stderr)"
	touch $@

run: setup
	$(BIN)/nianbao run samples/ --out $(OUT)

test: setup chromium
	$(BIN)/python -m pytest -q

# Regenerate samples/ from ../shared/seeds (outputs are committed).
samples: setup
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) $(OUT)
