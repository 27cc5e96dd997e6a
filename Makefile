# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app

.PHONY: run test install install-dev requirements translations messages migrate seed lint browser fonts ldap-server nginx clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files make each install step re-run only when its requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

# The .in files name what we use; the .txt files pin it and everything it needs. After
# editing an .in file, compile both (an existing pin is kept unless the .in file moves it).
PIP_COMPILE := $(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras
requirements: $(VENV)/.installed-dev
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

# Compiled catalogues are build output (not committed): made from the .po files.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d tracker/translations

# After changing user-facing strings: re-extract them and merge into each catalogue, then
# translate what `make test` reports as untranslated.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o tracker/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i tracker/translations/messages.pot \
		-d tracker/translations
	# No creation date: each branch's run would write its own, and the union merge keeps both.
	sed -i '/^"POT-Creation-Date: /d' tracker/translations/messages.pot \
		tracker/translations/*/LC_MESSAGES/messages.po

migrate: install
	mkdir -p instance
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask demo seed --if-empty

# Development server and the reminder scheduler side by side; Ctrl-C stops both.
run: seed fonts
	@echo "Serving http://127.0.0.1:$(PORT)  (demo logins: see README.md)"
	@$(BIN)/flask scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --debug --host 127.0.0.1 --port $(PORT)

# Debian's Chromium for the browser tests; never a browser download.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "chromium could not be installed: browser tests will be skipped"; \
		else echo "chromium missing and not root: browser tests will be skipped"; fi; \
	fi

# Debian's WenQuanYi Micro Hei, the Chinese font the official documents are set in (config
# DOCUMENT_FONT; a subset of it is embedded in each PDF) and the browser tests measure Chinese
# text with (boxes of a missing glyph would not wrap as Chinese does). Never a font download.
FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
fonts:
	@if [ ! -f $(FONT) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
			|| echo "fonts-wqy-microhei could not be installed: no official documents, their tests skipped"; \
		else echo "fonts-wqy-microhei missing and not root: no official documents, their tests skipped"; fi; \
	fi

# Debian's slapd for the LDAP sign-in tests, which start it themselves in a temporary folder on
# 127.0.0.1 (tests/sso/directory.py). Installed without a configuration of its own, so no system
# directory is set up or left running.
ldap-server:
	@if [ ! -x /usr/sbin/slapd ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			(echo "slapd slapd/no_configuration boolean true" | debconf-set-selections \
			&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd >/dev/null) \
			|| echo "slapd could not be installed: the LDAP tests will be skipped"; \
		else echo "slapd missing and not root: the LDAP tests will be skipped"; fi; \
	fi

# Debian's nginx for the production walk (tests/ops/test_production_walk.py), which runs the
# README's server blocks itself in a temporary folder: one that the package's own scripts start
# is stopped; and systemd-analyze, which checks the README's units without running them.
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
			 && (/usr/sbin/nginx -s quit 2>/dev/null; true)) \
			|| echo "nginx could not be installed: the production walk will be skipped"; \
		else echo "nginx missing and not root: the production walk will be skipped"; fi; \
	fi
	@if ! command -v systemd-analyze >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null) \
			|| echo "systemd-analyze could not be installed: the units' check will be skipped"; \
		else echo "systemd-analyze missing and not root: the units' check will be skipped"; fi; \
	fi

# The whole suite on SQLite, then on PostgreSQL too when TEST_DATABASE_URL is set. Compiled
# modules and pytest's rewritten test modules are kept in __pycache__ even where the environment
# says PYTHONDONTWRITEBYTECODE: each worker would otherwise compile them all again, every run.
# The PostgreSQL pass leaves out the tests marked no_db: they read the source, templates,
# catalogues or configuration only, so a second run could not answer differently (each fails
# if it runs a statement on any database), and everything that touches one runs in both. It
# leaves out the second_language walks too: the English walk of every page and form runs the
# same statements on the same data, and a page's language cannot depend on the database.
test: install-dev browser fonts ldap-server nginx
	env -u TEST_DATABASE_URL -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 -q \
		-p no:cacheprovider tests
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- again on $$TEST_DATABASE_URL"; \
		env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 -q -p no:cacheprovider \
			-m "not no_db and not second_language" tests; \
	fi

# Every page and the reminders at full size, on PostgreSQL (BENCH_PG_URL) then SQLite: builds
# the data sets once (kept under instance/bench/ and in databases bench_*), see bench/__main__.py.
bench: install-dev
	$(BIN)/python -m bench

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/tracker.db
