"""Bad input stops the run with a message that names what is wrong: a raw
table that has not landed, a column of the wrong type, a variable out of
range."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recall.tests.conftest import ROOT, copy_landing, run_dbt

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse


def _fails_with(proc, *fragments):
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    for fragment in fragments:
        assert fragment in output, (fragment, output[-3000:])


def test_missing_table_is_named(demo, workdir):
    raw, _ = demo
    landing = copy_landing(raw, workdir / "raw_no_orders", skip=("orders",))
    proc = run_dbt(
        ["build", "--select", "stg_shop__orders"],
        landing,
        workdir / "no_orders.duckdb",
        workdir / "no_orders",
        check=False,
    )
    _fails_with(proc, "Raw table 'orders' is missing")


def test_column_of_wrong_type_is_named(demo, workdir):
    raw, _ = demo
    landing = copy_landing(raw, workdir / "raw_bad_type", skip=("users",))
    (landing / "users").mkdir()
    for part in sorted((raw / "users").glob("*.parquet")):
        table = pq.read_table(part)
        index = table.schema.get_field_index("registered_at")
        table = table.set_column(index, "registered_at", table["registered_at"].cast(pa.string()))
        pq.write_table(table, landing / "users" / part.name)
    proc = run_dbt(
        ["build", "--select", "stg_crm__users"],
        landing,
        workdir / "bad_type.duckdb",
        workdir / "bad_type",
        check=False,
    )
    _fails_with(
        proc,
        "Raw table 'users', column 'registered_at' has type "
        "VARCHAR; the contract expects timestamp",
    )


def test_missing_column_is_named(demo, workdir):
    raw, _ = demo
    landing = copy_landing(raw, workdir / "raw_no_column", skip=("campaigns",))
    (landing / "campaigns").mkdir()
    for part in sorted((raw / "campaigns").glob("*.parquet")):
        table = pq.read_table(part).drop_columns(["ends_at"])
        pq.write_table(table, landing / "campaigns" / part.name)
    proc = run_dbt(
        ["build", "--select", "stg_crm__campaigns"],
        landing,
        workdir / "no_column.duckdb",
        workdir / "no_column",
        check=False,
    )
    _fails_with(proc, "Raw table 'campaigns' has no column 'ends_at'")


# A bad value of each kind the run-start check knows -> the message (or the
# fragments of it) that names the variable, what is allowed and the value.
BAD_VARS = [
    (
        "{silent_after_days: 0}",
        "Invalid value for var 'silent_after_days': expected a whole number "
        "from 1 to 365, received 0.",
    ),
    (
        "{churned_after_days: 7}",
        "Invalid value for var 'churned_after_days': expected greater than "
        "silent_after_days (7) and at most 365, received 7.",
    ),
    (
        "{new_user_days: 8}",
        "Invalid value for var 'new_user_days': expected at most "
        "silent_after_days (7), received 8.",
    ),
    (
        "{value_high_share: 1.5}",
        "Invalid value for var 'value_high_share': expected a number from 0 to 1, received 1.5.",
    ),
    (
        "{as_of_date: '2026-13-01'}",
        "Invalid value for var 'as_of_date': expected null or a date written "
        'YYYY-MM-DD, received "2026-13-01".',
    ),
    (
        "{retention_brackets: [[3, 2]]}",
        "Invalid value for var 'retention_brackets': expected a non-empty list "
        "of [a, b] pairs with 1 <= a <= b",
    ),
    (
        "{retention_days: []}",
        "Invalid value for var 'retention_days': expected a non-empty list of "
        "whole days from 1 to 3650, received [].",
    ),
    (
        "{dq_thresholds: {late_events: {warn: 1.5}}}",
        "Invalid value for var 'dq_thresholds.late_events.warn': expected a "
        "share from 0 to 1, received 1.5.",
    ),
    # Only the error threshold is given: the warn threshold stays the
    # registry's 0.02, which the error threshold must not fall below.
    (
        "{dq_thresholds: {late_events: {error: 0.01}}}",
        "Invalid value for var 'dq_thresholds.late_events.error': expected at "
        "least dq_thresholds.late_events.warn (0.02), received 0.01.",
    ),
    (
        "{dq_thresholds: {paid_orders_with_purchase_event: {error: 0.99}}}",
        "Invalid value for var 'dq_thresholds.paid_orders_with_purchase_event"
        ".error': expected at most dq_thresholds.paid_orders_with_purchase_event"
        ".warn (0.95), received 0.99.",
    ),
    (
        "{dq_thresholds: {late_event: {warn: 0.05}}}",
        (
            "Invalid value for var 'dq_thresholds': expected check names among "
            "paid_orders_with_purchase_event, purchase_events_with_order, ",
            ', off_target_assignments, received "late_event".',
        ),
    ),
    (
        "{dq_thresholds: {late_events: {warning: 0.05}}}",
        "Invalid value for var 'dq_thresholds.late_events': expected the keys "
        'warn and/or error, received "warning".',
    ),
    (
        "{dq_thresholds: {late_events: 0.05}}",
        "Invalid value for var 'dq_thresholds.late_events': expected a map "
        "with the keys warn and/or error, received 0.05.",
    ),
    (
        "{dq_thresholds: [late_events]}",
        "Invalid value for var 'dq_thresholds': expected a map of check name "
        'to {warn: share, error: share}, received ["late_events"].',
    ),
    (
        "{qualifying_touches: {fax: [delivered]}}",
        "Invalid value for var 'qualifying_touches': expected channels among "
        "push, sms, email, in_app, phone, mail (var channels), received "
        '"fax".',
    ),
    (
        "{channels: {push: {opens_app: maybe, cost_per_send: 0.001, "
        "reachability: true, description: Push}}}",
        "Invalid value for var 'channels': expected a non-empty map of channel "
        "name (lowercase letters, digits, _) to {opens_app: true/false, "
        "cost_per_send: a number >= 0, reachability: true/false, description: "
        'text}, received {"push": {"cost_per_send": 0.001, "description": '
        '"Push", "opens_app": "maybe", "reachability": true}}.',
    ),
    (
        "{feature_retention_days: [3]}",
        "Invalid value for var 'feature_retention_days': expected a non-empty "
        "list of whole days from feature_days (7) to 3650, received [3].",
    ),
]

# dbt parses the project anew whenever --vars changes (about 15 s of CPU a
# run), so the cases run in one process: parse once, then call the run-start
# check (validate_recall_vars) with each case's --vars on that manifest, as
# `dbt run-operation validate_recall_vars --vars ...` would. The messages are
# dbt's error events. test_a_bad_variable_stops_the_build shows the same
# check stops a real build.
VARS_RUNNER = """
import json, sys
from dbt.cli.main import dbtRunner
parsed = dbtRunner().invoke(["parse", "--quiet"])
if not parsed.success:
    raise SystemExit(f"dbt parse failed: {parsed.exception}")
