"""Land a raw Parquet folder into the raw schema of PostgreSQL or Spark.

    python -m recall.load_raw --target postgres [--raw-dir $RECALL_RAW_DIR]
    python -m recall.load_raw --target spark    [--raw-dir $RECALL_RAW_DIR]
        [--schema raw] [--tables users,orders,...]

On DuckDB the warehouse reads the Parquet landing folder itself
(spec/raw-contract.md). On the other engines it reads tables with the raw
contract's names and columns in schema `raw_schema` (default `raw`); this
command makes them from a landing folder, for the demo and the tests. Real
users point `raw_schema` at the tables their own loaders fill.

Each table's rows are replaced whole in one transaction (PostgreSQL: the
table is emptied and loaded, since the staging views depend on it; Spark:
overwritten), so a run is idempotent and
the tables always hold exactly the files under the folder: a new day, a
redelivered file or a changed users export are all picked up by loading the
folder again. The columns are the contract's (recall/generator/schema.py), in
its order and with its types; a file without a contract column contributes
nulls there, as on DuckDB (the warehouse's own checks then see them), and a
column outside the contract is not landed.

- PostgreSQL: DuckDB reads the Parquet files (every file of a table, by
  column name) and writes CSV to a temporary file that COPY FROM STDIN
  streams into the table, in one transaction per table. Connection settings
  are the profile's environment variables (RECALL_PG_HOST, RECALL_PG_PORT,
  RECALL_PG_USER, RECALL_PG_PASSWORD, RECALL_PG_DATABASE).
- Spark: a local session with the profile's settings (RECALL_SPARK_DIR holds
  the Hive metastore and the warehouse folder; dbt must use the same) reads
  the Parquet files and saves each table as a managed Parquet table
  (`saveAsTable`).

Exit code: 0 landed; 1 a table could not be landed (the message names it);
2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import duckdb

from recall.generator.schema import SCHEMAS, column_type

TARGETS = ("postgres", "spark")
DEFAULT_SCHEMA = "raw"


class LoadError(Exception):
    """A raw table could not be landed; the message says which and why."""


def table_files(raw_dir: Path, table: str) -> str:
    """The glob of a table's Parquet files under the landing root (events:
    one folder per landing date)."""
    pattern = "*/*.parquet" if table == "events" else "*.parquet"
    return str(raw_dir / table / pattern)


def contract_select(table: str, found: set[str], target: str) -> str:
    """The contract columns of `table` as a select list over a DuckDB read of
    its files: a column no file has is null, every column cast to its type."""
    items = []
    for field in SCHEMAS[table]:
        duck_type = column_type(field.type, "duckdb")
        value = f'"{field.name}"' if field.name in found else "null"
        items.append(f'cast({value} as {duck_type}) as "{field.name}"')
    return ", ".join(items)


def read_sql(raw_dir: Path, table: str, con: duckdb.DuckDBPyConnection) -> str:
    """A DuckDB query returning a table's landed rows in contract columns."""
    files = table_files(raw_dir, table)
    if not con.execute("select count(*) from glob(?)", [files]).fetchone()[0]:
        raise LoadError(f"raw table {table!r}: no file matches {files}")
    source = f"read_parquet('{files.replace(chr(39), chr(39) * 2)}', union_by_name = true)"
    found = {
        name.lower()
        for (name, *_rest) in con.execute(f"describe select * from {source}").fetchall()
    }
    return f"select {contract_select(table, found, 'duckdb')} from {source}"


def pg_connect(database: str | None = None):
    """A connection to the profile's PostgreSQL (its environment variables),
    to `database` when given."""
    import psycopg2  # installed with dbt-postgres

    return psycopg2.connect(
        host=os.environ.get("RECALL_PG_HOST", "localhost"),
        port=int(os.environ.get("RECALL_PG_PORT", "5432")),
        user=os.environ.get("RECALL_PG_USER", "recall"),
        password=os.environ.get("RECALL_PG_PASSWORD", "recall"),
        dbname=database or os.environ.get("RECALL_PG_DATABASE", "recall"),
    )


