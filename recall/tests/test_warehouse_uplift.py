"""Uplift and next-best arm (marts/decisions) against the generator's planted
heterogeneous effects (DIR/_truth_uplift.parquet: per assigned user and
treatment arm, p_treated and p_natural): the held-out uplift ranking beats
random targeting, the cells' intervals cover the planted cell effects, and
the budget policy of fct_next_best_arm brings more planted incremental
conversions than random targeting for the same money, and as many as the
best arm for all in priority order."""

from __future__ import annotations

import hashlib
import math

import duckdb
import pandas as pd
import pytest

from recall.tests.conftest import run_dbt

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

# The demo world (conftest.DEMO, 3000 users x 75 days) has four campaigns,
# all completed by as_of_date; the last one (cmp_004, churned users, three
# push arms) is planned again for the next-best-arm test, so its planted
# effects cover the users it ranks.
SELECT = "+rpt_uplift_evaluation +fct_next_best_arm +rpt_campaign_uplift_cells"
PLANNED = "cmp_004"


@pytest.fixture(scope="module")
def world(demo, workdir) -> tuple[duckdb.DuckDBPyConnection, pd.DataFrame]:
    raw, _ = demo
    work = workdir / "uplift"
    db = work / "w.duckdb"
    run_dbt(
        [
            "build",
            "--select",
            SELECT,
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            "--vars",
            f"{{uplift_planned_campaigns: [{PLANNED}]}}",
        ],
        raw,
        db,
        work / "run",
    )
    truth = pd.read_parquet(raw / "_truth_uplift.parquet")
    truth["effect"] = truth["p_treated"] - truth["p_natural"]
    con = duckdb.connect(str(db), read_only=True)
    yield con, truth
    con.close()


def test_uplift_ranking_beats_random(world):
    con, truth = world
    qini = con.execute(
        """
        select campaign_id, policy, max(qini_coefficient) as qini
        from marts.rpt_uplift_evaluation
        group by campaign_id, policy"""
    ).df()
    wide = qini.pivot(index="campaign_id", columns="policy", values="qini")
    assert len(wide) == 4, wide
    # On the outcomes of the evaluation half (the mart's own Qini), over the
    # four campaigns: a few hundred evaluation users per campaign make each
    # campaign's figure noisy, the sum less so.
    assert wide["uplift"].sum() > wide["random"].sum(), wide
    # Under the planted effects: the planted incremental conversions of the
    # first share of each order with the arm each policy gives, summed over
    # the shares of the mart (the area the Qini coefficient measures).
    ranked = con.execute(
        """
        select campaign_id, policy, user_id, policy_rank, policy_variant_id
        from intermediate.int_uplift_evaluation_users_ranked"""
    ).df()
    joined = ranked.merge(
        truth,
        left_on=["campaign_id", "user_id", "policy_variant_id"],
        right_on=["campaign_id", "user_id", "variant_id"],
        validate="many_to_one",
    )
    assert len(joined) == len(ranked)
    areas = {}
    for (campaign, policy), group in joined.groupby(["campaign_id", "policy"]):
        effects = group.sort_values("policy_rank")["effect"].cumsum().to_numpy()
        cutoffs = [math.ceil(share / 10 * len(effects)) for share in range(1, 11)]
        areas[campaign, policy] = sum(effects[k - 1] for k in cutoffs) / 10
    planted = pd.Series(areas).unstack()
    assert planted["uplift"].sum() > 1.2 * planted["random"].sum(), planted
    assert (planted["uplift"] > planted["random"]).sum() >= 3, planted


