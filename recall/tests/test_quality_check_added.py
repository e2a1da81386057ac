"""A data-quality check added in the places the README lists: a copy of the
project gains `suppressed_sends` (send attempts of a treatment arm that the
provider suppressed, at most 0.0 / 0.5) as one registry entry and one test
entry, and the report, the thresholds and the check's dbt test follow.

The expected counts are read from the raw message_sends of a world without
defects, not from the warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from recall.tests.conftest import copy_project, generate, query, run_dbt

pytestmark = pytest.mark.warehouse

ENTRY = """        {'name': 'suppressed_sends', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.5,
            'numerator': 'send attempts the provider suppressed',
            'denominator': 'send attempts of the treatment arm',
            'measured_from': 'campaign_arms', 'arms': 'treatment',
            'numerator_column': 'suppressed_count',
            'denominator_column': 'send_attempt_count'},
"""
TEST_ENTRY = """      - recall_quality_check_is_ok:
          name: dq_suppressed_sends
          arguments:
            check_name: suppressed_sends
          config: *quality_check
"""


def add_check(project: Path) -> None:
    registry = project / "macros" / "quality" / "recall_quality_checks.sql"
    text = registry.read_text()
    anchor = "    {{- return([\n"
    assert text.count(anchor) == 1, "the registry changed shape"
    registry.write_text(text.replace(anchor, anchor + ENTRY))
    models = project / "models" / "marts" / "quality" / "_quality__models.yml"
    text = models.read_text()
    anchor = "      - recall_quality_check_is_ok:\n          name: dq_failed_sends\n"
    assert text.count(anchor) == 1, "the dq_ test entries changed shape"
    models.write_text(text.replace(anchor, TEST_ENTRY + anchor))


@pytest.fixture(scope="module")
def check_world(tmp_path_factory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("check_added")
    project = base / "project"
    copy_project(project)
    add_check(project)
    raw = base / "raw"
    generate(raw, 800, 40, 9, "--no-expected", "--defects", "none")
    db = base / "w.duckdb"
    work = base / "run"
    proc = run_dbt(
        [
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--select",
            "+rpt_data_quality_checks_daily+",
        ],
        raw,
        db,
        work,
        check=False,
        project=project,
    )
    # Checks may warn or fail on a generated world; the build must run them all.
    assert "ERROR creating" not in proc.stdout and "Compilation Error" not in proc.stdout, (
        proc.stdout[-4000:]
    )
    return raw, db, work


def test_the_report_counts_the_new_check(check_world):
    raw, db, _ = check_world
    got = {
        slice_: (numerator, denominator, warn, error, direction)
        for slice_, numerator, denominator, warn, error, direction in query(
            db,
            """
            select slice, numerator_count, denominator_count, warn_threshold,
                error_threshold, threshold_direction
            from marts.rpt_data_quality_checks_daily
            where check_name = 'suppressed_sends'""",
        )
    }
    con = duckdb.connect()
    expected = {
        f"{campaign}/{variant}": (suppressed, attempts, 0.0, 0.5, "at_most")
        for campaign, variant, suppressed, attempts in con.execute(f"""
            select sends.campaign_id, sends.variant_id,
                count(case when sends.status = 'suppressed' then 1 end), count(*)
            from read_parquet('{raw}/message_sends/*.parquet') as sends
            inner join read_parquet('{raw}/campaign_variants/*.parquet') as arms
                on sends.campaign_id = arms.campaign_id
                and sends.variant_id = arms.variant_id
            where not arms.is_control
            group by sends.campaign_id, sends.variant_id""").fetchall()
    }
    assert expected and any(row[0] > 0 for row in expected.values())
    assert got == expected


def test_the_new_check_has_its_dbt_test(check_world):
    _, _, work = check_world
    results = json.loads((work / "target" / "run_results.json").read_text())
    [result] = [
        r
        for r in results["results"]
        if r["unique_id"].startswith("test.recall.dq_suppressed_sends")
    ]
    # Suppressed sends exist and the warn threshold is 0.0: the check warns
    # (or fails where a share passes 0.5), never passes.
    assert result["status"] in ("warn", "fail")
    assert result["failures"] > 0
