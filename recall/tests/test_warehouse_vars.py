"""Variables are values, never SQL (issue 19, point 3): every string var
reaches SQL through recall_string_literal, and a var that names data (an
event of the tracking plan, a time zone of the engine, a calendar date)
stops the run at start with a message naming the var.

Each case is one dbt invocation with its own --vars, so each parses the
project anew (dbt's partial parse does not survive a change of vars); the
module starts them all at once, in their own folders and warehouses, and
each test reads its run's output."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from recall.tests.conftest import generate, run_dbt

# Runs dbt on a generated world (seconds): see the README, Testing.
pytestmark = pytest.mark.warehouse

INJECTION = "like' or 1=1 or 'a'='"

PLAN_EVENTS = (
    "add_to_cart, app_open, app_uninstall, comment, content_view, coupon_claim, "
    "join_community, like, login, page_view, purchase, register, share"
)

# Texts with quotes and backslashes, passed as vars as a user would.
PROBES = {"p1": INJECTION, "p2": "o'brien\\' -- \\", "p3": "x'; drop table y; --"}

# Good values: the leap days of 2024 and of 2000 (divisible by 400), a zone
# written in lower case as the engines read it.
GOOD = {
    "reporting_timezone": "europe/berlin",
    "as_of_date": "2024-02-29",
    "earliest_plausible_date": "2000-02-29",
}

# recall_is_calendar_date, case by case: leap years (divisible by 4; a
# century only when divisible by 400), month lengths, year 0.
CALENDAR = {
    "2024-02-29": True,
    "2000-02-29": True,
    "1900-02-29": False,
    "2026-02-29": False,
    "2026-02-30": False,
    "2026-04-31": False,
    "2026-12-31": True,
    "2026-13-01": False,
    "2026-00-10": False,
    "0000-01-01": False,
    "2026-1-01": False,
}
CALENDAR_SQL = ", ".join(
    f"(select {{{{ recall_is_calendar_date('{day}') }}}} as d{i}) as calendar_{i}"
    for i, day in enumerate(CALENDAR)
)

# For each literal: the value read back, the literal's own text (default:
# quotes doubled) and Spark's (backslash escapes), as SQL of one row.
LITERALS_SQL = (
    "select * from ({{ validate_recall_vars() }}) as checked, "
    + ", ".join(
        f"(select {{{{ recall_string_literal(var('{key}')) }}}} as {key}, "
        f"{{{{ recall_string_literal(recall_string_literal(var('{key}'))) }}}} as {key}_text, "
        f"{{{{ recall_string_literal(spark__recall_string_literal(var('{key}'))) }}}}"
        f" as {key}_spark) as {key}_literals"
        for key in PROBES
    )
    + ", "
    + CALENDAR_SQL
)

START = ["build", "--select", "stg_crm__campaigns", "--vars"]

BAD_VARS = {
    "feature_event": json.dumps({"feature_event": INJECTION}),
    "unknown_zone": "{reporting_timezone: Mars/Base}",
    "no_such_day": "{as_of_date: '2026-02-30'}",
    "earliest_after_as_of": "{as_of_date: '2024-03-31', earliest_plausible_date: '2024-04-01'}",
    "uplift_share_above_one": "{uplift_targeted_shares: [0.5, 1.5]}",
}

RUNS = {
    "literals": [
        "show",
        "--inline",
        LITERALS_SQL,
        "--output",
        "json",
        "--vars",
        json.dumps({**PROBES, **GOOD}),
    ],
    **{name: [*START, bad_vars] for name, bad_vars in BAD_VARS.items()},
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Every run of the module on one tiny landing folder (the start checks
    stop before any model), started together."""
    base = tmp_path_factory.mktemp("vars")
    raw = base / "raw"
    generate(raw, 50, 5, 7)

    def run(name):
        return run_dbt(RUNS[name], raw, base / f"{name}.duckdb", base / name, check=False)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(RUNS, pool.map(run, RUNS), strict=True))


def _fails_at_start_with(proc, *fragments):
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    # Stopped by the start checks: no model ran.
    assert "OK created" not in output, output[-3000:]
    for fragment in fragments:
        assert fragment in output, (fragment, output[-3000:])


def test_string_literal_keeps_any_text_a_value_and_good_values_pass(runs):
    proc = runs["literals"]
    output = proc.stdout
    assert proc.returncode == 0, (output + proc.stderr)[-3000:]
    [row] = json.loads(output[output.index('{\n  "show"') :])["show"]
    # The good values passed validate_recall_vars (it ran in the query).
    assert row["recall_vars_checked"] == 1
    # On DuckDB each literal reads back as the very text given.
    assert {key: row[key] for key in PROBES} == PROBES
    assert row["p1_text"] == "'like'' or 1=1 or ''a''='''"
    assert row["p2_text"] == "'o''brien\\'' -- \\'"
    assert row["p3_text"] == "'x''; drop table y; --'"
    assert row["p1_spark"] == "'like\\' or 1=1 or \\'a\\'=\\''"
    assert row["p2_spark"] == "'o\\'brien\\\\\\' -- \\\\'"
    assert row["p3_spark"] == "'x\\'; drop table y; --'"
    # Real calendar dates, worked out without a date parser.
    assert {day: row[f"d{i}"] for i, day in enumerate(CALENDAR)} == CALENDAR


def test_feature_event_outside_the_tracking_plan_stops_the_run(runs):
    # Today the injection runs and multiplies feature_event_count by 12.
    _fails_at_start_with(
        runs["feature_event"],
        "Invalid value for var 'feature_event': expected an event name of the "
        f"tracking plan (seed tracking_plan): {PLAN_EVENTS}, received "
        f'"{INJECTION}".',
    )


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "unknown_zone",
            "Invalid value for var 'reporting_timezone': expected a time zone the "
            "engine knows (one of its ",
        ),
        (
            "unknown_zone",
            'e.g. UTC, Europe/Berlin, America/New_York, Asia/Shanghai), received "Mars/Base".',
        ),
        (
            "no_such_day",
            "Invalid value for var 'as_of_date': expected null or a real calendar "
            'date written YYYY-MM-DD, received "2026-02-30".',
        ),
        (
            "earliest_after_as_of",
            "Invalid value for var 'earliest_plausible_date': expected a date "
            'before as_of_date (2024-03-31), received "2024-04-01".',
        ),
        (
            "uplift_share_above_one",
            "Invalid value for var 'uplift_targeted_shares': expected a non-empty "
            "list of shares in (0, 1], received [0.5, 1.5].",
        ),
    ],
    ids=[
        "unknown_zone",
        "zone_examples",
        "no_such_day",
        "earliest_after_as_of",
        "uplift_share_above_one",
    ],
)
def test_bad_value_stops_the_run_at_start_naming_the_var(runs, name, message):
    _fails_at_start_with(runs[name], message)
