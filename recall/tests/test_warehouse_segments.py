"""End to end against planted truth for the segment marts: acquisition
channels of different quality (the generator's per-channel lapse hazard)
show up in the churn overview by channel."""

from __future__ import annotations

import pytest

from recall.tests.conftest import query

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = float(rank)
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman rank correlation (no ties expected in these inputs)."""
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    d2 = sum((a - b) ** 2 for a, b in zip(rx, ry, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_churn_by_channel_follows_planted_channel_quality(built, demo):
    _, truth = demo
    hazard = truth["lapse_daily_hazard"]
    rows = query(
        built,
        """
        select
            acquisition_channel,
            sum(silent_users_count + churned_users_count) as inactive,
            sum(registered_users_count) as registered
        from marts.rpt_churn_overview_daily
        where date_day = (select max(date_day)
                          from marts.rpt_churn_overview_daily)
        group by acquisition_channel""",
    )
    share = {channel: inactive / registered for channel, inactive, registered in rows}
    # The slices of each channel add up to its registered users.
    ((users,),) = query(built, "select count(*) from marts.dim_users")
    assert sum(registered for _, _, registered in rows) == users
    # The six named channels have distinct planted lapse hazards (0.02 to
    # 0.06 a day); "unknown" (3% of users) shares paid_search's and is left
    # out of the ranking. One adjacent swap of six ranks still gives
    # rho = 0.943, so 0.9 tolerates sampling noise between close channels
    # while a mart that mixed up channels would fail.
    named = sorted(c for c in hazard if c != "unknown")
    assert set(named) <= set(share), share
    rho = spearman([hazard[c] for c in named], [share[c] for c in named])
    assert rho >= 0.9, (rho, {c: (hazard[c], share[c]) for c in named})
    # The extremes are far apart: three times the lapse hazard.
    assert share["paid_social"] > share["referral"] + 0.2, share
