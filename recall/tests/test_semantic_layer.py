"""The semantic layer (MetricFlow) on the demo warehouse: `mf
validate-configs` passes, every metric name of marts.md ("Engines and BI")
is defined, and `mf query` of each metric family returns what its mart
publishes (DAU/WAU/MAU = rpt_active_users_daily, lifecycle counts =
rpt_lifecycle_daily, retention = rpt_cohort_retention, lift inputs and
costs = rpt_campaign_incrementality, growth accounting and high value = the
monthly marts, failing checks = rpt_data_quality_checks_daily).

mf reads the semantic manifest of the session's demo build (no new build)
from a project folder in tmp whose target/ holds a copy of it, so the
repository's target/ is never touched. The mf commands run through mf's own
command-line entry point in one Python process, so MetricFlow and dbt are
imported once (about 8 s) rather than once per command."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from recall.tests.conftest import ROOT, query

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

# marts.md, "Engines and BI": the metric names BI tools rely on.
PINNED_METRICS = {
    "dau",
    "wau",
    "mau",
    "stickiness",
    "new_users",
    "active_users",
    "silent_users",
    "churned_users",
    "natural_returns",
    "recalled_returns",
    "retention_d1",
    "retention_d7",
    "retention_d30",
    "campaign_assigned_users",
    "campaign_conversions",
    "campaign_conversion_rate",
    "incremental_conversions",
    "campaign_total_cost",
    "cost_per_incremental_conversion",
    "high_value_users",
    "failing_quality_checks",
}

# Runs `mf <args>` for each argument list of argv[1] (JSON) through mf's
# entry point (the function the `mf` script calls) and writes each exit code
# and output to argv[2].
MF_RUNNER = """
import json, sys
from click.testing import CliRunner
from dbt_metricflow.cli.main import cli
results = []
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(cli, args)
    results.append({"exit_code": result.exit_code, "output": result.output})
with open(sys.argv[2], "w") as out:
    json.dump(results, out)