results = []
for case in json.loads(sys.argv[1]):
    errors = []
    def keep(event):
        if event.info.level == "error":
            errors.append(event.info.msg)
    run = dbtRunner(manifest=parsed.result, callbacks=[keep]).invoke(
        ["run-operation", "validate_recall_vars", "--quiet", "--vars", case]
    )
    results.append({"success": run.success, "errors": errors})
with open(sys.argv[2], "w") as out:
    json.dump(results, out)
"""


@pytest.fixture(scope="module")
def checked_vars(demo, workdir) -> dict[str, dict]:
    """bad vars -> {success, errors} of the run-start check on them."""
    raw, _ = demo
    work = workdir / "bad_vars"
    work.mkdir()
    out = work / "results.json"
    cases = ["{}", *(bad_vars for bad_vars, _ in BAD_VARS)]
    proc = subprocess.run(
        [sys.executable, "-c", VARS_RUNNER, json.dumps(cases), str(out)],
        cwd=ROOT,
        env=dict(
            os.environ,
            RECALL_RAW_DIR=str(raw),
            RECALL_DB_PATH=str(work / "w.duckdb"),
            DBT_PROFILES_DIR=str(ROOT / "profiles"),
            DBT_TARGET_PATH=str(work / "target"),
            DBT_LOG_PATH=str(work / "logs"),
        ),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return dict(zip(cases, json.loads(out.read_text()), strict=True))


@pytest.mark.parametrize("bad_vars, message", BAD_VARS)
def test_bad_variable_is_named_with_range_and_value(checked_vars, bad_vars, message):
    result = checked_vars[bad_vars]
    output = "\n".join(result["errors"])
    assert not result["success"], output
    for fragment in [message] if isinstance(message, str) else message:
        assert fragment in output, (fragment, output)


def test_good_variables_pass_the_check(checked_vars):
    # The runner itself: on the project's own values the check passes and
    # says nothing, so a failure above is the bad value's.
    result = checked_vars["{}"]
    assert result == {"success": True, "errors": []}


def test_a_bad_variable_stops_the_build(demo, workdir):
    raw, _ = demo
    bad_vars, message = BAD_VARS[0]
    proc = run_dbt(
        ["build", "--select", "stg_crm__campaigns", "--vars", bad_vars],
        raw,
        workdir / "bad_var.duckdb",
        workdir / "bad_var",
        check=False,
    )
    _fails_with(proc, message)
