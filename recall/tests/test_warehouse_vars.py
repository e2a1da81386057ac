"""Variables are values, never SQL (issue 19, point 3): every string var
reaches SQL through recall_string_literal, and a var that names data (an
event of the tracking plan, a time zone of the engine, a calendar date)
stops the run at start with a message naming the var."""

from __future__ import annotations

import json

import pytest

from recall.tests.conftest import generate, run_dbt

# Runs dbt on a generated world (seconds): see the README, Testing.
pytestmark = pytest.mark.warehouse

INJECTION = "like' or 1=1 or 'a'='"

PLAN_EVENTS = (
    "add_to_cart, app_open, app_uninstall, comment, content_view, coupon_claim, "
    "join_community, like, login, page_view, purchase, register, share"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A tiny landing folder (the start checks stop before any model)."""
    base = tmp_path_factory.mktemp("vars")
    raw = base / "raw"
    generate(raw, 50, 5, 7)
    return base, raw


def _run(world, args, name):
    base, raw = world
    return run_dbt(args, raw, base / f"{name}.duckdb", base / name, check=False)


def _fails_at_start_with(proc, *fragments):
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    # Stopped by the start checks: no model ran.
    assert "OK created" not in output, output[-3000:]
    for fragment in fragments:
        assert fragment in output, (fragment, output[-3000:])


def test_string_literal_keeps_any_text_a_value(world):
    # Values with quotes and backslashes, passed as vars as a user would:
    # on DuckDB each literal reads back as the very text given; the literal's
    # own text (default: quotes doubled) and Spark's (backslash escapes) are
    # the ones worked out by hand.
    probes = {"p1": INJECTION, "p2": "o'brien\\' -- \\", "p3": "x'; drop table y; --"}
    sql = ", ".join(
        f"{{{{ recall_string_literal(var('{key}')) }}}} as {key}, "
        f"{{{{ recall_string_literal(recall_string_literal(var('{key}'))) }}}}"
        f" as {key}_text, "
        f"{{{{ recall_string_literal(spark__recall_string_literal(var('{key}'))) }}}}"
        f" as {key}_spark"
        for key in probes
    )
    proc = _run(
        world,
        ["show", "--inline", f"select {sql}", "--output", "json", "--vars", json.dumps(probes)],
        "literal",
    )
    output = proc.stdout
    assert proc.returncode == 0, output[-3000:]
    [row] = json.loads(output[output.index('{\n  "show"') :])["show"]
    assert {key: row[key] for key in probes} == probes
    assert row["p1_text"] == "'like'' or 1=1 or ''a''='''"
    assert row["p2_text"] == "'o''brien\\'' -- \\'"
    assert row["p3_text"] == "'x''; drop table y; --'"
    assert row["p1_spark"] == "'like\\' or 1=1 or \\'a\\'=\\''"
    assert row["p2_spark"] == "'o\\'brien\\\\\\' -- \\\\'"
    assert row["p3_spark"] == "'x\\'; drop table y; --'"


def test_feature_event_outside_the_tracking_plan_stops_the_run(world):
    # Today the injection runs and multiplies feature_event_count by 12.
    proc = _run(
        world,
        [
            "build",
            "--select",
            "stg_crm__campaigns",
            "--vars",
            json.dumps({"feature_event": INJECTION}),
        ],
        "feature_event",
    )
    _fails_at_start_with(
        proc,
        "Invalid value for var 'feature_event': expected an event name of the "
        f"tracking plan (seed tracking_plan): {PLAN_EVENTS}, received "
        f'"{INJECTION}".',
    )


@pytest.mark.parametrize(
    "bad_vars, message",
    [
        (
            "{reporting_timezone: Mars/Base}",
            "Invalid value for var 'reporting_timezone': expected a time zone the "
            "engine knows (one of its ",
        ),
        (
            "{as_of_date: '2026-02-30'}",
            "Invalid value for var 'as_of_date': expected null or a real calendar "
            'date written YYYY-MM-DD, received "2026-02-30".',
        ),
        (
            "{earliest_plausible_date: '1900-02-29'}",
            "Invalid value for var 'earliest_plausible_date': expected a calendar "
            'date written YYYY-MM-DD, received "1900-02-29".',
        ),
        (
            "{as_of_date: '2024-03-31', earliest_plausible_date: '2024-04-01'}",
            "Invalid value for var 'earliest_plausible_date': expected a date "
            'before as_of_date (2024-03-31), received "2024-04-01".',
        ),
    ],
    ids=["unknown_zone", "no_such_day", "earliest_no_such_day", "earliest_after_as_of"],
)
def test_bad_value_stops_the_run_at_start_naming_the_var(world, bad_vars, message):
    proc = _run(world, ["build", "--select", "stg_crm__campaigns", "--vars", bad_vars], "bad")
    _fails_at_start_with(proc, message)
    if "Mars/Base" in bad_vars:
        # A few zones the engine knows, as examples.
        _fails_at_start_with(
            proc, 'e.g. UTC, Europe/Berlin, America/New_York, Asia/Shanghai), received "Mars/Base".'
        )


def test_good_values_pass_the_start_checks(world):
    # The leap days of 2024 and of 2000 (divisible by 400; 1900 above is
    # not a leap year), a zone written in lower case as the engine reads it.
    proc = _run(
        world,
        [
            "run-operation",
            "validate_recall_vars",
            "--vars",
            "{reporting_timezone: europe/berlin, as_of_date: '2024-02-29', "
            "earliest_plausible_date: '2000-02-29'}",
        ],
        "good",
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
