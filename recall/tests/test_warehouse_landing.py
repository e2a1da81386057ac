"""Landing by file (issue 19, points 4, 5 and 8): files added to a day already
loaded (a redelivery, a backfill) are read by the next incremental run and
the build still equals a full build; a file changed after it was loaded, or
one whose column changed type, stops the run naming it; a file whose columns
were renamed has its rows quarantined as schema_drift, none lost; the
staging views work from any folder and under a landing root with a quote.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recall.tests.conftest import generate, query, run_dbt

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

WORLD = dict(users=150, days=10, seed=19)
# What the incremental comparison builds: the triage, the facts and the marts
# read from them, and the reconciliation with its test.
SELECT = [
    "--select",
    "+rpt_raw_row_reconciliation assert_raw_rows_reconcile +fct_user_days +dim_users",
    "--indirect-selection",
    "empty",
    "--exclude-resource-type",
    "unit_test",
]
# Relation -> columns left out of the comparison: load bookkeeping, and the
# file of a row (which of two identical copies is kept may differ).
COMPARED = {
    "intermediate.int_event_rows_triaged": ["loaded_at", "source_file"],
    "intermediate.int_device_users": ["loaded_at", "changed_at", "previous_user_id", "as_of_date"],
    "marts.fct_user_days": ["loaded_at"],
    "marts.dim_users": [],
    "marts.rpt_raw_row_reconciliation": [],
}


def _run(args: list[str], world: Path, check: bool = True):
    """dbt in `world` on its landing folder raw/ and warehouse w.duckdb, both
    given relative to it, so that every world shares one parse."""
    return run_dbt(args, world / "raw", world / "w.duckdb", world, check=check)


def _events_file(raw: Path, day: str) -> Path:
    (path,) = sorted((raw / "events" / f"dt={day}").glob("part-*.parquet"))
    return path


def _differences(db_a: Path, db_b: Path) -> dict[str, tuple[int, int]]:
    """relation -> (rows only in a, rows only in b), for relations that differ."""
    con = duckdb.connect()
    con.execute(f"attach '{db_a}' as a (read_only)")
    con.execute(f"attach '{db_b}' as b (read_only)")
    found = {}
    for relation, left_out in COMPARED.items():
        schema, table = relation.split(".")
        cols = ", ".join(
            name
            for (name,) in con.execute(f"""
                select column_name from information_schema.columns
                where table_catalog = 'a' and table_schema = '{schema}'
                  and table_name = '{table}' order by ordinal_position""").fetchall()
            if name not in left_out
        )
        counts = tuple(
            con.execute(f"""select count(*) from (
                select {cols} from {x}.{relation} except all
                select {cols} from {y}.{relation})""").fetchone()[0]
            for x, y in (("a", "b"), ("b", "a"))
        )
        if counts != (0, 0):
            found[relation] = counts
    con.close()
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    """A generated landing folder, and the days of its events partitions."""
    root = tmp_path_factory.mktemp("landing")
    raw = root / "raw"
    generate(raw, WORLD["users"], WORLD["days"], WORLD["seed"], "--no-expected")
    return root, raw


def test_redelivered_and_backfilled_files_are_loaded(world, tmp_path):
    _, source = world
    raw = tmp_path / "raw"
    shutil.copytree(source, raw)
    # Hold back half of the second day's file: it is landed later, as a
    # backfill into a day already loaded.
    second_day = sorted(p.name[3:] for p in (raw / "events").glob("dt=*"))[1]
    third_day = sorted(p.name[3:] for p in (raw / "events").glob("dt=*"))[2]
    day_file = _events_file(raw, second_day)
    table = pq.read_table(day_file)
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), day_file)
    backfill = table.slice(half)
    assert backfill.num_rows > 0

    db = tmp_path / "w.duckdb"
    _run(["build", *SELECT], tmp_path)
    loaded = query(db, "select count(*) from intermediate.int_event_rows_triaged")[0][0]

    # The backfill, and a redelivery of the third day's file under another name.
    pq.write_table(backfill, raw / "events" / f"dt={second_day}" / "part-backfill.parquet")
    redelivered = _events_file(raw, third_day)
    shutil.copyfile(redelivered, redelivered.with_name("part-redelivered.parquet"))
    copies = pq.ParquetFile(redelivered).metadata.num_rows
    # The second run passes assert_raw_rows_reconcile (run_dbt checks the exit code).
    _run(["build", *SELECT], tmp_path)
    rows = dict(
        query(
            db,
            """select source_file, count(*) from intermediate.int_event_rows_triaged
            group by source_file""",
        )
    )
    assert rows[f"events/dt={second_day}/part-backfill.parquet"] == backfill.num_rows
    assert rows[f"events/dt={third_day}/part-redelivered.parquet"] == copies
    assert sum(rows.values()) == loaded + backfill.num_rows + copies
    # Every copy of the redelivery is a duplicate of a row loaded before.
    ((status,),) = query(
        db,
        f"""select list(distinct row_status) from intermediate.int_event_rows_triaged
        where source_file = 'events/dt={third_day}/part-redelivered.parquet'""",
    )
    assert status == ["duplicate"]
    (reconciled,) = query(
        db,
        """select raw_row_count, clean_row_count + duplicate_row_count
            + quarantined_row_count from marts.rpt_raw_row_reconciliation
        where source_table = 'events'""",
    )
    assert reconciled[0] == reconciled[1] == sum(rows.values())

    full = tmp_path / "full"
    full.mkdir()
    (full / "raw").symlink_to(raw)
    _run(["build", *SELECT], full)
    assert _differences(db, full / "w.duckdb") == {}


def test_a_file_changed_after_loading_stops_the_run(world, tmp_path):
    _, source = world
    raw = tmp_path / "raw"
    shutil.copytree(source, raw)
    _run(["build", "--select", "+int_event_rows_triaged", *SELECT[2:]], tmp_path)
    day = sorted(p.name[3:] for p in (raw / "events").glob("dt=*"))[3]
    changed = _events_file(raw, day)
    table = pq.read_table(changed)
    pq.write_table(table.slice(1), changed)
    proc = _run(["run", "--select", "int_event_rows_triaged"], tmp_path, check=False)
    assert proc.returncode != 0
    name = f"events/dt={day}/{changed.name}"
    assert f"{name} ({table.num_rows} rows loaded, {table.num_rows - 1} rows now)" in proc.stdout
    assert "--full-refresh" in proc.stdout


def test_a_drifted_file_is_quarantined_and_nothing_is_lost(world, tmp_path):
    _, source = world
    raw = tmp_path / "raw"
    shutil.copytree(source, raw)
    day = sorted(p.name[3:] for p in (raw / "events").glob("dt=*"))[4]
    drifted = _events_file(raw, day)
    table = pq.read_table(drifted)
    renamed = {"platform": "platform_name", "properties": "props"}
    pq.write_table(table.rename_columns([renamed.get(n, n) for n in table.column_names]), drifted)
    db = tmp_path / "w.duckdb"
    _run(
        ["build", "--select", "+rpt_raw_row_reconciliation assert_raw_rows_reconcile", *SELECT[2:]],
        tmp_path,
    )
    by_file = query(
        db,
        f"""select row_status, quarantine_reason, count(*)
        from intermediate.int_event_rows_triaged
        where source_file = 'events/dt={day}/{drifted.name}' group by all""",
    )
    assert by_file == [("quarantined", "schema_drift", table.num_rows)]
    ((in_quarantine,),) = query(
        db, "select count(*) from quarantine.events where reason = 'schema_drift'"
    )
    assert in_quarantine == table.num_rows
    ((raw_rows, accounted),) = query(
        db,
        """select raw_row_count, clean_row_count + duplicate_row_count
            + quarantined_row_count from marts.rpt_raw_row_reconciliation
        where source_table = 'events'""",
    )
    assert (
        raw_rows
        == accounted
        == sum(pq.ParquetFile(p).metadata.num_rows for p in (raw / "events").rglob("*.parquet"))
    )


def test_a_file_with_a_column_of_another_type_stops_at_start(world, tmp_path):
    _, source = world
    raw = tmp_path / "raw"
    shutil.copytree(source, raw)
    day = sorted(p.name[3:] for p in (raw / "events").glob("dt=*"))[5]
    drifted = _events_file(raw, day)
    table = pq.read_table(drifted)
    index = table.column_names.index("event_at")
    as_text = table.column("event_at").cast(pa.string())
    pq.write_table(table.set_column(index, "event_at", as_text), drifted)
    proc = _run(["run", "--select", "stg_tracking__events"], tmp_path, check=False)
    assert proc.returncode != 0
    assert (
        f"Raw table 'events', file raw/events/dt={day}/{drifted.name}: column 'event_at' "
        "has type VARCHAR; the contract expects timestamp." in proc.stdout
    ), proc.stdout[-3000:]


def test_a_users_file_without_a_contract_column_stops_at_start(world, tmp_path):
    _, source = world
    raw = tmp_path / "raw"
    shutil.copytree(source, raw)
    (users,) = sorted((raw / "users").glob("*.parquet"))
    table = pq.read_table(users)
    pq.write_table(
        table.slice(0, 5).drop_columns(["timezone"]), raw / "users" / "part-late.parquet"
    )
    proc = _run(["run", "--select", "stg_crm__users"], tmp_path, check=False)
    assert proc.returncode != 0
    assert "Raw table 'users', file" in proc.stdout
    assert "part-late.parquet has no column 'timezone' (contract type string)" in proc.stdout


STAGING = ["run", "--select", "stg_crm__users stg_tracking__events"]


def test_staging_views_work_from_another_folder(world, tmp_path):
    # The landing root is given relative to the folder dbt runs in (raw);
    # this test process runs elsewhere and must still read the views.
    _, source = world
    shutil.copytree(source, tmp_path / "raw")
    _run(STAGING, tmp_path)
    assert Path.cwd() != tmp_path
    users = pq.ParquetFile(next((tmp_path / "raw" / "users").glob("*.parquet")))
    assert query(tmp_path / "w.duckdb", "select count(*) from staging.stg_crm__users") == [
        (users.metadata.num_rows,)
    ]


def test_a_landing_root_with_a_quote_works(world, tmp_path):
    _, source = world
    raw = tmp_path / "o'brien" / "raw"
    shutil.copytree(source, raw)
    db = tmp_path / "w.duckdb"
    run_dbt(STAGING, raw, db, tmp_path / "work")
    events = sum(pq.ParquetFile(p).metadata.num_rows for p in (raw / "events").rglob("*.parquet"))
    assert query(db, "select count(*) from staging.stg_tracking__events") == [(events,)]
