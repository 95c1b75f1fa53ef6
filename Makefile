# Conductor. `make run` serves a demo on 127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
DEMO_REGION ?= Demo Co-op
DEMO_BOARD_EMAIL ?= board@demo.coop
DEMO_PASSWORD_FILE := instance/demo-board-password
DEMO_MEMBER_EMAIL ?= newcomer@demo.coop
DEMO_MEMBER_PASSWORD_FILE := instance/demo-member-password

.PHONY: run test bench install install-dev migrate demo clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(FLASK) db upgrade

$(DEMO_PASSWORD_FILE) $(DEMO_MEMBER_PASSWORD_FILE):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" > $@
	chmod 600 $@

# The region and its board, then a member with 1000.00 RSC to try things with: their deposit is
# confirmed by the demo's board through the treasury, like any other (there is no money without it).
demo: migrate $(DEMO_PASSWORD_FILE) $(DEMO_MEMBER_PASSWORD_FILE)
	$(FLASK) govern init --region "$(DEMO_REGION)" --board-email "$(DEMO_BOARD_EMAIL)" \
		--board-password "$$(cat $(DEMO_PASSWORD_FILE))" --board-name "Demo Board"
	$(FLASK) govern demo --region "$(DEMO_REGION)" --member-email "$(DEMO_MEMBER_EMAIL)" \
		--member-password "$$(cat $(DEMO_MEMBER_PASSWORD_FILE))"
	@echo ""
	@echo "  Board login:   $(DEMO_BOARD_EMAIL)"
	@echo "  Password:      $$(cat $(DEMO_PASSWORD_FILE))"
	@echo "  Member login:  $(DEMO_MEMBER_EMAIL) (holds 1000.00 RSC)"
	@echo "  Password:      $$(cat $(DEMO_MEMBER_PASSWORD_FILE))"
	@echo "  Open:          http://127.0.0.1:5000/"
	@echo ""

# gunicorn with gunicorn.conf.py: one worker of threads (slow clients hold a thread for at most
# GOVERN_CLIENT_TIMEOUT seconds), the scheduler in it, one login throttle budget in its memory.
run: demo
	GOVERN_RUN_SCHEDULER=1 GOVERN_WORKERS=1 $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks against the framework and database limits (bench/RESULTS.md). SQLite always;
# PostgreSQL too with BENCH_DATABASE_URL=postgresql://…/<a database whose name contains "bench">.
bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
