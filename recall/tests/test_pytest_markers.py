"""The collection check of conftest.py: a test that runs dbt or the generator
must carry @pytest.mark.warehouse. These cases show what the check follows."""

from __future__ import annotations

import subprocess
import sys

from recall.generator.generate import generate as generate_in_process
from recall.tests import conftest
from recall.tests.conftest import needs_warehouse, run_dbt


def _builds(work):
    return run_dbt(["build"], work, work / "w.duckdb", work)


def _through_a_helper(work):
    return _builds(work)


def _through_a_closure(work):
    def inner():
        return _through_a_helper(work)

    return inner()


def _through_the_module(work):
    return conftest.run_dbt(["build"], work, work / "w.duckdb", work)


def _generates(out):
    subprocess.run([sys.executable, "-m", "recall.generator", "--out", str(out)], check=True)


def _generates_in_process(out):
    return generate_in_process(str(out), users=10, days=2)


def _pure(rows):
    return sorted(rows)


# Held in a dict: a test naming these functions directly would itself reach
# dbt and need the mark (which is the check working).
REACH_DBT = {
    f.__name__: f for f in (_builds, _through_a_helper, _through_a_closure, _through_the_module)
}
GENERATE = {f.__name__: f for f in (_generates, _generates_in_process)}


def test_calls_to_run_dbt_are_found_through_helpers_and_closures():
    for name, func in REACH_DBT.items():
        assert needs_warehouse(func), name


def test_generator_runs_are_found_in_process_and_as_a_subprocess():
    for name, func in GENERATE.items():
        assert needs_warehouse(func), name


def test_a_function_without_dbt_needs_no_mark():
    assert not needs_warehouse(_pure)
    assert not needs_warehouse(test_a_function_without_dbt_needs_no_mark)
