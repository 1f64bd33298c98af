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
# Development secrets, one per door (README "Security"): set your own in production.
ACTIONS_TOKEN ?= actions-dev-token
HANDOFF_SERVICE_TOKEN ?= service-dev-token
RASA_JWT_SECRET ?= jwt-dev-secret
CORS_ORIGINS ?= http://$(HOST):$(WEB_PORT) http://localhost:$(WEB_PORT)
MODEL := models/assistant.tar.gz
RASA_ARGS := --domain bot/domain --data data --config bot/config.yml

export RASA_TOKEN HOST RASA_PORT ACTIONS_PORT WEB_PORT VENV HANDOFF_PORT HANDOFF_AGENT_TOKEN
export ACTIONS_TOKEN HANDOFF_SERVICE_TOKEN CORS_ORIGINS RASA_JWT_SECRET
export HANDOFF_URL ?= http://$(HOST):$(HANDOFF_PORT)
export SANIC_HOST := $(HOST)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: run test install train validate bench browser clean

run: install train
	@mkdir -p var
	@echo ""
	@echo "  Customer demo page:  http://$(HOST):$(WEB_PORT)/"
	@echo "  Rasa HTTP API:       http://$(HOST):$(RASA_PORT)/  (token: RASA_TOKEN=$(RASA_TOKEN))"
	@echo "  Action server:       http://$(HOST):$(ACTIONS_PORT)/health"
	@echo "  Agent console:       http://$(HOST):$(HANDOFF_PORT)/  (token: HANDOFF_AGENT_TOKEN=$(HANDOFF_AGENT_TOKEN))"
	@echo "  Ctrl-C stops everything."
	@echo ""
	$(VENV)/bin/honcho start -f Procfile

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed web/node_modules/.installed

# Python 3.11+: the fully pinned lock, rasa and rasa-sdk without their
# "< 3.11" marker. Python 3.8-3.10: a plain install of pyproject.toml.
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	  $(PY) -m pip install -q --no-deps --ignore-requires-python -r requirements.lock && \
	  $(PY) -m pip install -q --no-deps --no-build-isolation -e . ; \
	else \
	  $(PY) -m pip install -q -e '.[test]' ; \
	fi
	@touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Rasa's own fingerprinting skips training when data and config are unchanged.
train: install
	$(PY) -m bot train $(RASA_ARGS) --out models --fixed-model-name assistant

validate: install
	$(PY) -m bot data validate $(RASA_ARGS)

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install it (apt-get install chromium) for the browser tests"; fi; }

bench: install train
	$(PY) bench/assistant.py
	$(PY) bench/handoff_detection.py
	$(PY) bench/sentiment.py
	$(PY) bench/handoff_overhead.py --rest
	$(PY) bench/live_agent.py
	$(PY) bench/handoff_fanout.py
	$(PY) bench/clinc150.py
	$(PY) bench/attack_latency.py

clean:
	rm -rf models .cache results var
