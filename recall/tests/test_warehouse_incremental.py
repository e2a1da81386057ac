"""Landing data in two steps (history, then new days carrying late events)
and building incrementally gives the same warehouse, row for row, as one
full build of everything; the same run also shows that pointing
RECALL_RAW_DIR at another landing folder is all it takes."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from recall.tests.conftest import DEMO, generate, query, run_dbt

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

# Relation -> columns that record when or in which run a row was written
# (bookkeeping that legitimately differs between the two histories).
COMPARED = {
    "intermediate.int_event_rows_triaged": ["loaded_at"],
    "intermediate.int_device_users": ["loaded_at", "changed_at", "previous_user_id", "as_of_date"],
    "intermediate.int_anonymous_devices_dated": ["events_loaded_at"],
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
    # Counted from append-only buckets: a bucket split over two loads must
    # sum to the same profile.
    "marts.rpt_send_time_profile": [],
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
    history = generate(
        raw_history,
        DEMO["users"],
        DEMO["days"],
        DEMO["seed"],
        "--land-through",
        history_end.isoformat(),
    )
    assert history["raw_rows"]["events"] < truth["raw_rows"]["events"]
    db = workdir / "incremental.duckdb"
    # Models and data tests; the unit tests read no landed data (they ran in
    # the shared demo build).
    build = ["build", "--exclude-resource-type", "unit_test"]
    run_dbt(build, raw_history, db, workdir / "incr_history")
    run_dbt(build, raw_full, db, workdir / "incr_new_days")
    return db, history_end


def test_new_days_carry_late_events(incremental_db, demo):
    db, history_end = incremental_db
    con = duckdb.connect(str(db), read_only=True)
    ((late,),) = con.execute(f"""
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
    columns = [
        name
        for (name,) in con.execute(f"""
        select column_name from information_schema.columns
        where table_catalog = 'full_build' and table_schema = '{schema}'
          and table_name = '{table}' order by ordinal_position""").fetchall()
        if name not in COMPARED[relation]
    ]
    assert columns, relation
    cols = ", ".join(columns)
    full_rows = con.execute(f"select count(*) from full_build.{relation}").fetchone()[0]
    incr_rows = con.execute(f"select count(*) from incremental.{relation}").fetchone()[0]
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


TRIAGE_UNIQUENESS = "recall_unique_combination_int_event_rows_triaged_event_id"


def _triage_uniqueness_sql(work) -> str:
    # dbt shortens the long test name to a hash: find it by what it reads.
    compiled = [
        path.read_text()
        for path in (work / "target" / "compiled").rglob("recall_unique_combination_*.sql")
    ]
    compiled = [sql for sql in compiled if "int_event_rows_triaged" in sql and "event_id" in sql]
    assert len(compiled) == 1, len(compiled)
    return compiled[0]


def test_triage_uniqueness_checks_only_the_latest_load(incremental_db, workdir):
    # The full build of the history checked every event_id; the run that
    # landed the new days checked only the ids of its own load.
    assert "latest_keys" not in _triage_uniqueness_sql(workdir / "incr_history")
    assert "latest_keys" in _triage_uniqueness_sql(workdir / "incr_new_days")


def _triage_uniqueness_fails_once(db, raw_full, tmp_path, *statements, params=()) -> str:
    # Break a copy of the warehouse with the statements, run the triage's
    # data tests on it: the grain test must fail with exactly one result.
    # Returns the SQL it ran.
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(db.read_bytes())
    con = duckdb.connect(str(broken))
    for statement in statements:
        con.execute(statement, list(params) if "?" in statement else [])
    con.close()
    proc = run_dbt(
        ["test", "-s", "int_event_rows_triaged", "--exclude", "test_type:unit"],
        raw_full,
        broken,
        tmp_path / "work",
        check=False,
    )
    assert proc.returncode != 0
    assert f"Failure in test {TRIAGE_UNIQUENESS}" in proc.stdout
    assert "Got 1 result" in proc.stdout
    return _triage_uniqueness_sql(tmp_path / "work")


def test_triage_uniqueness_catches_a_duplicate_in_the_latest_load(incremental_db, demo, tmp_path):
    # A kept copy of an event_id landed before, appended by a later load:
    # the narrowed test must still fail on it, and only on it.
    db, history_end = incremental_db
    raw_full, _ = demo
    ((event_id,),) = query(
        db,
        f"""
        select event_id from intermediate.int_event_rows_triaged
        where row_status = 'kept' and landing_date <= date '{history_end}'
        order by event_id limit 1""",
    )
    compiled = _triage_uniqueness_fails_once(
        db,
        raw_full,
        tmp_path,
        """
        insert into intermediate.int_event_rows_triaged
        select triaged.* replace (
            bounds.max_loaded_at + interval 1 hour as loaded_at)
        from intermediate.int_event_rows_triaged as triaged,
            (select max(loaded_at) as max_loaded_at
             from intermediate.int_event_rows_triaged) as bounds
        where triaged.event_id = ? and triaged.row_status = 'kept'""",
        params=[event_id],
    )
    assert "latest_keys" in compiled


