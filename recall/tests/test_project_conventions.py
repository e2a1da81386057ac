"""House-style conventions checked against the manifest of the demo build:
layout and names, descriptions of every model and of every column the
warehouse actually built, contracts on the marts, published schemas."""
from __future__ import annotations

import json
import re

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
AREAS = {"tracking", "lifecycle", "retention", "segments", "campaigns",
         "quality", "core"}


@pytest.fixture(scope="module")
def manifest(built, workdir):
    return json.loads((workdir / "full" / "target" / "manifest.json")
                      .read_text())


@pytest.fixture(scope="module")
def models(manifest):
    found = [n for n in manifest["nodes"].values()
             if n["resource_type"] == "model" and n["package_name"] == "recall"]
    assert len(found) >= 20
    return found


def test_models_follow_the_layout(models):
    for node in models:
        path = node["original_file_path"].removeprefix("models/")
        for prefix, pattern, schema in LAYOUT:
            match = re.match(prefix, path)
            if match:
                assert re.match(pattern.format(*match.groups()), node["name"]), \
                    (path, node["name"])
                assert node["schema"] == schema, (node["name"], node["schema"])
                if match.groups() and not path.startswith("staging"):
                    assert match.group(1) in AREAS, path
                break
        else:
            pytest.fail(f"model outside the layout: {path}")


def test_every_model_describes_its_grain_first(models):
    for node in models:
        assert node["description"].strip().startswith("One row per"), \
            node["name"]


def test_every_built_column_is_described(models, built):
    for node in models:
        relation = node["alias"] or node["name"]
        columns = query(built, f"""
            select column_name from information_schema.columns
            where table_schema = '{node['schema']}'
              and table_name = '{relation}'""")
        assert columns, node["name"]
        documented = {name: col.get("description", "").strip()
                      for name, col in node["columns"].items()}
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
    for model in ("int_event_rows_triaged", "int_device_users",
                  "fct_user_days"):
        assert any(name.startswith(f"test_{model}__") for name in names), model
