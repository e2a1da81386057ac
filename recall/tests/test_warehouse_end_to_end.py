"""The warehouse built on generated data reproduces the generator's planted
truth: every raw row is accounted for, each injected defect lands in
quarantine under its reason, and the user-day facts match the figures the
generator computed from the rows it wrote."""

from __future__ import annotations

import pytest

from recall.tests.conftest import query

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

# Generator defect class -> quarantine reason of quarantine.events.
EVENT_DEFECT_REASONS = {
    "unknown_event_names": "unknown_event_name",
    "malformed_properties": "malformed_properties",
    "future_events": "event_at_in_future",
    "before_registration": "before_registration",
    "unknown_users": "unknown_user",
}


def test_every_raw_row_is_accounted_for(built, demo):
    _, truth = demo
    rows = query(
        built,
        """
        select source_table, raw_row_count, clean_row_count,
            duplicate_row_count, superseded_row_count, quarantined_row_count,
            quarantine_table_row_count
        from marts.rpt_raw_row_reconciliation""",
    )
    assert {r[0] for r in rows} == set(truth["raw_rows"])
    for table, raw, clean, dup, sup, quar, quar_table in rows:
        assert raw == truth["raw_rows"][table], table
        assert raw == clean + dup + sup + quar, table
        assert quar == quar_table, table


def test_clean_events_and_duplicates_match_truth(built, demo):
    _, truth = demo
    ((clean, dup),) = query(
        built,
        """
        select clean_row_count, duplicate_row_count
        from marts.rpt_raw_row_reconciliation
        where source_table = 'events'""",
    )
    assert truth["defects"]["duplicates"] > 0
    assert clean == truth["expected"]["clean_events"]
    assert dup == truth["expected"]["duplicate_rows_removed"]


def test_each_event_defect_is_quarantined_under_its_reason(built, demo):
    _, truth = demo
    found = dict(
        query(
            built,
            """
        select reason, count(*) from quarantine.events group by reason""",
        )
    )
    for defect, reason in EVENT_DEFECT_REASONS.items():
        assert truth["defects"][defect] > 0, defect
        assert found.get(reason, 0) == truth["defects"][defect], defect
    assert set(found) <= set(EVENT_DEFECT_REASONS.values())


def test_conflicting_versions_are_quarantined(built, demo):
    _, truth = demo
    for table in ("users", "orders"):
        ((count,),) = query(
            built,
            f"""
            select count(*) from quarantine.{table}
            where reason = 'conflicting_versions'""",
        )
        assert count == truth["defects"]["conflicting_versions"][table]


def test_missing_required_properties_are_flagged_not_dropped(built, demo):
    _, truth = demo
    ((flagged,),) = query(
        built,
        """
        select count(*) from intermediate.int_events_cleaned
        where is_missing_required_property""",
    )
    assert flagged == truth["defects"]["missing_required_properties"]


def test_daily_active_users_match_truth(built, demo):
    _, truth = demo
    expected = truth["expected"]["daily_active_users"]
    found = dict(
        query(
            built,
            """
        select cast(activity_date as varchar), count(*)
        from marts.fct_user_days group by activity_date""",
        )
    )
    assert found == {d: n for d, n in expected.items() if n > 0}
    ((user_days,),) = query(built, "select count(*) from marts.fct_user_days")
    assert user_days == truth["expected"]["active_user_days"]


def test_as_of_date_is_the_last_complete_day(built, demo):
    _, truth = demo
    ((last_day,),) = query(
        built,
        """
        select cast(max(activity_date) as varchar) from marts.fct_user_days""",
    )
    assert last_day == truth["as_of_date"]


def test_dim_users_has_one_row_per_registered_user(built, demo):
    raw, truth = demo
    # Registered as of as_of_date, read straight from the raw snapshots.
    ((expected,),) = query(
        built,
        f"""
        select count(*) from (
            select user_id, min(registered_at) as registered_at
            from read_parquet('{raw}/users/*.parquet')
            where user_id is not null
            group by user_id)
        where cast(registered_at as date) <= date '{truth["as_of_date"]}'""",
    )
    ((users, states),) = query(
        built,
        """
        select count(*), count(distinct lifecycle_state)
        from marts.dim_users""",
    )
    assert users == expected
    assert states == 4


def test_lifecycle_state_follows_days_inactive(built):
    # Recomputed from dim_users' own columns with the default thresholds.
    bad = query(
        built,
        """
        select user_id from marts.dim_users
        where lifecycle_state <> case
            when date_diff('day', registration_date, last_active_date
                           + days_inactive * interval 1 day) < 7 then 'new'
            when days_inactive < 7 then 'active'
            when days_inactive < 30 then 'silent'
            else 'churned' end""",
    )
    assert bad == []