"""

QUERIES = {
    "daily": (
        "dau,wau,mau,stickiness,new_users,active_users,silent_users,"
        "churned_users,new_users_change,active_users_change,"
        "silent_users_change,churned_users_change,natural_returns,"
        "recalled_returns,failing_quality_checks",
        "metric_time__day",
    ),
    "weekly": ("dau,mau", "metric_time__week"),
    "platforms": ("dau", "metric_time__day,user__platform"),
    "retention": (
        "retention_d1,retention_d7,retention_d30",
        "metric_time__day,cohort_cell__acquisition_channel",
    ),
    "campaigns": (
        "campaign_assigned_users,campaign_conversions,"
        "campaign_conversion_rate,incremental_conversions,"
        "campaign_total_cost,cost_per_incremental_conversion,"
        "incremental_revenue,campaign_roi",
        "campaign_arm__campaign_id,campaign_arm__variant_id",
    ),
    "monthly": (
        "growth_new_users,growth_retained_users,growth_resurrected_users,"
        "growth_churned_users,quick_ratio,high_value_users,"
        "high_value_net_new_users",
        "metric_time__month",
    ),
}

SKIPPED_ENTRIES = {"target", "logs", ".git", ".venv", "data", "dbt_packages"}


@pytest.fixture(scope="module")
def mf(built, demo, workdir, tmp_path_factory):
    """The outputs of `mf validate-configs` and of each query of QUERIES
    (read from their CSV files) on the demo warehouse."""
    raw, _ = demo
    tmp = tmp_path_factory.mktemp("semantic_layer")
    project = tmp / "project"
    project.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in SKIPPED_ENTRIES:
            (project / entry.name).symlink_to(entry)
    (project / "target").mkdir()
    manifest = workdir / "full" / "target" / "semantic_manifest.json"
    shutil.copy2(manifest, project / "target" / manifest.name)
    commands = [["validate-configs", "--show-all"]] + [
        ["query", "--metrics", metrics, "--group-by", group_by, "--csv", str(tmp / f"{name}.csv")]
        for name, (metrics, group_by) in QUERIES.items()
    ]
    env = dict(
        os.environ,
        RECALL_RAW_DIR=str(raw),
        RECALL_DB_PATH=str(built),
        DBT_PROFILES_DIR=str(ROOT / "profiles"),
        DBT_PROJECT_DIR=str(project),
        DBT_LOG_PATH=str(tmp / "logs"),
    )
    out = tmp / "results.json"
    proc = subprocess.run(
        [sys.executable, "-c", MF_RUNNER, json.dumps(commands), str(out)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    validate, *queries = json.loads(out.read_text())
    for args, result in zip(commands[1:], queries, strict=True):
        assert result["exit_code"] == 0, (args, result["output"][-3000:])
    tables = {}
    for name in QUERIES:
        with (tmp / f"{name}.csv").open() as f:
            tables[name] = list(csv.DictReader(f))
    return {"validate": validate, "manifest": manifest, **tables}


def _num(value: str):
    """A CSV cell as a number; None for an empty (null) cell."""
    return None if value == "" else float(value)


def _day(value: str) -> str:
    return value[:10]


def _approx(value):
    return None if value is None else pytest.approx(float(value), rel=1e-9, abs=1e-12)


def test_mf_validate_configs_passes(mf):
    """Exit 0: no blocking issue in the semantic manifest nor against the
    warehouse (every semantic model, dimension, entity, measure and metric
    queried); --show-all lists the rest, and none is an error."""
    result = mf["validate"]
    assert result["exit_code"] == 0, result["output"][-3000:]
    assert "ERROR" not in result["output"], result["output"][-3000:]


def test_every_pinned_metric_is_defined(mf):
    semantic = json.loads(mf["manifest"].read_text())
    assert PINNED_METRICS <= {metric["name"] for metric in semantic["metrics"]}
    assert semantic["project_configuration"]["time_spines"]


def test_active_users_equal_the_mart(mf, built):
    got = {
        _day(row["metric_time__day"]): tuple(
            _num(row[m]) for m in ("dau", "wau", "mau", "stickiness")
        )
        for row in mf["daily"]
    }
    expected = {
        str(day): (dau, wau, mau, _approx(stickiness))
        for day, dau, wau, mau, stickiness in query(
            built, "select date_day, dau, wau, mau, stickiness from marts.rpt_active_users_daily"
        )
    }
    assert len(expected) >= 60
    assert got == expected


def test_dau_by_week_counts_the_week_and_mau_its_last_day(mf, built):
    """The README's query: dau at a week grain is the users active in that
    (Monday-to-Sunday) week; mau is the trailing-30-day MAU of the week's last
    day in the data."""
    got = {
        _day(row["metric_time__week"]): (_num(row["dau"]), _num(row["mau"])) for row in mf["weekly"]
    }
    expected = {
        str(week): (users, mau)
        for week, users, mau in query(
            built,
            """
            with weeks as (
                select date_trunc('week', activity_date) as week_start,
                    count(distinct user_id) as users,
                    max(activity_date) as last_day
                from marts.fct_user_days group by 1
            )
            select cast(weeks.week_start as date), weeks.users, daily.mau
            from weeks
            inner join marts.rpt_active_users_daily as daily
                on daily.date_day = weeks.last_day""",
        )
    }
    assert len(expected) >= 10
    assert got == expected


def test_dau_by_platform_splits_dau(mf, built):
    got = {
        (_day(row["metric_time__day"]), row["user__platform"]): _num(row["dau"])
        for row in mf["platforms"]
    }
    expected = {
        (str(day), platform): users
        for day, platform, users in query(
            built,
            """
            select days.activity_date, users.platform, count(*)
            from marts.fct_user_days as days
            inner join marts.dim_users as users on users.user_id = days.user_id
            group by 1, 2""",
        )
    }
    assert len({platform for _, platform in expected}) >= 2
    assert got == expected


def test_lifecycle_counts_and_moves_equal_the_mart(mf, built):
    states = ("new", "active", "silent", "churned")
    rows = query(
        built,
        """
        select date_day, lifecycle_state, users_count,
            returns_natural_count, returns_recalled_count
        from marts.rpt_lifecycle_daily""",
    )
    counts: dict[str, dict[str, int]] = {}
    returns: dict[str, list[int]] = {}
    for day, state, users, natural, recalled in rows:
        counts.setdefault(str(day), dict.fromkeys(states, 0))[state] = users
        day_returns = returns.setdefault(str(day), [0, 0])
        day_returns[0] += natural
        day_returns[1] += recalled
    days = sorted(counts)
    got = {_day(row["metric_time__day"]): row for row in mf["daily"]}
    assert sorted(got) == days
    assert sum(r[0] for r in returns.values()) > 0 and sum(r[1] for r in returns.values()) > 0
    for previous, day in zip([None, *days[:-1]], days, strict=True):
        row = got[day]
        for state in states:
            assert _num(row[f"{state}_users"]) == counts[day][state], (day, state)
            change = None if previous is None else counts[day][state] - counts[previous][state]
            assert _num(row[f"{state}_users_change"]) == change, (day, state)
        assert [_num(row["natural_returns"]), _num(row["recalled_returns"])] == returns[day], day


def test_retention_equals_the_mart(mf, built):
    expected: dict[tuple[str, str], list] = {}
    for day, channel, day_n, size, retained in query(
        built,
        """
        select registration_date, acquisition_channel, day_n, cohort_size,
            retained_on_day_n
        from marts.rpt_cohort_retention
        where is_complete and day_n in (1, 7, 30)""",
    ):
        cell = expected.setdefault((str(day), channel), [None, None, None])
        cell[(1, 7, 30).index(day_n)] = _approx(retained / size) if size else None
    assert len(expected) >= 50
    assert any(cell[2] is not None for cell in expected.values())
    got = {
        (_day(row["metric_time__day"]), row["cohort_cell__acquisition_channel"]): [
            _num(row[f"retention_d{n}"]) for n in (1, 7, 30)
        ]
        for row in mf["retention"]
    }
    assert got == expected


def test_campaign_metrics_equal_the_incrementality_mart(mf, built):
    rows = query(
        built,
        """
        select campaign_id, variant_id, control_variant_id, assigned_count,
            converted_count, conversion_rate, control_assigned_count,
            control_converted_count, control_conversion_rate,
            incremental_conversions, total_cost,
            cost_per_incremental_conversion, incremental_revenue, roi
        from marts.rpt_campaign_incrementality""",
    )
    expected = {}
    for (
        campaign,
        arm,
        control,
        assigned,
        converted,
        rate,
        control_assigned,
        control_converted,
        control_rate,
        incremental,
        cost,
        cost_per_incremental,
        revenue,
        roi,
    ) in rows:
        expected[(campaign, arm)] = [
            assigned,
            converted,
            _approx(rate),
            _approx(incremental),
            _approx(cost),
            _approx(cost_per_incremental),
            _approx(revenue),
            _approx(roi),
        ]
        # The control arm: assignment and conversion only (no lift of its own).
        expected[(campaign, control)] = [
            control_assigned,
            control_converted,
            _approx(control_rate),
            None,
            None,
            None,
            None,
            None,
        ]
    assert len({campaign for campaign, _ in expected}) >= 2
    assert any(value[5] is None for value in expected.values() if value[3] is not None)
    metrics = (
        "campaign_assigned_users",
        "campaign_conversions",
        "campaign_conversion_rate",
        "incremental_conversions",
        "campaign_total_cost",
        "cost_per_incremental_conversion",
        "incremental_revenue",
        "campaign_roi",
    )
    got = {
        (row["campaign_arm__campaign_id"], row["campaign_arm__variant_id"]): [
            _num(row[m]) for m in metrics
        ]
        for row in mf["campaigns"]
    }
    assert got == expected


def test_monthly_metrics_equal_the_marts(mf, built):
    expected = {
        str(month): [new, retained, resurrected, churned, _approx(ratio), end, net_new]
        for month, new, retained, resurrected, churned, ratio, end, net_new in query(
            built,
            """
            select growth.month_start, growth.new_users, growth.retained_users,
                growth.resurrected_users, growth.churned_users,
                growth.quick_ratio, high.end_count, high.net_new_count
            from marts.rpt_growth_accounting_monthly as growth
            inner join marts.rpt_high_value_monthly as high
                on high.month_start = growth.month_start""",
        )
    }
    assert len(expected) >= 2
    metrics = (
        "growth_new_users",
        "growth_retained_users",
        "growth_resurrected_users",
        "growth_churned_users",
        "quick_ratio",
        "high_value_users",
        "high_value_net_new_users",
    )
    got = {
        _day(row["metric_time__month"]): [_num(row[m]) for m in metrics] for row in mf["monthly"]
    }
    assert got == expected


def test_failing_quality_checks_count_checks_per_day(mf, built):
    expected = {
        str(day): failing
        for day, failing in query(
            built,
            """
            select days.date_day,
                count(distinct case when checks.status in ('warn', 'error')
                    then checks.check_name end)
            from intermediate.int_calendar_days_spined as days
            left join marts.rpt_data_quality_checks_daily as checks
                on checks.date_day = days.date_day
            group by 1""",
        )
    }
    got = {
        _day(row["metric_time__day"]): _num(row["failing_quality_checks"]) for row in mf["daily"]
    }
    assert got == expected
