"""The yml layout of dbt's structure guide, checked on the files (no build):
one `_<prefix>__models.yml` and one `_<prefix>__unit_tests.yml` per model
folder, sources in `_<source>__sources.yml`, docs blocks in
`_<name>__docs.md`, macro properties in `_<folder>__macros.yml`, exposures
(one file per consumer, any name) alone in models/exposures/; each model
is described in its own folder's models file; unit-test names fit
PostgreSQL's 63-character identifiers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
# PostgreSQL truncates longer identifiers, and dbt names the relation of a
# unit test after the test, so dbt-postgres refuses such a test.
MAX_IDENTIFIER = 63


def folder_prefix(folder: Path, models_root: Path = MODELS) -> str:
    """stg_<source>, int_<area>, <area> for marts, the folder's name else."""
    parts = folder.relative_to(models_root).parts
    if parts[0] == "staging":
        return f"stg_{parts[1]}"
    if parts[0] == "intermediate":
        return f"int_{parts[1]}"
    if parts[0] == "marts":
        return parts[1]
    return parts[0]


def expected_names(folder: Path, models_root: Path) -> set[str]:
    prefix = folder_prefix(folder, models_root)
    names = {f"_{prefix}__models.yml", f"_{prefix}__unit_tests.yml"}
    if folder.parent.name == "staging":
        names.add(f"_{folder.name}__sources.yml")
    return names


def layout_problems(models_root: Path) -> list[str]:
    """Every departure from the layout under models_root, one line each."""
    problems = []
    for path in sorted(models_root.rglob("*.yml")):
        folder = path.parent
        if folder == models_root / "exposures":
            keys = set(yaml.safe_load(path.read_text())) - {"version"}
            if keys != {"exposures"}:
                problems.append(f"{path.relative_to(models_root)}: holds {sorted(keys)}")
            continue
        key = {"models": "models", "unit_tests": "unit_tests", "sources": "sources"}
        if path.name not in expected_names(folder, models_root):
            problems.append(f"{path.relative_to(models_root)}: not a name of the layout")
            continue
        kind = path.name.rsplit("__", 1)[1].removesuffix(".yml")
        keys = set(yaml.safe_load(path.read_text())) - {"version"}
        if keys != {key[kind]}:
            problems.append(f"{path.relative_to(models_root)}: holds {sorted(keys)}")
    for path in sorted(models_root.rglob("*.md")):
        if not re.fullmatch(r"_\w+__docs\.md", path.name):
            problems.append(f"{path.relative_to(models_root)}: docs file not _<name>__docs.md")
    for folder in sorted({p.parent for p in models_root.rglob("*.sql")}):
        sql = {p.stem for p in folder.glob("*.sql")}
        props = folder / f"_{folder_prefix(folder, models_root)}__models.yml"
        described = set()
        if props.exists():
            described = {m["name"] for m in yaml.safe_load(props.read_text())["models"]}
        for name in sorted(sql - described):
            problems.append(f"{name}: not described in {props.relative_to(models_root)}")
        for name in sorted(described - sql):
            problems.append(f"{name}: described in {props.name} but not in that folder")
    model_folders = {p.stem: p.parent for p in models_root.rglob("*.sql")}
    for path in sorted(models_root.rglob("*__unit_tests.yml")):
        for test in yaml.safe_load(path.read_text()).get("unit_tests") or []:
            if model_folders.get(test["model"]) != path.parent:
                problems.append(f"{test['name']}: unit test of {test['model']} outside its folder")
            if len(test["name"]) > MAX_IDENTIFIER:
                problems.append(
                    f"{test['name']}: {len(test['name'])} characters, more than {MAX_IDENTIFIER}"
                )
    return problems


def test_models_yml_follows_the_layout():
    assert layout_problems(MODELS) == []


def test_macro_properties_sit_in_their_folder_file():
    for path in (ROOT / "macros").rglob("*.yml"):
        assert path.name == f"_{path.parent.name}__macros.yml", path


