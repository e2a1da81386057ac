"""Macro documentation: every macro of every folder under macros/ (but the
adapter implementations) is described in its folder's `_<folder>__macros.yml`,
with each argument of its signature, in order, typed and described, and every
generic test in tests/generic/_generic__macros.yml, so `dbt docs` shows them.
Checked against the manifest of a `dbt parse` (no warehouse needed)."""

from __future__ import annotations

import copy
import json
import re

import jinja2
import pytest

from recall.tests.conftest import ROOT, run_dbt

pytestmark = pytest.mark.warehouse

# Every folder under macros/ holds macros that must be documented, so a new
# folder is covered as soon as it exists.
MACRO_FOLDERS = tuple(
    sorted(folder.name for folder in (ROOT / "macros").iterdir() if folder.is_dir())
)

# The generic tests (dbt registers each as a macro test_<name>) are
# described in this file. dbt does not record their arguments, so only the
# description is checked.
GENERIC_TESTS_FILE = "recall://tests/generic/_generic__macros.yml"

# duckdb__x, spark__x, default__x...: what adapter.dispatch picks; the
# dispatching macro x carries the docs.
DISPATCH_IMPLEMENTATION = re.compile(r"^[a-z0-9]+__\w")

# dbt (flag validate_macro_args) compares documented argument names and
# types with each macro; make those findings, and a properties entry for a
# macro that does not exist, errors rather than warnings.
STRICT = json.dumps({"error": ["InvalidMacroAnnotation", "MacroNotFoundForPatch"]})


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("macro_docs")
    run_dbt(["parse", "--warn-error-options", STRICT], work / "raw", work / "w.duckdb", work)
    return json.loads((work / "target" / "manifest.json").read_text())


def signature(macro_sql: str) -> list[str]:
    """The argument names of a macro, in order, from its {% macro %} tag."""
    header = re.match(r"\s*(\{%-?\s*macro\b.*?-?%\})", macro_sql, re.DOTALL)
    assert header, f"no macro tag at the start of: {macro_sql[:80]!r}"
    parsed = jinja2.Environment().parse(header.group(1) + "{% endmacro %}")
    macro = next(parsed.find_all(jinja2.nodes.Macro))
    return [argument.name for argument in macro.args]


def folder_of(macro: dict) -> str | None:
    """The folder under macros/ that holds a macro's file."""
    parts = macro["original_file_path"].split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "macros" else None


def checked_macros(manifest: dict) -> dict[str, dict]:
    """The project's macros that must be documented, by name."""
    return {
        macro["name"]: macro
        for macro in manifest["macros"].values()
        if macro["package_name"] == "recall"
        and folder_of(macro) in MACRO_FOLDERS
        and not DISPATCH_IMPLEMENTATION.match(macro["name"])
    }


def documentation_problems(manifest: dict) -> list[str]:
    """One line per missing or wrong piece of macro documentation."""
    problems = []
    for name, macro in sorted(checked_macros(manifest).items()):
        folder = folder_of(macro)
        expected_file = f"recall://macros/{folder}/_{folder}__macros.yml"
        if macro["patch_path"] != expected_file:
            problems.append(
                f"{name}: documented in {macro['patch_path']}, expected {expected_file}"
            )
        if not (macro["description"] or "").strip():
            problems.append(f"{name}: no description")
        documented = [argument["name"] for argument in macro["arguments"]]
        declared = signature(macro["macro_sql"])
        if documented != declared:
            problems.append(f"{name}: documented arguments {documented}, signature {declared}")
        for argument in macro["arguments"]:
            for key in ("type", "description"):
                if not (argument.get(key) or "").strip():
                    problems.append(f"{name}: argument {argument['name']} has no {key}")
    return problems


def test_signature_reads_names_in_order():
    assert signature(
        "{% macro recall_check_whole_number(macro_name, argument_name,"
        " value, minimum,\n        minimum_name=none) %}\n"
        "{{ x }}{% endmacro %}"
    ) == ["macro_name", "argument_name", "value", "minimum", "minimum_name"]
    assert signature("{%- macro recall_type_double() -%}double{%- endmacro %}") == []
    assert signature("{% macro f(a, b=[1, 2], c=g(3, 4)) %}{% endmacro %}") == ["a", "b", "c"]


