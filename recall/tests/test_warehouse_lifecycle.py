"""Lifecycle, returns and retention end to end: natural return rates per
acquisition channel x lifecycle state, estimated from the marts
(fct_user_lifecycle, fct_inactivity_episodes), match the rates the generator
planted (_truth.json natural_return_rates) within sampling error.

The truth is at the observable level (recall/generator/__init__.py): for each
channel and state s in (silent, churned), over the (user, d) pairs with the
user in state s on d - 1, d <= as_of_date and d before the user's first
assignment to a treatment arm, user_days counts the pairs, expected_returns
sums p = P(user active on d | the generator's latent state and parameters) and
variance sums p(1 - p). The observed number of returns R on those pairs minus
expected_returns is a martingale (membership of a pair and its p depend only
on the past) with that predictable variance, so
    z = (R / user_days - rate) / (sqrt(variance) / user_days)
is approximately standard normal whenever expected_returns is not small.
"""

from __future__ import annotations

import pytest

from recall.tests.conftest import query

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

STATES = ("silent", "churned")

# |z| <= 4 per tested cell. At most 14 channel x state cells plus 2 pooled
# (all channels) cells are tested: a two-sided normal tail beyond 4 sd is
# 6.3e-5, so the chance that a correct warehouse fails on some cell is at most
# 16 x 6.3e-5 = 1e-3 (union bound); the count's right tail is a little heavier
# than normal (Poisson-like, at most ~2e-4 beyond +4 sd when 10 returns are
# expected), which still keeps it below 0.5%. z = 3 would fail a correct
# warehouse ~4% of the time. At the demo's size a 4 sd band is about +-17% of
# the pooled silent rate: this test catches returns counted on the wrong day or
# from the wrong state, not small biases (the exact user_days check below is
# the sharp one).
Z = 4.0

# Cells with fewer expected returns are only checked for their population: the
# count is then far from normal (one return in a cell expecting 0.02 is z = 7),
# so the z rule would fail by chance. At the demo's rates (0.4% - 5% a day)
# this means roughly 200 - 2,500 user-days; every churned cell of the demo is
# below it (its users cannot be churned for more than ~45 days), the pooled
# churned cell is not.
MIN_EXPECTED_RETURNS = 10

# Population (user_days) per cell: the generator counts the pairs from the
# simulated activity, the warehouse from the landed, cleaned events. They are
# equal unless a defect moves an active day (an anonymous_events row shifted
# past midnight adds one; a late row landing after the period removes one),
# which changes the state of that user on at most ~30 following days, moving
# them between cells. The demo has about one such day (the defect rate is 1%):
# allow 30 user-days, or 1% of the cell, whichever is larger. A systematic
# error (a threshold off by one day) moves several percent of a cell.
USER_DAYS_SLACK_ABS = 30
USER_DAYS_SLACK_REL = 0.01


def estimated_natural_returns(db, as_of: str) -> dict:
    """{(state, channel): (user_days, returns)} from the marts: the (user, d)
    pairs with the user's lifecycle state on d - 1 in (silent, churned),
    d <= as_of and d before the user's first assignment day to a treatment
    arm; a return on d counts from churned when its episode has a
    churned_from_date, else from silent."""
    rows = query(
        db,
        f"""
        with treatment_starts as (
            select
                assignments.user_id,
                min(cast(assignments.assigned_at as date)) as first_treated_date
            from intermediate.int_campaign_assignments_triaged as assignments
            inner join intermediate.int_campaign_variants_triaged as variants
                on assignments.campaign_id = variants.campaign_id
                and assignments.variant_id = variants.variant_id
            where assignments.row_status = 'clean'
                and variants.row_status = 'clean'
                and not variants.is_control
            group by assignments.user_id
        ),

        users as (
            select
                lifecycle_users.user_id,
                coalesce(dim_users.acquisition_channel, '(no dim_users row)') as channel,
                -- last day d that can count: as_of, or the day before treatment
                least(date '{as_of}',
                      coalesce(treatment_starts.first_treated_date - 1, date '{as_of}'))
                    as last_counted_date
            from (select distinct user_id from marts.fct_user_lifecycle) as lifecycle_users
            left join marts.dim_users as dim_users
                on lifecycle_users.user_id = dim_users.user_id
            left join treatment_starts
                on lifecycle_users.user_id = treatment_starts.user_id
        ),

        -- an interval in state s on days [valid_from, valid_to) gives the pairs
        -- d = y + 1 for its days y, as long as d <= last_counted_date
        population as (
            select
                intervals.lifecycle_state as state,
                users.channel,
                sum(greatest(0,
                    least(coalesce(intervals.valid_to, date '{as_of}' + 1),
                          users.last_counted_date)
                    - intervals.valid_from)) as user_days
            from marts.fct_user_lifecycle as intervals
            inner join users on intervals.user_id = users.user_id
            where intervals.lifecycle_state in ('silent', 'churned')
            group by all
        ),

        returns as (
            select
                case when episodes.churned_from_date is not null
                    then 'churned' else 'silent' end as state,
                users.channel,
                count(*) as returns
            from marts.fct_inactivity_episodes as episodes
            inner join users on episodes.user_id = users.user_id
            where episodes.return_date <= users.last_counted_date
            group by all
        )

        select state, channel, coalesce(population.user_days, 0), coalesce(returns.returns, 0)
        from population
        full join returns using (state, channel)
    """,
    )
    return {(s, ch): (int(n), int(r)) for s, ch, n, r in rows}


