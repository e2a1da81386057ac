"""Bad input stops the run with a message that names what is wrong: a raw
table that has not landed, a column of the wrong type, a variable out of
range."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recall.tests.conftest import copy_landing, run_dbt

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
    proc = run_dbt(["build", "--select", "stg_shop__orders"], landing,
                   workdir / "no_orders.duckdb", workdir / "no_orders",
                   check=False)
    _fails_with(proc, "Raw table 'orders' is missing")


def test_column_of_wrong_type_is_named(demo, workdir):
    raw, _ = demo
    landing = copy_landing(raw, workdir / "raw_bad_type", skip=("users",))
    (landing / "users").mkdir()
    for part in sorted((raw / "users").glob("*.parquet")):
        table = pq.read_table(part)
        index = table.schema.get_field_index("registered_at")
        table = table.set_column(index, "registered_at",
                                 table["registered_at"].cast(pa.string()))
        pq.write_table(table, landing / "users" / part.name)
    proc = run_dbt(["build", "--select", "stg_crm__users"], landing,
                   workdir / "bad_type.duckdb", workdir / "bad_type",
                   check=False)
    _fails_with(proc, "Raw table 'users', column 'registered_at' has type "
                "VARCHAR; the contract expects timestamp")


def test_missing_column_is_named(demo, workdir):
    raw, _ = demo
    landing = copy_landing(raw, workdir / "raw_no_column",
                           skip=("campaigns",))
    (landing / "campaigns").mkdir()
    for part in sorted((raw / "campaigns").glob("*.parquet")):
        table = pq.read_table(part).drop_columns(["ends_at"])
        pq.write_table(table, landing / "campaigns" / part.name)
    proc = run_dbt(["build", "--select", "stg_crm__campaigns"], landing,
                   workdir / "no_column.duckdb", workdir / "no_column",
                   check=False)
    _fails_with(proc, "Raw table 'campaigns' has no column 'ends_at'")


@pytest.mark.parametrize("bad_vars, message", [
    ("{silent_after_days: 0}",
     "Invalid value for var 'silent_after_days': expected a whole number "
     "from 1 to 365, received 0."),
    ("{churned_after_days: 7}",
     "Invalid value for var 'churned_after_days': expected greater than "
     "silent_after_days (7) and at most 365, received 7."),
    ("{new_user_days: 8}",
     "Invalid value for var 'new_user_days': expected at most "
     "silent_after_days (7), received 8."),
    ("{value_high_share: 1.5}",
     "Invalid value for var 'value_high_share': expected a number from 0 "
     "to 1, received 1.5."),
    ("{as_of_date: '2026-13-01'}",
     "Invalid value for var 'as_of_date': expected null or a date written "
     "YYYY-MM-DD, received \"2026-13-01\"."),
    ("{retention_brackets: [[3, 2]]}",
     "Invalid value for var 'retention_brackets': expected a non-empty list "
     "of [a, b] pairs with 1 <= a <= b"),
    ("{retention_days: []}",
     "Invalid value for var 'retention_days': expected a non-empty list of "
     "whole days from 1 to 3650, received []."),
    ("{dq_late_events_warn_share: 1.5}",
     "Invalid value for var 'dq_late_events_warn_share': expected a share "
     "from 0 to 1, received 1.5."),
    ("{dq_late_events_error_share: 0.01}",
     "Invalid value for var 'dq_late_events_error_share': expected at least "
     "dq_late_events_warn_share (0.02), received 0.01."),
    ("{feature_retention_days: [3]}",
     "Invalid value for var 'feature_retention_days': expected a non-empty "
     "list of whole days from feature_days (7) to 3650, received [3]."),
])
def test_bad_variable_is_named_with_range_and_value(demo, workdir, bad_vars,
                                                    message):
    raw, _ = demo
    proc = run_dbt(["build", "--select", "stg_crm__campaigns",
                    "--vars", bad_vars], raw, workdir / "bad_var.duckdb",
                   workdir / "bad_var", check=False)
    _fails_with(proc, message)
