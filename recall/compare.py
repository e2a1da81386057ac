"""Compare two published warehouses row for row: the same marts on two engines.

    python -m recall.compare A.duckdb B.duckdb [--schemas marts,quarantine]
        [--significant-digits 9]

A and B are published copies (recall.publish; from DuckDB, PostgreSQL or
Spark, so every column has the DuckDB build's type). Every relation of the
schemas compared must be in both, with the same columns in the same order
and the same types, and hold the same rows as multisets: EXCEPT ALL both
ways, row order ignored.

- Floating-point columns (DOUBLE, FLOAT) are compared rounded to
  `--significant-digits` significant digits (default 9, a relative tolerance
  of about 5e-9): the engines sum and divide doubles in different orders
  (PostgreSQL computes some ratios in numeric first), which moves the last
  of the 17 digits. Decimals, integers, text, dates and timestamps must be
  equal exactly.
- Columns that record when a row was written differ between any two builds
  and are not compared: ENGINE_SPECIFIC_COLUMNS (names ending in
  `loaded_at`). They are listed in the output.

Exit code 0 when identical, 1 with one line per difference (the relation,
the counts, and a sample row from each side), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

DEFAULT_SCHEMAS = ("marts", "quarantine")
DEFAULT_DIGITS = 9
# Column-name suffixes of bookkeeping columns: when a row was loaded, which
# differs between any two builds, never between engines' definitions.
ENGINE_SPECIFIC_COLUMNS = ("loaded_at",)
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def _relations(con, catalog: str, schema: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = ? and table_schema = ?",
            [catalog, schema],
        ).fetchall()
    }


def _compared(column: str, data_type: str, digits: int) -> str:
    """The select-list expression a column is compared by."""
    q = _quote(column)
    if data_type.upper() in FLOAT_TYPES:
        return (
            f"case when {q} is null or isnan({q}) or isinf({q}) or {q} = 0 then {q} "
            f"else round({q}, {digits - 1} - cast(floor(log10(abs({q}))) as integer)) "
            f"end as {q}"
        )
    return q


def compare(a: Path, b: Path, schemas=DEFAULT_SCHEMAS, digits: int = DEFAULT_DIGITS) -> list[str]:
    """Every difference between the published warehouses a and b, one line
    each; empty when they are identical."""
    con = duckdb.connect()
    con.execute(f"attach '{str(a)}' as side_a (read_only)")
    con.execute(f"attach '{str(b)}' as side_b (read_only)")
    problems = []
    try:
        for schema in schemas:
            in_a, in_b = _relations(con, "side_a", schema), _relations(con, "side_b", schema)
            if not in_a and not in_b:
                problems.append(f"{schema}: no relations on either side")
            for name in sorted(in_a - in_b):
                problems.append(f"{schema}.{name}: only in {a}")
            for name in sorted(in_b - in_a):
                problems.append(f"{schema}.{name}: only in {b}")
            for name in sorted(in_a & in_b):
                problems.extend(_compare_relation(con, schema, name, digits))
    finally:
        con.close()
    return problems


def _compare_relation(con, schema: str, name: str, digits: int) -> list[str]:
    cols_a = _columns(con, "side_a", schema, name)
    cols_b = _columns(con, "side_b", schema, name)
    relation = f"{schema}.{name}"
    if cols_a != cols_b:
        return [f"{relation}: columns differ: {cols_a} vs {cols_b}"]
    compared = [
        _compared(column, data_type, digits)
        for column, data_type in cols_a
        if not column.endswith(ENGINE_SPECIFIC_COLUMNS)
    ]
    if not compared:
        return []
    select = ", ".join(compared)
    t = f"{_quote(schema)}.{_quote(name)}"
    problems = []
    for first, second, label in (("side_a", "side_b", "a"), ("side_b", "side_a", "b")):
        only = f"select {select} from {first}.{t} except all select {select} from {second}.{t}"
        count = con.execute(f"select count(*) from ({only})").fetchone()[0]
        if count:
            sample = con.execute(f"select * from ({only}) limit 1").fetchone()
            total = con.execute(f"select count(*) from {first}.{t}").fetchone()[0]
            problems.append(f"{relation}: {count} of {total} rows only in {label}; e.g. {sample}")
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m recall.compare",
        description="Compare two published warehouses (recall.publish) row for row.",
    )
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    p.add_argument("--schemas", default=",".join(DEFAULT_SCHEMAS))
    p.add_argument("--significant-digits", type=int, default=DEFAULT_DIGITS)
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    for path in (args.a, args.b):
        if not path.exists():
            print(f"compare: {path} does not exist", file=sys.stderr)
            return 2
    problems = compare(args.a, args.b, args.schemas.split(","), args.significant_digits)
    print("not compared (engine-specific): columns ending in " + ", ".join(ENGINE_SPECIFIC_COLUMNS))
    for line in problems:
        print(line)
    print("IDENTICAL" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