def _z(returns, user_days, truth_cell) -> float:
    estimate = returns / user_days
    sd = truth_cell["variance"] ** 0.5 / truth_cell["user_days"]
    return (estimate - truth_cell["rate"]) / sd


def test_lifecycle_covers_registration_to_as_of(built, demo):
    _, truth = demo
    as_of = truth["as_of_date"]
    ((users, open_intervals, late, registered),) = query(
        built,
        f"""
        select count(distinct user_id), count(*) filter (where valid_to is null),
            count(*) filter (where valid_from > date '{as_of}' or valid_to > date '{as_of}'),
            (select count(*) from marts.dim_users)
        from marts.fct_user_lifecycle""",
    )
    assert users == open_intervals == registered
    assert late == 0


def test_returns_in_episodes_match_lifecycle_transitions(built):
    # Both marts tell when a user returns: an episode's return_date, and a
    # silent/churned interval followed by an active one. They must agree
    # pair for pair (user, return day, state on the day before).
    ((only_episodes, only_intervals, n),) = query(
        built,
        """
        with from_episodes as (
            select user_id, return_date as d,
                case when churned_from_date is not null then 'churned' else 'silent' end as s
            from marts.fct_inactivity_episodes
            where return_date is not null
        ),
        from_intervals as (
            select quiet.user_id, quiet.valid_to as d, quiet.lifecycle_state as s
            from marts.fct_user_lifecycle as quiet
            inner join marts.fct_user_lifecycle as nxt
                on quiet.user_id = nxt.user_id and nxt.valid_from = quiet.valid_to
            where quiet.lifecycle_state in ('silent', 'churned')
                and nxt.lifecycle_state = 'active'
        )
        select
            (select count(*) from (from from_episodes except all from from_intervals)),
            (select count(*) from (from from_intervals except all from from_episodes)),
            (select count(*) from from_episodes)""",
    )
    assert n > 0
    assert only_episodes == 0 and only_intervals == 0


def test_natural_return_rates_match_truth(built, demo):
    _, truth = demo
    planted = truth["natural_return_rates"]
    got = estimated_natural_returns(built, truth["as_of_date"])
    assert set(got) <= {(s, ch) for s in STATES for ch in planted[s]}, sorted(got)

    report, failures, tested = [], [], 0
    for state in STATES:
        pooled_truth = dict(user_days=0, expected_returns=0.0, variance=0.0)
        pooled_n = pooled_r = 0
        for channel, cell in planted[state].items():
            n, r = got.get((state, channel), (0, 0))
            pooled_n += n
            pooled_r += r
            for k in pooled_truth:
                pooled_truth[k] += cell[k]
            slack = max(USER_DAYS_SLACK_ABS, USER_DAYS_SLACK_REL * cell["user_days"])
            if abs(n - cell["user_days"]) > slack:
                failures.append(f"{state}/{channel}: user_days {n} vs truth {cell['user_days']}")
            line = (
                f"{state}/{channel}: truth {cell['rate'] or 0:.5f} est {r}/{n} "
                f"user_days {cell['user_days']} expected {cell['expected_returns']:.2f}"
            )
            if cell["expected_returns"] >= MIN_EXPECTED_RETURNS:
                z = _z(r, n, cell)
                tested += 1
                line += f" z {z:+.2f}"
                if abs(z) > Z:
                    failures.append(line)
            report.append(line)
        pooled_truth["rate"] = pooled_truth["expected_returns"] / pooled_truth["user_days"]
        if pooled_truth["expected_returns"] >= MIN_EXPECTED_RETURNS:
            z = _z(pooled_r, pooled_n, pooled_truth)
            tested += 1
            line = (
                f"{state}/all: truth {pooled_truth['rate']:.5f} "
                f"est {pooled_r}/{pooled_n} z {z:+.2f}"
            )
            report.append(line)
            if abs(z) > Z:
                failures.append(line)
    assert not failures, "\n".join(failures + ["--"] + report)
    # the demo is big enough to test six of the seven silent cells (not unknown:
    # ~8 expected returns) and both pooled cells
    assert tested >= 8, "\n".join(report)
