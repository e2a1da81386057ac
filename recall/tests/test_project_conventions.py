"""House-style conventions checked against the manifest of the demo build:
layout and names, descriptions of every model and of every column the
warehouse actually built, contracts on the marts, published schemas; the
data-quality checks of the report, their dbt tests and their registry
agree."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from recall.tests.conftest import query

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

LAYOUT = [
    # (path prefix, name pattern, schema)
    (r"staging/(\w+)/", r"stg_{0}__\w+s$", "staging"),
    (r"intermediate/(\w+)/", r"int_\w+_\w+$", "intermediate"),
    (r"marts/(\w+)/", r"(fct|dim|rpt)_\w+$", "marts"),
    (r"quarantine/", r"quarantine_\w+$", "quarantine"),
]
AREAS = {
    "tracking",
    "crm",
    "shop",
    "lifecycle",
    "retention",
    "segments",
    "campaigns",
    "quality",
    "core",
    "decisions",
}


@pytest.fixture(scope="module")
def manifest(built, workdir):
    return json.loads((workdir / "full" / "target" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def models(manifest):
    found = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "recall"
    ]
    assert len(found) >= 20
    return found


def test_models_follow_the_layout(models):
    for node in models:
        path = node["original_file_path"].removeprefix("models/")
        for prefix, pattern, schema in LAYOUT:
            match = re.match(prefix, path)
            if match:
                assert re.match(pattern.format(*match.groups()), node["name"]), (path, node["name"])
                assert node["schema"] == schema, (node["name"], node["schema"])
                if match.groups() and not path.startswith("staging"):
                    assert match.group(1) in AREAS, path
                break
        else:
            pytest.fail(f"model outside the layout: {path}")


def test_every_model_describes_its_grain_first(models):
    for node in models:
        assert node["description"].strip().startswith("One row per"), node["name"]


def test_every_built_column_is_described(models, built):
    for node in models:
        relation = node["alias"] or node["name"]
        columns = query(
            built,
            f"""
            select column_name from information_schema.columns
            where table_schema = '{node["schema"]}'
              and table_name = '{relation}'""",
        )
        assert columns, node["name"]
        documented = {
            name: col.get("description", "").strip() for name, col in node["columns"].items()
        }
        for (column,) in columns:
            assert documented.get(column), f"{node['name']}.{column}"


def test_marts_are_contracted(models):
    marts = [n for n in models if n["schema"] == "marts"]
    assert {"fct_user_days", "dim_users"} <= {n["name"] for n in marts}
    for node in marts:
        assert node["config"]["contract"]["enforced"], node["name"]
        for name, column in node["columns"].items():
            assert column.get("data_type"), f"{node['name']}.{name}"


def test_every_mart_has_a_grain_test(manifest, models):
    tested = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        meta = node.get("test_metadata") or {}
        if meta.get("name") in ("unique", "recall_unique_combination"):
            for parent in node["depends_on"]["nodes"]:
                tested[parent] = True
    for node in models:
        if node["schema"] == "marts":
            assert tested.get(node["unique_id"]), node["name"]


def test_unit_tests_cover_dedup_stitching_and_user_days(manifest):
    names = {n["name"] for n in manifest["unit_tests"].values()}
    for model in ("int_event_rows_triaged", "int_device_users", "int_user_days_aggregated"):
        assert any(name.startswith(f"test_{model}__") for name in names), model


# ---- data-quality checks: registry, report and tests agree

QUALITY_REPORT = "model.recall.rpt_data_quality_checks_daily"


def quality_test_problems(registry: list[str], nodes: dict) -> list[str]:
    """Where the dq_<check> tests of rpt_data_quality_checks_daily and the
    registry (recall_quality_checks) disagree: a registered check without
    exactly one test named dq_<check>, a test of a check not registered."""
    tests: dict[str, list[str]] = {}
    for node in nodes.values():
        meta = node.get("test_metadata") or {}
        if (
            node.get("resource_type") == "test"
            and meta.get("name") == "recall_quality_check_is_ok"
            and node.get("attached_node") == QUALITY_REPORT
        ):
            check = (meta.get("kwargs") or {}).get("check_name")
            tests.setdefault(check, []).append(node["name"])
    problems = [
        f"{check}: tests {tests.get(check, [])}, expected ['dq_{check}']"
        for check in registry
        if tests.get(check) != [f"dq_{check}"]
    ]
    problems += [
        f"{check}: tests {names} of a check not in the registry"
        for check, names in tests.items()
        if check not in registry
    ]
    return sorted(problems)


# Checks whose report has a row only when their fault is present, like the
# per-reason quarantine counts: an unknown time zone is a default-off defect
# class of the generator (unknown_timezones).
FAULT_ONLY_CHECKS = {"unknown_time_zone_users"}


@pytest.fixture(scope="module")
def registry(built):
    return [
        name
        for (name,) in query(
            built,
            """
        select check_name from intermediate.int_quality_checks_configured
        order by check_name""",
        )
    ]


def test_every_registered_check_has_one_test_and_rows(manifest, built, registry):
    assert len(registry) >= 20 and "late_events" in registry
    assert quality_test_problems(registry, manifest["nodes"]) == []
    # The demo world has rows of every registered check and of no other,
    # except the checks that have a row only when their fault is present
    # (none of which the demo world plants).
    reported = {
        name
        for (name,) in query(
            built,
            """
        select distinct check_name
        from marts.rpt_data_quality_checks_daily""",
        )
    }
    assert reported == set(registry) - FAULT_ONLY_CHECKS


def test_a_missing_extra_or_doubled_check_test_is_found(manifest, registry):
    nodes = dict(manifest["nodes"])
    [late] = [uid for uid, node in nodes.items() if node["name"] == "dq_late_events"]
    # A registered check without a test entry.
    assert quality_test_problems([*registry, "new_check"], nodes) == [
        "new_check: tests [], expected ['dq_new_check']"
    ]
    # A test entry left behind by a check taken out of the registry.
    assert quality_test_problems([name for name in registry if name != "late_events"], nodes) == [
        "late_events: tests ['dq_late_events'] of a check not in the registry"
    ]
    # An entry removed, an entry doubled, an entry misnamed.
    without = {uid: node for uid, node in nodes.items() if uid != late}
    assert quality_test_problems(registry, without) == [
        "late_events: tests [], expected ['dq_late_events']"
    ]
    doubled = {**nodes, late + "_copy": nodes[late]}
    assert quality_test_problems(registry, doubled) == [
        "late_events: tests ['dq_late_events', 'dq_late_events'], expected ['dq_late_events']"
    ]
    misnamed = {**nodes, late: {**nodes[late], "name": "dq_late"}}
    assert quality_test_problems(registry, misnamed) == [
        "late_events: tests ['dq_late'], expected ['dq_late_events']"
    ]


def test_a_check_missing_from_the_registry_fails_its_test(manifest):
    """The report left-joins the registry, so a check counted there but not
    registered keeps its rows (without thresholds) and the test
    quality_check_names_are_registered returns them: its compiled SQL run on
    a report with one unregistered check and the registry without it."""
    nodes = manifest["nodes"]
    [test] = [
        node for node in nodes.values() if node["name"] == "quality_check_names_are_registered"
    ]
    sql = test["compiled_code"]
    con = duckdb.connect()
    try:
        con.execute("""create table report as select * from (values
            ('late_events'), ('late_events'), ('retired_check'))
            as report(check_name)""")
        con.execute("""create table checks as select * from (values
            ('late_events'), ('failed_sends')) as checks(check_name)""")
        for uid, table in [
            (QUALITY_REPORT, "report"),
            ("model.recall.int_quality_checks_configured", "checks"),
        ]:
            relation = nodes[uid]["relation_name"]
            assert relation in sql, (relation, sql)
            sql = sql.replace(relation, table)
        failing = con.execute(sql).fetchall()
    finally:
        con.close()
    assert [row[0] for row in failing] == ["retired_check"]
