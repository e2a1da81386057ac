"""The raw contract has one definition, recall/generator/schema.py: the generator
writes it and the landing gate derives its expectations from it. The dbt sources
declare it a second time (column names and `data_type`s, which the warehouse's
on-run-start check compares with the landed tables), so they must agree with it
column for column, in order."""

from __future__ import annotations

import copy
from pathlib import Path

import jinja2
import pyarrow as pa
import pytest
import yaml

from recall.generator.schema import NOT_NULL, ROW_KEYS, SCHEMAS, column_type
from recall.quality import expectations

ROOT = Path(__file__).resolve().parents[2]


def rendered_data_type(data_type: str | None) -> str:
    """A yml `data_type` as DuckDB's target reads it: the per-engine Jinja
    choice rendered, DuckDB's alias `string` named `varchar` as schema.py does."""
    text = jinja2.Template(data_type or "").render(target={"type": "duckdb"})
    text = text.strip().lower().replace(" ", "")
    return {"string": "varchar"}.get(text, text)


def source_tables() -> dict[str, list[tuple[str, str | None]]]:
    """{table: [(column, data_type)]} of every source table declared under models/."""
    tables = {}
    for path in sorted((ROOT / "models").rglob("*.yml")):
        doc = yaml.safe_load(path.read_text()) or {}
        for source in doc.get("sources") or []:
            for table in source.get("tables") or []:
                assert table["name"] not in tables, f"{table['name']} declared twice ({path})"
                tables[table["name"]] = [
                    (c["name"], c.get("data_type")) for c in table.get("columns") or []
                ]
    return tables


def contract_mismatches(tables: dict[str, list[tuple[str, str | None]]]) -> list[str]:
    """Every disagreement between the declared source tables and schema.SCHEMAS."""
    problems = []
    for name in sorted(set(SCHEMAS) - set(tables)):
        problems.append(f"{name}: in schema.py, not declared as a source")
    for name in sorted(set(tables) - set(SCHEMAS)):
        problems.append(f"{name}: declared as a source, not in schema.py")
    for name in [t for t in SCHEMAS if t in tables]:
        want = [(f.name, column_type(f.type)) for f in SCHEMAS[name]]
        got = [(column, rendered_data_type(data_type)) for column, data_type in tables[name]]
        if [c for c, _ in got] != [c for c, _ in want]:
            problems.append(
                f"{name}: columns {[c for c, _ in got]} != schema.py {[c for c, _ in want]}"
            )
            continue
        for (column, got_type), (_, want_type) in zip(got, want, strict=True):
            if got_type != want_type:
                problems.append(
                    f"{name}.{column}: data_type {got_type!r} != schema.py {want_type!r}"
                )
    return problems


def test_source_columns_and_data_types_agree_with_schema():
    assert contract_mismatches(source_tables()) == []


def _retyped(tables):
    tables["orders"][4] = ("gross_amount", "decimal(18,4)")
    return tables


def _renamed(tables):
    tables["users"][2] = ("channel", "varchar")
    return tables


def _dropped(tables):
    del tables["message_events"][-1]
    return tables


def _reordered(tables):
    cols = tables["campaigns"]
    cols[0], cols[1] = cols[1], cols[0]
    return tables


def _untyped(tables):
    tables["events"][0] = ("event_id", None)
    return tables


def _missing_table(tables):
    del tables["campaign_assignments"]
    return tables


@pytest.mark.parametrize(
    "damage, expected",
    [
        (_retyped, "orders.gross_amount: data_type 'decimal(18,4)' != schema.py 'decimal(18,2)'"),
        (_renamed, "users: columns"),
        (_dropped, "message_events: columns"),
        (_reordered, "campaigns: columns"),
        (_untyped, "events.event_id: data_type '' != schema.py 'varchar'"),
        (_missing_table, "campaign_assignments: in schema.py, not declared as a source"),
    ],
)
def test_a_source_that_disagrees_is_reported(damage, expected):
    tables = damage(copy.deepcopy(source_tables()))
    problems = contract_mismatches(tables)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_gate_expectations_follow_the_schema():
    # the gate's contract is derived: same tables, columns and order, nullability
    # from NOT_NULL, keys from ROW_KEYS
    assert list(expectations.CONTRACT) == list(SCHEMAS)
    for table, arrow_schema in SCHEMAS.items():
        assert [c for c, _, _ in expectations.CONTRACT[table]] == arrow_schema.names
        assert {c for c, _, nullable in expectations.CONTRACT[table] if not nullable} == set(
            NOT_NULL[table]
        )
        assert expectations.KEYS[table] == list(ROW_KEYS[table])
        assert set(ROW_KEYS[table]) <= set(NOT_NULL[table]) <= set(arrow_schema.names)
    # worked by hand: orders.gross_amount is decimal(18,2), not null; coupon_id nullable
    orders = {c: (types, nullable) for c, types, nullable in expectations.CONTRACT["orders"]}
    assert orders["gross_amount"] == (["Decimal"], False)
    assert orders["coupon_id"] == (["str", "string"], True)
    assert expectations.CONTRACT["campaigns"][-1] == (
        "attribution_window_days",
        expectations.INTEGER,
        False,
    )


def test_an_unknown_contract_type_is_refused():
    with pytest.raises(ValueError, match="no pandas dtype"):
        expectations.pandas_types(pa.float64())
