"""Implausible dates and unknown time zones (issue 19, points 1 and 2).

One small world with the generator's classes implausible_dates (rows dated
in 1900 or 2999 added to users, orders, message_sends and events) and
unknown_timezones (users whose zone is 'Mars/Base' or "Asia/Shang'hai"),
built selectively. Every expectation is counted from the raw Parquet, not
from the warehouse:

- each raw row with a 1900 / 2999 timestamp is quarantined as
  implausible_date, as many as the generator planted, and every raw row
  still reconciles;
- the day spines start on the first clean registration (the daily reports
  cover the real period) and the tracking-completeness report holds exactly
  the days from the first plausible event day to as_of_date, the 1900
  events counted on their landing day;
- a user with an unknown zone stays, with a null time zone, and
  rpt_send_time_profile builds.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from recall.tests.conftest import generate, query, run_dbt

pytestmark = pytest.mark.warehouse

WORLD = dict(users=300, days=30, seed=7)
DAILY_REPORTS = [
    "rpt_active_users_daily",
    "rpt_lifecycle_daily",
    "rpt_churn_overview_daily",
    "rpt_growth_states_daily",
]
SELECT = " ".join(
    [
        *(f"+{name}" for name in DAILY_REPORTS),
        "+rpt_tracking_completeness_daily",
        "+rpt_send_time_profile",
        "+dim_users",
        "+rpt_raw_row_reconciliation",
        "assert_raw_rows_reconcile",
        "quarantine_users",
        "quarantine_orders",
        "quarantine_message_sends",
        "quarantine_events",
    ]
)
# raw table -> its timestamp columns the generator moves to 1900 or 2999
PLANTED = {
    "users": ["registered_at"],
    "orders": ["ordered_at"],
    "message_sends": ["scheduled_at"],
    "events": ["event_at"],
}
UNKNOWN_ZONES = ("Mars/Base", "Asia/Shang'hai")


def _raw(raw: Path, table: str) -> str:
    pattern = "*/*.parquet" if table == "events" else "*.parquet"
    return f"read_parquet('{raw}/{table}/{pattern}')"


def _raw_count(raw: Path, sql: str) -> int | str | dt.date | None:
    return duckdb.sql(sql.format(**{t: _raw(raw, t) for t in PLANTED})).fetchall()[0][0]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path, dict, dict]:
    root = tmp_path_factory.mktemp("plausible_dates")
    raw = root / "raw"
    truth = generate(
        raw,
        *WORLD.values(),
        "--defects",
        "implausible_dates,unknown_timezones",
        "--defect-rate",
        "0.05",
        "--no-expected",
    )
    db = root / "w.duckdb"
    run_dbt(
        [
            "build",
            "--select",
            SELECT,
            "--indirect-selection",
            "empty",
            "--exclude-resource-type",
            "unit_test",
        ],
        raw,
        db,
        root,
        check=False,
    )
    results = json.loads((root / "target" / "run_results.json").read_text())
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in results["results"]}
    return raw, db, truth, statuses


def test_every_node_runs(world):
    _, _, _, statuses = world
    assert {k: v for k, v in statuses.items() if v in ("error", "skipped", "fail")} == {}
    assert statuses["rpt_send_time_profile"] == "success"
    assert statuses["assert_raw_rows_reconcile"] == "pass"


def test_implausible_rows_are_quarantined_as_planted(world):
    raw, db, truth, _ = world
    planted_total = 0
    for table, columns in PLANTED.items():
        condition = " or ".join(f"year({c}) in (1900, 2999)" for c in columns)
        planted = _raw_count(raw, f"select count(*) from {{{table}}} where {condition}")
        quarantined = query(
            db,
            f"select count(*) from quarantine.{table} where reason = 'implausible_date'",
        )[0][0]
        assert quarantined == planted, table
        # no plausible row is quarantined for a date, and every planted one is
        assert (
            query(
                db,
                f"select count(*) from quarantine.{table} "
                f"where reason = 'implausible_date' and not ({condition})",
            )[0][0]
            == 0
        ), table
        planted_total += planted
    assert planted_total == truth["defects"]["implausible_dates"]
    # both years land in users
    years = _raw_count(
        raw,
        "select count(distinct year(registered_at)) from {users} "
        "where year(registered_at) in (1900, 2999)",
    )
    assert years == 2


def test_daily_reports_start_on_the_first_clean_registration(world):
    raw, db, _, _ = world
    first = _raw_count(
        raw,
        "select min(cast(registered_at as date)) from {users} "
        "where year(registered_at) not in (1900, 2999)",
    )
    for name in DAILY_REPORTS:
        assert query(db, f"select min(date_day) from marts.{name}")[0][0] == first, name
    # every user keeps the registration of their plausible rows
    wrong = query(
        db,
        f"""
        select count(*) from marts.dim_users as users
        inner join (
            select user_id, min(cast(registered_at as date)) as registration_date
            from {_raw(raw, "users")}
            where year(registered_at) not in (1900, 2999)
            group by user_id
        ) as raw_users
            on users.user_id = raw_users.user_id
        where users.registration_date <> raw_users.registration_date""",
    )[0][0]
    assert wrong == 0
    # and no user is lost: dim_users holds every user registered (on a
    # plausible row) on or before as_of_date
    users = _raw_count(
        raw,
        "select count(distinct user_id) from {users} "
        "where year(registered_at) not in (1900, 2999) and cast(registered_at as date) "
        "<= (select max(cast(received_at as date)) - 1 from {events})",
    )
    assert query(db, "select count(*) from marts.dim_users")[0][0] == users


def test_tracking_completeness_holds_exactly_the_real_days(world):
    raw, db, _, _ = world
    first = _raw_count(
        raw, "select min(cast(event_at as date)) from {events} where year(event_at) <> 1900"
    )
    # as_of_date (R1): the day before the UTC date of the latest received_at
    as_of = _raw_count(raw, "select max(cast(received_at as date)) - 1 from {events}")
    days, first_day, last_day = query(
        db,
        "select count(distinct date_day), min(date_day), max(date_day) "
        "from marts.rpt_tracking_completeness_daily",
    )[0]
    assert (first_day, last_day) == (first, as_of)
    assert days == (as_of - first).days + 1
    # the 1900 events count on their landing day, inside the report
    landed_1900 = _raw_count(
        raw,
        "select count(*) from {events} where year(event_at) = 1900 "
        "and cast(received_at as date) <= (select max(cast(received_at as date)) - 1 "
        "from {events})",
    )
    assert landed_1900 > 0
    # and every quarantined row is counted once: the 1900 ones on their
    # landing day, the others on the day of their event_at
    quarantined = query(
        db,
        f"""
        select count(*) from quarantine.events
        where case
            when reason = 'implausible_date' then landing_date
            else cast(event_at as date)
        end <= date '{as_of}'""",
    )[0][0]
    reported = query(
        db, "select sum(quarantined_count) from marts.rpt_tracking_completeness_daily"
    )[0][0]
    assert reported == quarantined
    assert (
        query(
            db,
            f"""
            select count(*) from quarantine.events
            where reason = 'implausible_date' and landing_date <= date '{as_of}'""",
        )[0][0]
        == landed_1900
    )


def test_unknown_time_zone_keeps_the_user_with_a_null_zone(world):
    raw, db, truth, _ = world
    zones = ", ".join("'" + zone.replace("'", "''") + "'" for zone in UNKNOWN_ZONES)
    planted = [
        user_id
        for (user_id,) in duckdb.sql(
            f"select distinct user_id from {_raw(raw, 'users')} where timezone in ({zones})"
        ).fetchall()
    ]
    assert len(planted) == truth["defects"]["unknown_timezones"] > 0
    ids = ", ".join(f"'{user_id}'" for user_id in planted)
    # every such user is kept, with the zone unknown
    kept = query(
        db,
        "select count(*), count(timezone), count_if(has_unknown_timezone) "
        f"from intermediate.int_users_current where user_id in ({ids})",
    )[0]
    assert kept == (len(planted), 0, len(planted))
    assert query(
        db, "select count(*) from intermediate.int_users_current where has_unknown_timezone"
    ) == [(len(planted),)]
    # dim_users has those registered on or before as_of_date, zone null
    registered = _raw_count(
        raw,
        f"select count(distinct user_id) from {{users}} where user_id in ({ids}) "
        "and year(registered_at) not in (1900, 2999) and cast(registered_at as date) "
        "<= (select max(cast(received_at as date)) - 1 from {events})",
    )
    assert registered > 0
    assert query(
        db,
        f"select count(*), count(timezone) from marts.dim_users where user_id in ({ids})",
    ) == [(registered, 0)]
    # the send-time profile is built, and these users' events are in it
    # under the reporting time zone (R34)
    assert query(db, "select count(*) from marts.rpt_send_time_profile")[0][0] > 0