def test_cell_intervals_cover_the_planted_cell_effects(world):
    con, truth = world
    cells = con.execute(
        """
        select
            cells.campaign_id, cells.variant_id, cells.cell_id,
            cells.assigned_count, cells.lift_ci_lower, cells.lift_ci_upper,
            cells.raw_lift, cells.shrunk_lift
        from marts.rpt_campaign_uplift_cells as cells"""
    ).df()
    users = con.execute(
        """
        select campaign_id, user_id, cell_id
        from intermediate.int_campaign_assignments_celled"""
    ).df()
    # The planted effect of a cell: the mean of p_treated - p_natural over
    # the cell's users assigned to that arm.
    own = truth[truth["variant_id"] == truth["assigned_variant_id"]]
    planted = (
        own.merge(users, on=["campaign_id", "user_id"])
        .groupby(["campaign_id", "variant_id", "cell_id"])["effect"]
        .mean()
        .rename("planted")
        .reset_index()
    )
    judged = cells.merge(planted, on=["campaign_id", "variant_id", "cell_id"])
    assert len(judged) == len(cells) >= 30
    covered = judged["planted"].between(judged["lift_ci_lower"], judged["lift_ci_upper"])
    assert covered.mean() >= 0.8, judged[~covered]
    # Weighted by users: the well-measured cells are the ones covered.
    weights = judged["assigned_count"]
    assert (covered * weights).sum() / weights.sum() >= 0.9
    # Not covered by being wide: the large cells' intervals are narrow.
    large = judged[judged["assigned_count"] >= 100]
    assert len(large) >= 8
    assert (large["lift_ci_upper"] - large["lift_ci_lower"]).max() < 0.25, large
    # Shrinkage pays: over the cells with control users, the shrunk lifts
    # sit nearer the planted effects than the raw lifts, cell by cell and
    # weighted by users (the raw error is about twice the shrunk one).
    raw = judged[judged["raw_lift"].notna()]
    raw_error = (raw["raw_lift"] - raw["planted"]).abs()
    shrunk_error = (raw["shrunk_lift"] - raw["planted"]).abs()
    assert shrunk_error.mean() < 0.75 * raw_error.mean()
    weights = raw["assigned_count"]
    assert (shrunk_error * weights).sum() < (raw_error * weights).sum()


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _spend(rows, budget: float, effect: dict) -> tuple[float, int]:
    """Planted incremental conversions of (user, arm, cost) rows taken in order
    while their running cost stays within the budget."""
    spent, value, taken = 0.0, 0.0, 0
    for user_id, variant_id, cost in rows:
        if spent + cost > budget:
            break
        spent += cost
        value += effect[user_id, variant_id]
        taken += 1
    return value, taken


def test_budget_policy_beats_random_and_matches_best_arm(world):
    con, truth = world
    planned = truth[truth["campaign_id"] == PLANNED]
    keys = zip(planned["user_id"], planned["variant_id"], strict=True)
    effect = dict(zip(keys, planned["effect"], strict=True))
    users = set(planned["user_id"])
    # The planned campaign's eligible users the planted truth covers (its
    # own earlier audience, still churned today).
    policy = con.execute(
        "select * from marts.fct_next_best_arm where campaign_id = ?", [PLANNED]
    ).df()
    policy = policy[policy["user_id"].isin(users)]
    assert len(policy) >= 150
    chosen = policy[policy["variant_id"].notna()].sort_values("budget_rank")
    assert len(chosen) >= 0.9 * len(policy)
    arms = con.execute(
        """
        select
            matched.variant_id,
            matched.cost_per_send + matched.reward_cost_per_user as cost,
            matched.matched_arm_lift as lift
        from intermediate.int_planned_arms_matched as matched
        where matched.campaign_id = ?""",
        [PLANNED],
    ).df()
    cost = dict(zip(arms["variant_id"], arms["cost"], strict=True))
    best_arm = arms.sort_values(["lift", "variant_id"], ascending=[False, True]).iloc[0]
    priority = (
        con.execute("select user_id, recall_priority_rank from marts.dim_user_segments")
        .df()
        .merge(policy[["user_id"]], on="user_id")
        .sort_values("recall_priority_rank")
    )
    # A budget that buys about a third of the users.
    budget = chosen["expected_cost"].sum() / 3
    uplift_value, uplift_taken = _spend(
        zip(chosen["user_id"], chosen["variant_id"], chosen["expected_cost"], strict=True),
        budget,
        effect,
    )
    best_value, _ = _spend(
        ((user, best_arm["variant_id"], best_arm["cost"]) for user in priority["user_id"]),
        budget,
        effect,
    )
    arm_ids = sorted(cost)
    random_rows = []
    for user in sorted(priority["user_id"], key=lambda user: _md5(f"{PLANNED}|{user}")):
        arm = min(arm_ids, key=lambda arm: _md5(f"{PLANNED}|{user}|{arm}"))
        random_rows.append((user, arm, cost[arm]))
    random_value, _ = _spend(random_rows, budget, effect)
    assert uplift_taken >= 50
    # Random targeting (random users, random arms) is clearly beaten: the
    # policy picks the better arms and the better cells.
    assert uplift_value > 1.2 * random_value, (uplift_value, best_value, random_value)
    # The strongest baseline, the best arm for all in recall priority
    # order, is matched but not beaten: on the generator's data about 95 %
    # of the assigned users share one cell (value tier none, response tier
    # unknown), so the cells cannot see most of the planted heterogeneity
    # (latent responsiveness), and users of one cell tie and fall back on
    # the same priority order. Within 5 %.
    assert uplift_value >= 0.95 * best_value, (uplift_value, best_value, random_value)