def test_triage_uniqueness_catches_a_duplicate_in_a_single_load(incremental_db, demo, tmp_path):
    # One load only (every row stamped alike): the test checks every key,
    # finding candidates on the stored id hash; a second kept copy of an id
    # must fail it, once.
    db, _ = incremental_db
    raw_full, _ = demo
    compiled = _triage_uniqueness_fails_once(
        db,
        raw_full,
        tmp_path,
        """
        update intermediate.int_event_rows_triaged
        set loaded_at = timestamp '2026-01-01 00:00:00'""",
        """
        insert into intermediate.int_event_rows_triaged
        select * from intermediate.int_event_rows_triaged
        where row_status = 'kept'
        order by event_id
        limit 1""",
    )
    assert "repeated_keys" in compiled and "latest_keys" not in compiled


def test_new_days_meet_copies_landed_before(incremental_db):
    # The incremental triage looks earlier copies up from the landing day
    # its hash scan finds: the demo's new days do retry events whose kept
    # copy landed in the history, and those retries are duplicates.
    db, history_end = incremental_db
    ((retries, duplicates),) = query(
        db,
        f"""
        select count(*), count(case when new_rows.row_status = 'duplicate'
                                    then 1 end)
        from intermediate.int_event_rows_triaged as new_rows
        inner join intermediate.int_event_rows_triaged as earlier_rows
            on new_rows.event_id = earlier_rows.event_id
        where new_rows.landing_date > date '{history_end}'
          and earlier_rows.landing_date <= date '{history_end}'
          and earlier_rows.row_status = 'kept'""",
    )
    assert retries > 0
    assert duplicates == retries


def test_user_days_recompute_only_changed_users(incremental_db):
    # fct_user_days re-computes per user (recall_user_days_changes): the run
    # that landed the new days rewrote fewer rows than every user's days
    # from its earliest rewritten day. That run also stitched devices with
    # anonymous events (landed before) to a user, so the equality with a
    # full build above covers days credited through a changed device. (The
    # demo never moves a device from one user to another, so the previous
    # owner's re-computation is not exercised here.)
    db, _ = incremental_db
    ((rewritten, day_wide, moved),) = query(
        db,
        """
        with rewritten as (
            select activity_date
            from marts.fct_user_days
            where loaded_at = (select max(loaded_at)
                               from marts.fct_user_days)
        )
        select
            (select count(*) from rewritten),
            (select count(*) from marts.fct_user_days
             where activity_date >= (select min(activity_date)
                                     from rewritten)),
            (select count(*)
             from intermediate.int_device_users as device_users
             inner join intermediate.int_anonymous_devices_dated as anonymous
                 on device_users.device_id = anonymous.device_id
             where device_users.changed_at
                   > (select min(loaded_at) from marts.fct_user_days))""",
    )
    assert 0 < rewritten < day_wide
    assert moved > 0


def _bucket_totals(db) -> tuple:
    ((counted, loads_counted, kept_active, first_load, oldest_counted),) = query(
        db,
        """
        select
            (select sum(events_count)
             from intermediate.int_active_event_buckets_counted),
            (select count(distinct events_loaded_at)
             from intermediate.int_active_event_buckets_counted),
            (select count(*) from intermediate.int_events_kept
             where counts_as_active),
            (select min(loaded_at) from intermediate.int_event_rows_triaged),
            (select min(events_loaded_at)
             from intermediate.int_active_event_buckets_counted)""",
    )
    return counted, loads_counted, kept_active, first_load, oldest_counted


def test_event_buckets_survive_a_rebuilt_triage(incremental_db, demo, tmp_path):
    # The buckets are appended per load; a triage rebuilt with --full-refresh
    # re-stamps every row, and the next run must count each event once.
    db, _ = incremental_db
    raw_full, _ = demo
    counted, loads, kept_active, _, _ = _bucket_totals(db)
    assert (counted, loads) == (kept_active, 2)
    rebuilt = tmp_path / "rebuilt.duckdb"
    rebuilt.write_bytes(db.read_bytes())
    run_dbt(
        ["run", "--full-refresh", "-s", "int_event_rows_triaged"],
        raw_full,
        rebuilt,
        tmp_path / "work",
    )
    run_dbt(["run", "-s", "int_active_event_buckets_counted"], raw_full, rebuilt, tmp_path / "work")
    counted, loads, kept_active, first_load, oldest = _bucket_totals(rebuilt)
    assert (counted, loads, oldest) == (kept_active, 1, first_load)