def generic_tests(manifest: dict) -> dict[str, dict]:
    """The project's generic tests (tests/generic/), by macro name."""
    return {
        macro["name"]: macro
        for macro in manifest["macros"].values()
        if macro["package_name"] == "recall"
        and macro["original_file_path"].startswith("tests/generic/")
    }


def generic_test_problems(manifest: dict) -> list[str]:
    """One line per generic test not described in GENERIC_TESTS_FILE."""
    problems = []
    for name, macro in sorted(generic_tests(manifest).items()):
        if macro["patch_path"] != GENERIC_TESTS_FILE:
            problems.append(
                f"{name}: documented in {macro['patch_path']}, expected {GENERIC_TESTS_FILE}"
            )
        if not (macro["description"] or "").strip():
            problems.append(f"{name}: no description")
    return problems


def test_macro_folders_are_read_from_the_project():
    assert {"config", "dates", "quality", "statistics"} <= set(MACRO_FOLDERS)


def test_every_covered_folder_has_checked_macros(manifest):
    # A wrong folder name or path layout would make the checks vacuous.
    by_folder: dict[str, set[str]] = {}
    for name, macro in checked_macros(manifest).items():
        by_folder.setdefault(folder_of(macro), set()).add(name)
    assert set(by_folder) == set(MACRO_FOLDERS), by_folder
    assert {
        "recall_add_days",
        "recall_local_date",
        "recall_arg_max",
        "check_raw_contract",
        "recall_lifecycle_states",
        "get_incremental_recall_user_days_sql",
        "validate_recall_vars",
        "recall_var_error",
        "recall_is_qualifying_touch",
        "recall_channels",
        "recall_safe_divide",
    } <= set(checked_macros(manifest))
    assert "duckdb__recall_local_date" not in checked_macros(manifest)


def test_every_macro_of_the_covered_folders_is_documented(manifest):
    assert documentation_problems(manifest) == []


def test_every_generic_test_is_described(manifest):
    assert {
        "test_recall_unique_combination",
        "test_recall_accepted_channels",
    } <= set(generic_tests(manifest))
    assert generic_test_problems(manifest) == []


def test_the_check_reports_missing_and_wrong_docs(manifest):
    damaged = copy.deepcopy(manifest)
    macros = {
        macro["name"]: macro
        for macro in damaged["macros"].values()
        if macro["package_name"] == "recall"
    }
    # A macro with no properties entry at all.
    macros["recall_add_days"].update(description="", patch_path=None, arguments=[])
    # Arguments documented out of order, one without a type.
    arguments = macros["recall_local_hour"]["arguments"]
    arguments.reverse()
    arguments[0]["type"] = None
    # Documented in another folder's file.
    macros["recall_arg_max"]["patch_path"] = "recall://macros/dates/_dates__macros.yml"
    # A dispatch implementation stays exempt.
    macros["duckdb__recall_local_date"]["description"] = ""
    found = documentation_problems(damaged)
    assert [problem for problem in found if problem not in documentation_problems(manifest)] == [
        "recall_add_days: documented in None, expected recall://macros/dates/_dates__macros.yml",
        "recall_add_days: no description",
        "recall_add_days: documented arguments [], signature ['date_expression', 'days']",
        "recall_arg_max: documented in"
        " recall://macros/dates/_dates__macros.yml, expected"
        " recall://macros/config/_config__macros.yml",
        "recall_local_hour: documented arguments"
        " ['timezone_expression', 'timestamp_expression'],"
        " signature ['timestamp_expression', 'timezone_expression']",
        "recall_local_hour: argument timezone_expression has no type",
    ]
    test = macros["test_recall_expression_is_true"]
    test.update(description="", patch_path=None)
    assert generic_test_problems(damaged) == [
        "test_recall_expression_is_true: documented in None, expected " + GENERIC_TESTS_FILE,
        "test_recall_expression_is_true: no description",
    ]