def test_the_layout_check_finds_each_departure(tmp_path):
    folder = tmp_path / "marts" / "lifecycle"
    folder.mkdir(parents=True)
    (folder / "fct_a.sql").write_text("select 1 as a")
    (folder / "fct_b.sql").write_text("select 1 as b")
    (folder / "_lifecycle__models.yml").write_text(
        "version: 2\nmodels:\n  - name: fct_a\n  - name: fct_gone\n"
    )
    (folder / "_fct_b.yml").write_text("version: 2\nmodels:\n  - name: fct_b\n")
    (folder / "_lifecycle__unit_tests.yml").write_text("version: 2\nmodels: []\n")
    other = tmp_path / "marts" / "core"
    other.mkdir()
    (other / "dim_c.sql").write_text("select 1 as c")
    (other / "_core__models.yml").write_text("version: 2\nmodels:\n  - name: dim_c\n")
    (other / "_core__unit_tests.yml").write_text(
        "version: 2\nunit_tests:\n  - name: test_fct_a__x\n    model: fct_a\n"
        f"  - name: test_dim_c__{'y' * 52}\n    model: dim_c\n"
        f"  - name: test_dim_c__{'z' * 51}\n    model: dim_c\n"
    )
    (folder / "notes.md").write_text("{% docs x %}x{% enddocs %}")
    exposures = tmp_path / "exposures"
    exposures.mkdir()
    (exposures / "report.yml").write_text("version: 2\nexposures:\n  - name: r\n")
    (exposures / "alerts.yml").write_text("version: 2\nmodels:\n  - name: a\n")
    assert layout_problems(tmp_path) == [
        "exposures/alerts.yml: holds ['models']",
        "marts/lifecycle/_fct_b.yml: not a name of the layout",
        "marts/lifecycle/_lifecycle__unit_tests.yml: holds ['models']",
        "marts/lifecycle/notes.md: docs file not _<name>__docs.md",
        "fct_b: not described in marts/lifecycle/_lifecycle__models.yml",
        "fct_gone: described in _lifecycle__models.yml but not in that folder",
        "test_fct_a__x: unit test of fct_a outside its folder",
        f"test_dim_c__{'y' * 52}: 64 characters, more than 63",
    ]


@pytest.mark.parametrize(
    "folder, prefix",
    [
        ("staging/crm", "stg_crm"),
        ("intermediate/quality", "int_quality"),
        ("marts/core", "core"),
        ("quarantine", "quarantine"),
    ],
)
def test_folder_prefixes(folder, prefix):
    assert folder_prefix(MODELS / folder) == prefix


def upward_refs(models_root: Path) -> list[str]:
    """Refs that point against source -> staging -> intermediate -> marts:
    staging reading any model, intermediate reading a mart."""
    found = []
    for path in sorted(models_root.rglob("*.sql")):
        layer = path.relative_to(models_root).parts[0]
        refs = re.findall(r"ref\(\s*'(\w+)'\s*\)", path.read_text())
        for name in refs:
            if layer == "staging" or (
                layer == "intermediate" and re.match(r"(fct|dim|rpt)_", name)
            ):
                found.append(f"{path.stem} ({layer}) reads {name}")
    return found


def test_the_graph_points_one_way():
    assert upward_refs(MODELS) == []


def test_an_upward_ref_is_found(tmp_path):
    (tmp_path / "intermediate" / "lifecycle").mkdir(parents=True)
    (tmp_path / "intermediate" / "lifecycle" / "int_a_read.sql").write_text(
        "select * from {{ ref('fct_user_days') }} join {{ ref('int_b') }}"
    )
    (tmp_path / "staging" / "crm").mkdir(parents=True)
    (tmp_path / "staging" / "crm" / "stg_crm__users.sql").write_text(
        "select * from {{ ref( 'int_users_current' ) }}"
    )
    assert upward_refs(tmp_path) == [
        "int_a_read (intermediate) reads fct_user_days",
        "stg_crm__users (staging) reads int_users_current",
    ]
