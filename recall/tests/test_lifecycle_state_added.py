"""A lifecycle state added in one place: a copy of the project whose
recall_lifecycle_states() gains a fifth state, `lost` (60 or more days
inactive, an inactivity state, after churned), builds with every model and
data test, and the new state reaches the daily report and the episodes.

The expected figures come from dim_users.days_inactive and the episodes'
days_inactive, which do not depend on the states, not from the state
intervals under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from recall.tests.conftest import copy_project, generate, query, run_dbt

pytestmark = pytest.mark.warehouse

LOST_AFTER_DAYS = 60
CHURNED = """        {'state': 'churned', 'tenure_from': new_days, 'tenure_to': none,
         'inactive_from': churned_days, 'inactive_to': none,
         'is_inactivity': true},"""
CHURNED_AND_LOST = f"""        {{'state': 'churned', 'tenure_from': new_days, 'tenure_to': none,
         'inactive_from': churned_days, 'inactive_to': {LOST_AFTER_DAYS},
         'is_inactivity': true}},
        {{'state': 'lost', 'tenure_from': new_days, 'tenure_to': none,
         'inactive_from': {LOST_AFTER_DAYS}, 'inactive_to': none,
         'is_inactivity': true}},"""


@pytest.fixture(scope="module")
def lost_world(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("lost_state")
    project = base / "project"
    copy_project(project)
    states = project / "macros" / "lifecycle" / "recall_lifecycle_states.sql"
    text = states.read_text()
    assert text.count(CHURNED) == 1, "recall_lifecycle_states() changed shape"
    states.write_text(text.replace(CHURNED, CHURNED_AND_LOST))

    raw = base / "raw"
    generate(raw, 600, 120, 5, "--no-expected", "--defects", "none")
    db = base / "w.duckdb"
    # Every model and data test of the copy (warnings are fine), with two
    # exceptions that are the user's edit, not the project's: the unit tests
    # whose expected rows list the states (the scheduled load's command runs
    # without them), and dq_off_target_assignments, which rightly finds the
    # generator's campaigns for `churned` reaching users now `lost`.
    run_dbt(
        ["build", "--exclude-resource-type", "unit_test", "--exclude", "dq_off_target_assignments"],
        raw,
        db,
        base / "run",
        project=project,
    )
    return db


def test_the_daily_report_counts_the_new_state(lost_world):
    db = lost_world
    [(as_of,)] = query(db, "select max(date_day) from marts.rpt_lifecycle_daily")
    counts = dict(
        query(
            db,
            f"""
        select lifecycle_state, users_count from marts.rpt_lifecycle_daily
        where date_day = date '{as_of}'""",
        )
    )
    assert set(counts) == {"new", "active", "silent", "churned", "lost"}
    [(lost, churned)] = query(
        db,
        f"""
        select
            count(case when days_inactive >= {LOST_AFTER_DAYS} then 1 end),
            count(case when days_inactive >= 30
                and days_inactive < {LOST_AFTER_DAYS} then 1 end)
        from marts.dim_users
        where registration_date <= date '{as_of}'""",
    )
    assert lost > 0
    assert counts["lost"] == lost
    assert counts["churned"] == churned


def test_episodes_peak_in_the_new_state(lost_world):
    rows = dict(
        query(
            lost_world,
            """
        select peak_state, count(*) from marts.fct_inactivity_episodes
        group by peak_state""",
        )
    )
    [(lost, churned, silent)] = query(
        lost_world,
        f"""
        select
            count(case when days_inactive >= {LOST_AFTER_DAYS} then 1 end),
            count(case when days_inactive >= 30
                and days_inactive < {LOST_AFTER_DAYS} then 1 end),
            count(case when days_inactive < 30 then 1 end)
        from marts.fct_inactivity_episodes""",
    )
    assert lost > 0
    assert rows == {"lost": lost, "churned": churned, "silent": silent}
