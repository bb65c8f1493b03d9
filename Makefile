# hipcoach build. Every target is safe to re-run: stamps make finished steps no-ops.
#
#   make install   .venv with the pinned Python packages (network: PyPI)
#   make npm       node_modules with the pose models (network: npm)
#   make models    MediaPipe .task bundles assembled from both, offline
#   make test      all of the above, then lint, types, import contracts and tests
#   make test-clock the date-sensitive tests under 15 frozen instants (weekdays, midnight, DST)
#   make static    browser assets: pose library, wasm and model bundle, into static/vendor
#   make messages  refresh the gettext catalogs from the code (needs GNU gettext) and compile
#   make run       prepare the database and demo data, serve on http://127.0.0.1:8000
#   make reminders send the 24-hour appointment reminders (run it from cron every 15 min)
#   make worker    analyse uploaded videos in a separate process (HIPCOACH_TASK_QUEUE=worker)
#   make sample    analyse a sample clip with the CLI
#   make bench     the benchmarks (engine, video analysis, live socket, progress page, PDF)
#   make validate  the engine's accuracy on the shared photos and videos (docs/accuracy.md)
#   make clean     caches and built models; `make distclean` also .venv and node_modules

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
CONSTRAINTS := requirements/constraints.txt
# Installed with --no-deps: its declared jax/jaxlib are never used by the pose task, and the
# packages it really imports are pinned through the `pose` extra (see pyproject.toml).
MEDIAPIPE := mediapipe==0.10.14

NPM_POSE := node_modules/@mediapipe/pose
MODEL_DIR := src/pose/models
MODEL := $(MODEL_DIR)/pose_landmarker_full.task
SHARED_POSES := ../shared/data/poses
SAMPLE_VIDEO := $(SHARED_POSES)/videos/cornell_kneeling_hip_flexor.mp4
SAMPLE_FRAMES := tests/fixtures/frames/cornell_kneeling_hip_flexor.jsonl

MANAGE := $(BIN)/python manage.py
VENDOR_STAMP := src/hipcoach/static/vendor/.installed
MESSAGE_IGNORES := --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' \
  --ignore 'bench/*' --ignore 'var/*' --ignore 'src/hipcoach/static/vendor/*'
HOST ?= 127.0.0.1
PORT ?= 8000
# Two server processes: one live session socket costs little, but at 100 people × 15 frames/s
# a single Python process runs out of one core (make bench shows it).
WORKERS ?= 2

.PHONY: help install npm models static messages test test-clock lint run reminders worker sample bench validate clean distclean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

install: $(VENV)/.installed
npm: node_modules/.installed
models: $(MODEL)
static: $(VENDOR_STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
	  echo "error: hipcoach needs Python 3.11; run make PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) install --upgrade pip
	$(PIP) install -c $(CONSTRAINTS) -e '.[pose,dev,scale]'
	$(PIP) install --no-deps $(MEDIAPIPE)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(MODEL): $(VENV)/.installed node_modules/.installed src/pose/bundle.py
	$(BIN)/python -m pose.bundle --npm-pose $(NPM_POSE)
	touch $@

$(VENDOR_STAMP): $(MODEL) node_modules/.installed scripts/vendor_static.py
	$(BIN)/python scripts/vendor_static.py
	touch $@

messages: install
	LC_ALL=C.UTF-8 $(MANAGE) makemessages -l en -l ja $(MESSAGE_IGNORES)
	LC_ALL=C.UTF-8 $(MANAGE) makemessages -d djangojs -l en -l ja $(MESSAGE_IGNORES)
	$(BIN)/python scripts/compile_messages.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The whole clock matrix takes 4 to 6 minutes here, so make test runs three contrasting instants
# of it (a Saturday, Tokyo midnight, a daylight-saving change); make test-clock all 15.
test: install npm models static lint
	$(BIN)/pytest
	$(BIN)/python scripts/clock_matrix.py --quick

test-clock: install
	$(BIN)/python scripts/clock_matrix.py

run: install npm models static
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) seed_demo
	@echo "hipcoach is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/uvicorn hipcoach.asgi:application --host $(HOST) --port $(PORT) --ws websockets-sansio \
	  --workers $(WORKERS) --ws-max-size 131072

reminders: install
	$(MANAGE) send_reminders

worker: install npm models
	$(MANAGE) run_review_worker

sample: install npm models
	@if [ -f $(SAMPLE_VIDEO) ]; then \
	  echo "+ $(BIN)/hipcoach analyze $(SAMPLE_VIDEO)"; \
	  $(BIN)/hipcoach analyze $(SAMPLE_VIDEO); \
	else \
	  echo "($(SAMPLE_VIDEO) is absent: analysing recorded landmarks instead)"; \
	  echo "+ $(BIN)/hipcoach analyze $(SAMPLE_FRAMES)"; \
	  $(BIN)/hipcoach analyze $(SAMPLE_FRAMES); \
	fi
	@echo "To analyse your own file: $(BIN)/hipcoach analyze path/to/video.mp4 --annotate out.mp4"

bench: install npm models static
	$(BIN)/python bench/run.py
	$(BIN)/python bench/live_load.py
	$(BIN)/python bench/progress_charts.py
	$(BIN)/python bench/report_pdf.py

# Pose landmarks are cached in var/validate-cache, so after the first run (a few minutes) only
# the engine runs again; VALIDATE_ARGS=--no-cache estimates them afresh.
validate: install npm models
	$(BIN)/python bench/validate.py $(VALIDATE_ARGS)

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache build out
	rm -f $(MODEL_DIR)/*.task $(MODEL_DIR)/*.part
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
	  \( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV) node_modules
