"""Landing data in two steps (history, then new days carrying late events)
and building incrementally gives the same warehouse, row for row, as one
full build of everything; the same run also shows that pointing
RECALL_RAW_DIR at another landing folder is all it takes."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from recall.tests.conftest import DEMO, generate, run_dbt

# Relation -> columns that record when or in which run a row was written
# (bookkeeping that legitimately differs between the two histories).
COMPARED = {
    "intermediate.int_event_rows_triaged": ["loaded_at"],
    "intermediate.int_device_users": ["loaded_at", "changed_at",
                                      "previous_user_id", "as_of_date"],
    "marts.fct_user_days": ["loaded_at"],
    "marts.dim_users": [],
    "marts.rpt_raw_row_reconciliation": [],
    # Lifecycle, growth and retention marts are rebuilt whole from the
    # incremental facts: equal facts must give equal marts.
    "marts.fct_user_lifecycle": [],
    "marts.fct_inactivity_episodes": [],
    "marts.fct_recall_attributions": [],
    "marts.rpt_lifecycle_daily": [],
    "marts.rpt_growth_transitions_daily": [],
    "marts.rpt_growth_accounting_monthly": [],
    "marts.rpt_cohort_retention": [],
    "marts.rpt_feature_retention": [],
    "marts.rpt_recalled_user_retention": [],
    "quarantine.events": [],
    "quarantine.users": [],
    "quarantine.orders": [],
}


@pytest.fixture(scope="module")
def incremental_db(demo, workdir):
    raw_full, truth = demo
    start = dt.date.fromisoformat(truth["params"]["start_date"])
    last_landing = dt.date.fromisoformat(truth["as_of_date"]) + dt.timedelta(1)
    history_end = last_landing - dt.timedelta(days=3)
    assert start < history_end
    raw_history = workdir / "raw_history"
    history = generate(raw_history, DEMO["users"], DEMO["days"], DEMO["seed"],
                       "--land-through", history_end.isoformat())
    assert history["raw_rows"]["events"] < truth["raw_rows"]["events"]
    db = workdir / "incremental.duckdb"
    run_dbt(["build"], raw_history, db, workdir / "incr_history")
    run_dbt(["build"], raw_full, db, workdir / "incr_new_days")
    return db, history_end


def test_new_days_carry_late_events(incremental_db, demo):
    db, history_end = incremental_db
    con = duckdb.connect(str(db), read_only=True)
    (late,), = con.execute(f"""
        select count(*) from intermediate.int_event_rows_triaged
        where landing_date > date '{history_end}'
          and cast(event_at as date) <= date '{history_end}'""").fetchall()
    con.close()
    assert late > 0


@pytest.mark.parametrize("relation", sorted(COMPARED))
def test_incremental_equals_full_refresh(incremental_db, built, relation):
    db, _ = incremental_db
    con = duckdb.connect()
    con.execute(f"attach '{built}' as full_build (read_only)")
    con.execute(f"attach '{db}' as incremental (read_only)")
    schema, table = relation.split(".")
    columns = [name for name, in con.execute(f"""
        select column_name from information_schema.columns
        where table_catalog = 'full_build' and table_schema = '{schema}'
          and table_name = '{table}' order by ordinal_position""").fetchall()
        if name not in COMPARED[relation]]
    assert columns, relation
    cols = ", ".join(columns)
    full_rows = con.execute(
        f"select count(*) from full_build.{relation}").fetchone()[0]
    incr_rows = con.execute(
        f"select count(*) from incremental.{relation}").fetchone()[0]
    only_full = con.execute(f"""
        select count(*) from (
            select {cols} from full_build.{relation}
            except all
            select {cols} from incremental.{relation})""").fetchone()[0]
    only_incr = con.execute(f"""
        select count(*) from (
            select {cols} from incremental.{relation}
            except all
            select {cols} from full_build.{relation})""").fetchone()[0]
    con.close()
    assert full_rows > 0 or relation.startswith("quarantine.users")
    assert (incr_rows, only_full, only_incr) == (full_rows, 0, 0)
