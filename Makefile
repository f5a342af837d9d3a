# Two commands for a new user: `make run` (the main job) and `make test` (the quality contract).
# Both create the virtual environment and install on first use; Python 3.11+ is all you need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest install browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --only-binary=pygambit -e '.[all,test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/sanctionsim run --out out

test: $(STAMP) lint typecheck browser pytest

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work
# here). Installed from the distribution when running as root; otherwise say how, in one line.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; \
	  else \
	    echo "error: the browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu)" >&2; \
	    exit 2; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy src

# The coverage floor (pyproject's fail_under) is checked after pytest, not by pytest-cov: a
# process a test started (a server, a Dask worker) can save its data after pytest-cov combines,
# and that file would otherwise be left out of the total. Combine whatever is left, then report.
pytest: $(STAMP)
	$(BIN)/pytest -n 2 --dist worksteal --cov --cov-report= --cov-fail-under=0 --durations=25
	@if ls .coverage.* > /dev/null 2>&1; then \
	  echo "combining $$(ls .coverage.* | wc -l) coverage file(s) saved after pytest-cov's combine"; \
	  $(BIN)/coverage combine --append --quiet || echo "(they held no data)"; \
	fi
	$(BIN)/coverage report

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