def load_postgres(raw_dir: Path, schema: str, tables: list[str]) -> dict[str, int]:
    """Replace each raw table in PostgreSQL; {table: rows landed}."""
    landed = {}
    con = duckdb.connect()
    pg = pg_connect()
    try:
        with pg, pg.cursor() as cur:
            cur.execute(f'create schema if not exists "{schema}"')
        for table in tables:
            query = read_sql(raw_dir, table, con)
            columns = ", ".join(
                f'"{f.name}" {column_type(f.type, "postgres")}' for f in SCHEMAS[table]
            )
            names = ", ".join(f'"{f.name}"' for f in SCHEMAS[table])
            with tempfile.TemporaryDirectory() as tmp:
                csv_path = Path(tmp) / f"{table}.csv"
                con.execute(
                    f"copy ({query}) to '{csv_path}' (format csv, header false, "
                    "timestampformat '%Y-%m-%d %H:%M:%S.%f')"
                )
                with pg, pg.cursor() as cur, csv_path.open() as rows:
                    # Emptied, not dropped: the staging views read it.
                    cur.execute(f'create table if not exists "{schema}"."{table}" ({columns})')
                    cur.execute(f'truncate "{schema}"."{table}"')
                    cur.copy_expert(
                        f'copy "{schema}"."{table}" ({names}) from stdin (format csv)', rows
                    )
                    cur.execute(f'select count(*) from "{schema}"."{table}"')
                    landed[table] = cur.fetchone()[0]
    finally:
        pg.close()
        con.close()
    return landed


def spark_session():
    """A local Spark session configured as the profile's `spark` target."""
    from pyspark.sql import SparkSession

    spark_dir = os.environ.get("RECALL_SPARK_DIR", "target/spark")
    builder = (
        SparkSession.builder.enableHiveSupport()
        .config("spark.master", os.environ.get("RECALL_SPARK_MASTER", "local[2]"))
        .config("spark.driver.memory", os.environ.get("RECALL_SPARK_MEMORY", "4g"))
        .config("spark.sql.warehouse.dir", f"{spark_dir}/warehouse")
        .config(
            "javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true",
        )
        .config("spark.sql.session.timeZone", "UTC")
        .config(
            "spark.sql.shuffle.partitions",
            os.environ.get("RECALL_SPARK_SHUFFLE_PARTITIONS", "4"),
        )
        .config("spark.ui.enabled", "false")
        .config(
            "spark.driver.extraJavaOptions",
            f"-Dderby.stream.error.file={spark_dir}/derby.log",
        )
    )
    return builder.getOrCreate()


def load_spark(raw_dir: Path, schema: str, tables: list[str]) -> dict[str, int]:
    """Replace each raw table in Spark's metastore; {table: rows landed}."""
    from pyspark.sql import functions as F

    landed = {}
    spark = spark_session()
    try:
        spark.sql(f"create database if not exists `{schema}`")
        for table in tables:
            files = table_files(raw_dir, table)
            if not list(raw_dir.glob(f"{table}/{'*/' if table == 'events' else ''}*.parquet")):
                raise LoadError(f"raw table {table!r}: no file matches {files}")
            frame = spark.read.option("mergeSchema", "true").parquet(str(raw_dir / table))
            found = {name.lower() for name in frame.columns}
            columns = [
                (F.col(f.name) if f.name in found else F.lit(None))
                .cast(column_type(f.type, "spark"))
                .alias(f.name)
                for f in SCHEMAS[table]
            ]
            frame = frame.select(*columns)
            writer = frame.write.mode("overwrite").format("parquet")
            spark.sql(f"drop table if exists `{schema}`.`{table}`")
            writer.saveAsTable(f"`{schema}`.`{table}`")
            landed[table] = spark.table(f"`{schema}`.`{table}`").count()
    finally:
        spark.stop()
    return landed


def land(target: str, raw_dir: Path, schema: str, tables: list[str]) -> dict[str, int]:
    if target == "postgres":
        return load_postgres(raw_dir, schema, tables)
    return load_spark(raw_dir, schema, tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Land a raw Parquet folder into PostgreSQL or Spark."
    )
    parser.add_argument("--target", required=True, choices=TARGETS)
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=Path(os.environ.get("RECALL_RAW_DIR", "data/raw")),
        help="landing root (default $RECALL_RAW_DIR or data/raw)",
    )
    parser.add_argument("--schema", default=DEFAULT_SCHEMA, help="raw schema (dbt var raw_schema)")
    parser.add_argument("--tables", help="comma-separated tables (default: all eight)")
    args = parser.parse_args(argv)
    tables = args.tables.split(",") if args.tables else list(SCHEMAS)
    unknown = sorted(set(tables) - set(SCHEMAS))
    if unknown:
        parser.error(f"unknown raw tables: {', '.join(unknown)} (known: {', '.join(SCHEMAS)})")
    if not args.schema.isidentifier():
        parser.error(f"--schema must be a plain name, got {args.schema!r}")
    try:
        landed = land(args.target, args.raw_dir.resolve(), args.schema, tables)
    except LoadError as error:
        print(f"load_raw: {error}", file=sys.stderr)
        return 1
    for table, rows in landed.items():
        print(f"{args.target}.{args.schema}.{table}: {rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
