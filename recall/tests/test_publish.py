"""recall.publish: the marts (and quarantine) copied to the file BI tools read,
replaced atomically; a reader holding it open and a load do not break each
other (issue 19, point 8)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from recall import publish
from recall.tests.conftest import generate, run_pipeline

PUBLISHED = ("marts", "quarantine")


def relations(db: Path) -> dict[tuple[str, str], tuple[str, list, int]]:
    """(schema, name) -> (table type, [(column, type)], rows) of the published
    schemas of a DuckDB file."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        rows = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() and table_schema in ('marts', "
            "'quarantine')"
        ).fetchall()
        for schema, name, kind in rows:
            cols = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = current_database() and table_schema = ? "
                "and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
            n = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            out[(schema, name)] = (kind, cols, n)
        return out
    finally:
        con.close()


def assert_published_copy(warehouse: Path, published: Path) -> None:
    """Every table and view of marts and quarantine is a table of the
    published file with the same columns, types and row count, and nothing
    else is."""
    src, dst = relations(warehouse), relations(published)
    assert sorted(dst) == sorted(src)
    for key, (_, cols, n) in src.items():
        assert dst[key] == ("BASE TABLE", cols, n), key
    con = duckdb.connect(str(published), read_only=True)
    try:
        schemas = {
            r[0]
            for r in con.execute(
                "select schema_name from duckdb_schemas() "
                "where database_name = current_database() and not internal"
            ).fetchall()
        }
    finally:
        con.close()
    assert schemas - {"main"} == {schema for schema, _ in src}


def small_warehouse(path: Path, users: int) -> None:
    """A warehouse laid out as dbt builds it: marts tables and a mart view
    over an intermediate table, quarantine views, and schemas BI does not
    get."""
    con = duckdb.connect(str(path))
    con.execute(
        f"""
        create schema intermediate;
        create schema marts;
        create schema quarantine;
        create schema staging;
        create table intermediate.int_user_days as
            select 'u' || (i % {users}) as user_id,
                   date '2026-01-01' + cast(i // {users} as integer) as activity_date,
                   cast(i as bigint) as event_count,
                   cast(i / 7 as decimal(18, 4)) as net_revenue
            from range({users} * 3) as t(i);
        create table marts.dim_users as
            select 'u' || i as user_id,
                   timestamp '2026-01-01 08:00:00' + to_minutes(i) as registered_at,
                   i % 2 = 0 as is_reachable,
                   cast(i as double) / 3 as churn_probability,
                   [i, i + 1] as tags
            from range({users}) as t(i);
        create view marts.fct_user_days as
            select * from intermediate.int_user_days;
        create table marts."rpt odd name" as select 1 as "Mixed Case";
        create view quarantine.users as
            select 'users' as source_table, 'bad' as reason, 'x' as user_id;
        create view staging.stg_users as select * from marts.dim_users;
        """
    )
    con.close()


def test_publish_copies_every_mart_and_view_as_a_table(tmp_path):
    wh = tmp_path / "w.duckdb"
    small_warehouse(wh, users=40)
    dest = tmp_path / "bi" / "published.duckdb"
    assert publish.main(["--db", str(wh), "--to", str(dest)]) == 0
    assert_published_copy(wh, dest)
    got = relations(dest)
    assert got[("marts", "dim_users")][2] == 40
    assert got[("marts", "fct_user_days")][2] == 120
    assert ("net_revenue", "DECIMAL(18,4)") in got[("marts", "fct_user_days")][1]
    assert ("tags", "BIGINT[]") in got[("marts", "dim_users")][1]
    assert got[("marts", "rpt odd name")][1] == [("Mixed Case", "INTEGER")]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["published.duckdb"]


def test_failed_publish_keeps_the_previous_file(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    small_warehouse(wh, users=40)
    dest = tmp_path / "published.duckdb"
    assert publish.main(["--db", str(wh), "--to", str(dest)]) == 0
    before = dest.read_bytes()
    # A mart view whose table has gone: the copy fails half-way.
    con = duckdb.connect(str(wh))
    con.execute("create table intermediate.gone as select 1 as x")
    con.execute("create view marts.zz_broken as select * from intermediate.gone")
    con.execute("drop table intermediate.gone")
    con.close()
    capsys.readouterr()
    assert publish.main(["--db", str(wh), "--to", str(dest)]) == 1
    err = capsys.readouterr().err
    assert "marts.zz_broken" in err and "left as it was" in err
    assert dest.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published.duckdb", "w.duckdb"]


def test_publish_without_marts_publishes_nothing(tmp_path, capsys):
    wh = tmp_path / "w.duckdb"
    duckdb.connect(str(wh)).close()
    dest = tmp_path / "published.duckdb"
    assert publish.main(["--db", str(wh), "--to", str(dest)]) == 1
    assert "has no schema marts" in capsys.readouterr().err
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


# A BI reader: opens the published file read-only, counts a mart's rows,
# waits for a line on stdin, counts again on the same connection, then
# reconnects and counts.
MART = "rpt_tracking_completeness_daily"
READER = f"""
import sys, duckdb
sql = "select count(*) from marts.{MART}"
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute(sql).fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute(sql).fetchone()[0], flush=True)
con.close()
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute(sql).fetchone()[0], flush=True)
con.close()
"""

# One mart (one row per day and platform) and the nine models it reads,
# without the data tests: enough to publish, quick to build.
SELECT = ["--select", f"+{MART}", "--resource-type", "model", "--resource-type", "seed"]


def mart_rows(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"select count(*) from marts.{MART}").fetchone()[0]
    finally:
        con.close()


def load(work: Path, *dbt_args: str) -> subprocess.CompletedProcess:
    """The scheduled load of make pipeline, without gate and alerts."""
    return run_pipeline(work, "--no-gate", "--no-alerts", "--", *SELECT, *dbt_args)


@pytest.mark.warehouse
def test_reader_and_load_do_not_break_each_other(tmp_path):
    work = tmp_path
    generate(work / "raw", 200, 10, 5, "--defects", "none", "--no-expected")
    first = load(work)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr
    published = work / "bi" / "published.duckdb"
    assert_published_copy(work / "w.duckdb", published)
    before = mart_rows(work / "w.duckdb")

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == str(before)
        # A second landing, five days longer, loaded and published while the
        # reader holds the published file open.
        shutil.rmtree(work / "raw")
        generate(work / "raw", 200, 15, 5, "--defects", "none", "--no-expected")
        second = load(work, "--full-refresh")
        assert second.returncode == 0, second.stdout[-3000:] + second.stderr
        assert "lock" not in (second.stdout + second.stderr).lower()
        out, err = reader.communicate("\n", timeout=60)
    finally:
        reader.kill()
    after = mart_rows(work / "w.duckdb")
    assert after > before
    # The open connection kept the version it opened; the next one sees the
    # new publish.
    assert (out.split(), err, reader.returncode) == ([str(before), str(after)], "", 0)
    assert_published_copy(work / "w.duckdb", published)
    assert sorted(p.name for p in published.parent.iterdir()) == ["published.duckdb"]
