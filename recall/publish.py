"""Publish the marts to a DuckDB file of their own, for BI readers.

    python -m recall.publish [--db $RECALL_DB_PATH] [--to $RECALL_PUBLISH_PATH]
    python -m recall.publish --target postgres|spark [--to $RECALL_PUBLISH_PATH]

DuckDB allows one writer per file and, while it writes, no reader in another
process: a BI tool holding the warehouse open would make the next load fail
on its lock, and a load would make BI queries fail. So BI reads a copy.

What is copied: every table and view of the schemas in PUBLISHED_SCHEMAS, each
written as a table (some marts are views over intermediate tables, which the
copy does not hold), with the warehouse's column names and types:
- `marts`: the published tables of spec/marts.md (required);
- `quarantine`: the rows set aside by triage, with their reason, so that a
  data-quality number in a mart can be drilled down to the rows behind it
  beside the marts (copied when the warehouse has it).

How: one DuckDB connection opens the warehouse read-only and attaches a new
file named `<published name>.tmp-<pid>` in the published file's folder; each
relation is copied with `create table ... as select`, which DuckDB streams and
parallelises, so a mart of tens of millions of rows is never held in memory
whole (RECALL_MEMORY_LIMIT bounds the buffer, as for dbt). The new file is
closed (checkpointed), flushed to disk and renamed over the published file
with os.replace(), which is atomic: a reader opening the published file sees
the previous version or the new one, never a half-written one, and a reader
that has it open keeps reading the version it opened until it reconnects.
On any failure the temporary file is removed and the published file is left
as it was.

From PostgreSQL or Spark (--target, the dbt target the warehouse was built
on, connected by the profile's environment variables as recall.load_raw
does) the same schemas are copied into the same kind of DuckDB file, every
column in the DuckDB type the DuckDB build gives it (text -> VARCHAR, double
precision -> DOUBLE, numeric(p,s) -> DECIMAL(p,s), ...): one published file
whatever the engine, which is also how the tests compare engines row for
row. PostgreSQL streams each relation out with COPY ... TO STDOUT (CSV) into
a temporary file that DuckDB reads with the column types given; Spark hands
each relation over as Arrow batches.

Exit code: 0 published; 1 nothing published (warehouse missing or locked,
no `marts` schema, a copy failed); 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import duckdb

DB_ENV = "RECALL_DB_PATH"
PUBLISH_ENV = "RECALL_PUBLISH_PATH"
DEFAULT_DB = "target/recall.duckdb"
DEFAULT_PUBLISH = "target/recall_published.duckdb"
# (schema, required): copied in this order.
PUBLISHED_SCHEMAS = (("marts", True), ("quarantine", False))

# DuckDB's text when another process holds the file: 'IO Error: Could not set
# lock on file "<file>": Conflicting lock is held in <program> (PID <n>) ...'
LOCK_RE = re.compile(
    r'Could not set lock on file "(?P<file>[^"]+)": '
    r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)"
)


class PublishError(Exception):
    """Nothing was published; the message says why."""


def lock_line(text: str, who: str, outcome: str = "nothing was loaded") -> str | None:
    """The one line that says a DuckDB file is locked, or None when text holds
    no lock error."""
    m = LOCK_RE.search(text)
    if m is None:
        return None
    return (
        f"{who}: the warehouse {m['file']} is in use by PID {m['pid']} "
        f"({m['program']}); {outcome}. Retry when that process has finished."
    )


def lock_holder(db: Path, who: str) -> str | None:
    """Open the warehouse file read-write and close it again: None when that
    works (or the file does not exist yet), else the one line naming the file
    and the process that holds it."""
    db = Path(db).resolve()
    if not db.exists():
        return None
    try:
        duckdb.connect(str(db)).close()
    except duckdb.Error as e:
        line = lock_line(str(e), who)
        if line is None:
            raise
        return line
    return None


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _remove_stale_temps(dest: Path) -> None:
    """Temporary files left by a publish that was killed (its PID is gone)."""
    for p in dest.parent.glob(dest.name + ".tmp-*"):
        pid = p.name[len(dest.name) + 5 :].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            p.unlink(missing_ok=True)
        except PermissionError:
            pass


def publish(db: Path | None, dest: Path, target: str = "duckdb") -> tuple[int, int]:
    """Copy the published schemas of the warehouse (the DuckDB file `db`, or
    the `target` engine's) into `dest`, replacing it atomically. Returns
    (tables, rows). Raises PublishError."""
    dest = Path(dest).resolve()
    if target == "duckdb":
        db = Path(db).resolve()
        if not db.exists():
            raise PublishError(f"the warehouse {db} does not exist; build it first")
        if db == dest:
            raise PublishError(f"the published file and the warehouse are the same file ({db})")
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(dest)
    tmp = dest.with_name(f"{dest.name}.tmp-{os.getpid()}")
    _remove(tmp)
    try:
        if target == "duckdb":
            tables, rows = _copy(db, tmp)
        else:
            tables, rows = _copy_from_engine(target, tmp)
        # Flush the new file before it takes the published name, and the
        # folder after, so a crash leaves the old file or the whole new one.
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, dest)
        dirfd = os.open(dest.parent, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)
    except BaseException:
        _remove(tmp)
        raise
    return tables, rows


def _copy(db: Path, tmp: Path) -> tuple[int, int]:
    try:
        con = duckdb.connect(
            str(db),
            read_only=True,
            config={"memory_limit": os.environ.get("RECALL_MEMORY_LIMIT", "4.5GB")},
        )
    except duckdb.Error as e:
        locked = lock_line(str(e), "publish", "nothing was published")
        raise PublishError(locked or f"cannot open {db}: {e}") from e
    try:
        # Row order is no part of a table: not keeping it lets DuckDB copy big
        # marts in parallel with less memory.
        con.execute("set preserve_insertion_order = false")
        present = {
            r[0]
            for r in con.execute(
                "select schema_name from duckdb_schemas() where database_name = current_database()"
            ).fetchall()
        }
        con.execute(f"attach {_quote_literal(str(tmp))} as published (read_only false)")
        tables = rows = 0
        for schema, required in PUBLISHED_SCHEMAS:
            if schema not in present:
                if required:
                    raise PublishError(f"the warehouse {db} has no schema {schema}")
                continue
            relations = [
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = current_database() and table_schema = ? "
                    "order by table_name",
                    [schema],
                ).fetchall()
            ]
            if required and not relations:
                raise PublishError(f"the warehouse {db} has nothing in schema {schema}")
            s = _quote_ident(schema)
            con.execute(f"create schema published.{s}")
            for name in relations:
                t = _quote_ident(name)
                try:
                    con.execute(f"create table published.{s}.{t} as select * from {s}.{t}")
                except duckdb.Error as e:
                    raise PublishError(f"copying {schema}.{name} failed: {e}") from e
                rows += con.execute(f"select count(*) from published.{s}.{t}").fetchone()[0]
                tables += 1
        con.execute("detach published")
    finally:
        con.close()
    return tables, rows


def duckdb_type(engine_type: str) -> str:
    """The DuckDB type of a column of this PostgreSQL or Spark type: the type
    the DuckDB build of the same model has."""
    t = engine_type.strip().lower()
    decimal = re.fullmatch(r"(?:numeric|decimal)\((\d+),\s*(\d+)\)", t)
    if decimal:
        return f"DECIMAL({decimal[1]},{decimal[2]})"
    known = {
        "text": "VARCHAR",
        "string": "VARCHAR",
        "character varying": "VARCHAR",
        "double precision": "DOUBLE",
        "double": "DOUBLE",
        "real": "FLOAT",
        "float": "FLOAT",
        "bigint": "BIGINT",
        "integer": "INTEGER",
        "int": "INTEGER",
        "smallint": "SMALLINT",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "timestamp without time zone": "TIMESTAMP",
        "timestamp": "TIMESTAMP",
        "timestamp_ntz": "TIMESTAMP",
    }
    if t not in known:
        raise PublishError(f"no DuckDB type for the engine's column type {engine_type!r}")
    return known[t]


def _postgres_relations(cur, schema: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(relation, [(column, DuckDB type)])] of a PostgreSQL schema."""
    cur.execute(
        "select table_name, column_name, data_type, numeric_precision, numeric_scale "
        "from information_schema.columns where table_schema = %s "
        "order by table_name, ordinal_position",
        (schema,),
    )
    relations: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type, precision, scale in cur.fetchall():
        if data_type == "numeric":
            if precision is None:
                raise PublishError(
                    f"{schema}.{table}.{column} is an unsized numeric; the marts' "
                    "contracts give every decimal its precision and scale"
                )
            data_type = f"numeric({precision},{scale})"
        relations.setdefault(table, []).append((column, duckdb_type(data_type)))
    return sorted(relations.items())


def _copy_from_engine(target: str, tmp: Path) -> tuple[int, int]:
    """Copy the published schemas from PostgreSQL or Spark into the new
    DuckDB file `tmp`."""
    con = duckdb.connect(str(tmp))
    tables = rows = 0
    try:
        con.execute("set TimeZone = 'UTC'")
        if target == "postgres":
            from recall.load_raw import pg_connect

            source = pg_connect()
            try:
                with source, source.cursor() as cur:
                    for schema, required in PUBLISHED_SCHEMAS:
                        relations = _postgres_relations(cur, schema)
                        t, r = _write_schema(con, schema, required, relations, target, cur)
                        tables, rows = tables + t, rows + r
            finally:
                source.close()
        else:
            from recall.load_raw import spark_session

            spark = spark_session()
            try:
                for schema, required in PUBLISHED_SCHEMAS:
                    relations = _spark_relations(spark, schema)
                    t, r = _write_schema(con, schema, required, relations, target, spark)
                    tables, rows = tables + t, rows + r
            finally:
                spark.stop()
        con.execute("checkpoint")
    finally:
        con.close()
    return tables, rows


def _spark_relations(spark, schema: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(relation, [(column, DuckDB type)])] of a Spark database."""
    if not spark.catalog.databaseExists(schema):
        return []
    relations = []
    for table in sorted(t.name for t in spark.catalog.listTables(schema)):
        fields = spark.table(f"`{schema}`.`{table}`").schema.fields
        relations.append(
            (table, [(f.name, duckdb_type(f.dataType.simpleString())) for f in fields])
        )
    return relations


def _write_schema(con, schema, required, relations, target, source) -> tuple[int, int]:
    """Create `schema` in the DuckDB file and copy each relation into it."""
    if not relations:
        if required:
            raise PublishError(f"the {target} warehouse has nothing in schema {schema}")
        return 0, 0
    s = _quote_ident(schema)
    con.execute(f"create schema {s}")
    rows = 0
    for name, columns in relations:
        t = _quote_ident(name)
        typed = ", ".join(f"{_quote_ident(c)} {ty}" for c, ty in columns)
        con.execute(f"create table {s}.{t} ({typed})")
        try:
            if target == "postgres":
                _copy_postgres_relation(con, source, schema, name, columns)
            else:
                _copy_spark_relation(con, source, schema, name, columns)
        except PublishError:
            raise
        except Exception as e:
            raise PublishError(f"copying {schema}.{name} from {target} failed: {e}") from e
        rows += con.execute(f"select count(*) from {s}.{t}").fetchone()[0]
    return len(relations), rows


def _copy_postgres_relation(con, cur, schema, name, columns) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "relation.csv"
        with csv_path.open("w") as out:
            cur.copy_expert(
                f"copy (select * from {_quote_ident(schema)}.{_quote_ident(name)}) "
                "to stdout (format csv)",
                out,
            )
        types = ", ".join(f"{_quote_literal(c)}: {_quote_literal(ty)}" for c, ty in columns)
        # A quoted empty field is an empty string, an unquoted one a null:
        # how COPY writes them.
        con.execute(
            f"insert into {_quote_ident(schema)}.{_quote_ident(name)} "
            f"select * from read_csv({_quote_literal(str(csv_path))}, header = false, "
            f"columns = {{{types}}}, allow_quoted_nulls = false, auto_detect = false)"
        )


def _copy_spark_relation(con, spark, schema, name, columns) -> None:
    frame = spark.table(f"`{schema}`.`{name}`")
    batch = frame.toArrow()  # noqa: F841 (read by DuckDB by name)
    selected = ", ".join(f"cast({_quote_ident(c)} as {ty})" for c, ty in columns)
    con.execute(
        f"insert into {_quote_ident(schema)}.{_quote_ident(name)} select {selected} from batch"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m recall.publish",
        description="Copy the marts to the DuckDB file BI tools read, atomically.",
    )
    p.add_argument(
        "--db",
        default=os.environ.get(DB_ENV) or DEFAULT_DB,
        help=f"the warehouse (default ${DB_ENV} or {DEFAULT_DB})",
    )
    p.add_argument(
        "--target",
        choices=("duckdb", "postgres", "spark"),
        default="duckdb",
        help="the engine the warehouse was built on (dbt target; default duckdb)",
    )
    p.add_argument(
        "--to",
        default=os.environ.get(PUBLISH_ENV) or DEFAULT_PUBLISH,
        help=f"the published file (default ${PUBLISH_ENV} or {DEFAULT_PUBLISH})",
    )
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    started = time.monotonic()
    try:
        tables, rows = publish(Path(a.db), Path(a.to), a.target)
    except (PublishError, duckdb.Error, OSError) as e:
        print(f"publish: {e}; {a.to} was left as it was", file=sys.stderr)
        return 1
    print(f"publish: {tables} tables, {rows} rows in {time.monotonic() - started:.1f} s -> {a.to}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
