# The two commands a newcomer needs: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test install system-deps redis bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

system-deps:
	@scripts/system-deps.sh

redis: install
	@$(PY) scripts/ensure_redis.py

run: install
	@scripts/system-deps.sh --optional gnugo
	@echo "make run: starting $$(cut -d: -f1 Procfile | tr '\n' ' ')with honcho; open http://127.0.0.1:$${PORT:-5000}/"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" PORT=$${PORT:-5000} $(VENV)/bin/honcho start

test: install system-deps redis
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install system-deps redis
	$(PY) bench/rules.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
