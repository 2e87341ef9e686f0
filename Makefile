# Two commands for a fresh machine: `make run` (set up, then open the app) and `make test`.
# Both create .venv on first use and re-install only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Extra pip arguments, e.g. PIP_ARGS="--index-url https://download.pytorch.org/whl/cu128"
PIP_ARGS ?=
ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test lint bench screenshots openvino-converter bundle bundle-smoke clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_ARGS) -e ".[test,openvino]"
	@touch $(STAMP)

# The converter (once, ~150 MB, network) lets `auto` convert the model to OpenVINO on a CPU.
run: $(STAMP)
	@$(BIN)/python -c "from desktop_ocr.engine.openvino_convert import converter_python as c; raise SystemExit(c() is None)" \
		|| $(MAKE) --no-print-directory openvino-converter \
		|| echo "the OpenVINO converter could not be set up: answers come from transformers"
	$(BIN)/desktop-ocr $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check desktop_ocr tests bench
	$(BIN)/ruff format --check desktop_ocr tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/engine_overhead.py

# The README's screenshots, of the real app on a desktop of its own (Xvfb, openbox, xdotool; no
# display needed), answered by a stand-in server with prepared text: desktop_ocr/_dev/screenshots.py.
screenshots: $(STAMP)
	$(BIN)/python -m desktop_ocr._dev.screenshots docs/screenshots

# The environment that converts models to OpenVINO (optimum-intel needs transformers 5.0.0): a venv
# of its own pinned packages in the user's cache, named by those pins (~6 GB with torch's CUDA libraries, network, once).
openvino-converter: $(STAMP)
	$(BIN)/python -c "from desktop_ocr.engine.openvino_convert import setup_converter; setup_converter(print)"

bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet "pyinstaller>=6.10"
	$(BIN)/pyinstaller --noconfirm build.spec

bundle-smoke: $(STAMP)
	$(BIN)/python -m pip install --quiet "pyinstaller>=6.10"
	bash bench/bundle_smoke.sh

clean:
	rm -rf $(VENV) bench/out build dist .pytest_cache .mypy_cache .ruff_cache
