# The two commands of the README:
#   make build   installs the pinned dependencies into .venv, lands the demo
#                data (unless RECALL_RAW_DIR already holds events), runs
#                dbt build on DuckDB and publishes the marts for BI tools
#                (RECALL_PUBLISH_PATH, default target/recall_published.duckdb).
#   make test    lints every model (sqlfluff, dbt templater) and the Python
#                package (ruff), and runs the pytest suite (generator,
#                warehouse end to end, conventions, the report in a
#                headless browser).
# make report writes the HTML report (target/report/index.html) from the
# published marts of make build.
# Both are safe to re-run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export RECALL_RAW_DIR ?= data/raw
export RECALL_DB_PATH ?= target/recall.duckdb
export DBT_PROFILES_DIR := profiles

DEMO_USERS ?= 5000
DEMO_DAYS ?= 90
DEMO_SEED ?= 42
BENCH_USERS ?= 100000
BENCH_DAYS ?= 180

# Lint compiles the models against a small dataset and a freshly seeded
# warehouse of its own, so it never touches the user's warehouse; one
# sqlfluff process per core (--processes 0).
LINT_DIR := target/lint

.PHONY: venv demo-data build load test lint engines browser pytest bench docs clean gate alerts \
	pipeline report

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

demo-data: $(STAMP)
	@if [ -d "$(RECALL_RAW_DIR)/events" ]; then \
		echo "Using the landed data in $(RECALL_RAW_DIR)"; \
	else \
		$(BIN)/python -m recall.generator --out "$(RECALL_RAW_DIR)" \
			--users $(DEMO_USERS) --days $(DEMO_DAYS) --seed $(DEMO_SEED); \
	fi

# dbt build with the unit tests, then the marts are published for BI
# (recall/pipeline.py; exit codes there).
build: demo-data
	mkdir -p "$(dir $(RECALL_DB_PATH))"
	$(BIN)/python -m recall.pipeline --no-gate --no-alerts --unit-tests

test: lint engines browser pytest

lint: $(STAMP)
	$(BIN)/ruff check recall
	$(BIN)/ruff format --check recall
	rm -rf $(LINT_DIR)
	$(BIN)/python -m recall.generator --out $(LINT_DIR)/raw --users 300 \
		--days 20 --seed 1 --no-expected --quiet
	RECALL_RAW_DIR=$(LINT_DIR)/raw RECALL_DB_PATH=$(LINT_DIR)/lint.duckdb \
		$(BIN)/dbt seed --quiet --target-path $(LINT_DIR)/target
	RECALL_RAW_DIR=$(LINT_DIR)/raw RECALL_DB_PATH=$(LINT_DIR)/lint.duckdb \
		$(BIN)/sqlfluff lint models --processes 0

# The engines the cross-engine tests build on besides DuckDB
# (recall/tests/test_engines.py): PostgreSQL is installed if missing, started
# and given the profile's role and database (scripts/setup_postgres.sh);
# Spark runs in this machine's Java. RECALL_TEST_ENGINES= leaves both out.
export RECALL_TEST_ENGINES ?= postgres,spark

engines:
	@case ",$(RECALL_TEST_ENGINES)," in *,postgres,*) scripts/setup_postgres.sh;; esac
	@case ",$(RECALL_TEST_ENGINES)," in *,spark,*) \
		java -version >/dev/null 2>&1 || { echo "Spark needs Java 17 (java not found);" \
			"install it or set RECALL_TEST_ENGINES=postgres" >&2; exit 1; };; esac

# The report's browser test (recall/tests/test_report.py) drives Debian's
# chromium headless with playwright; it is installed if missing.
browser:
	scripts/setup_chromium.sh

# Three test processes (pytest-xdist), each taking whole test files (or a
# test class: the engines' classes of test_engines.py run side by side), the
# slowest first (conftest.SLOW_FILES): most of a warehouse test is dbt's
# single-threaded Python or waiting on Spark's JVM and PostgreSQL, so two
# processes left a core idle about a quarter of the time; a file's module
# fixtures stay in one process, and what several need is made once
# (conftest.shared_once).
pytest: $(STAMP)
	$(BIN)/python -m pytest recall/tests -q -n 3 --dist loadscope --no-loadscope-reorder

bench: $(STAMP)
	$(BIN)/python -m recall.benchmark --users $(BENCH_USERS) --days $(BENCH_DAYS)

# The report (recall/report/): one self-contained HTML file of charts over the
# published marts, opened read-only; it opens offline and loads nothing.
RECALL_PUBLISH_PATH ?= target/recall_published.duckdb
REPORT_OUT ?= target/report/index.html

report: $(STAMP)
	$(BIN)/python -m recall.report --db "$(RECALL_PUBLISH_PATH)" --out "$(REPORT_OUT)"

docs: $(STAMP)
	$(BIN)/dbt docs generate

# Landing gate: validate newly landed raw partitions (target/quality/).
gate: $(STAMP)
	$(BIN)/python -m recall.quality.gate --out target/quality

# One JSON-line alert per failing dbt test or gate expectation; posted to
# RECALL_ALERT_WEBHOOK_URL when set.
alerts: $(STAMP)
	$(BIN)/python -m recall.quality.alerts --run-results target/run_results.json \
		--manifest target/manifest.json --gate-results target/quality/results.json

# A load without gate and alerts: lock check, dbt build without the dbt unit
# tests (static inputs: they prove the SQL, not the data; make build and
# make test run them), publish.
load: demo-data
	mkdir -p "$(dir $(RECALL_DB_PATH))"
	$(BIN)/python -m recall.pipeline --no-gate --no-alerts

# The scheduled load (recall/pipeline.py): lock check, gate, dbt build
# without the unit tests, publish, alerts. make fails when any step fails
# (exit codes in recall/pipeline.py); the gate's findings and a failing dbt
# test at severity warn do not fail it.
pipeline: demo-data
	mkdir -p "$(dir $(RECALL_DB_PATH))"
	$(BIN)/python -m recall.pipeline

clean:
	rm -rf target logs bench data/raw
