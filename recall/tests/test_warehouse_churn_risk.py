"""The churn-risk early warning (marts/decisions) on the demo warehouse: the
score beats the naive rule "days inactive >= k" at its best k, it is
calibrated, the at-risk list holds only active or silent users on
as_of_date, the hazard table learns only from closed outcome windows, and
the backtest's AUC and top-10 % figures agree with an independent pandas
computation."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from recall.tests.conftest import query

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse


def backtest(built) -> pd.DataFrame:
    con = duckdb.connect(str(built), read_only=True)
    try:
        return con.execute("select * from marts.rpt_churn_risk_backtest").df()
    finally:
        con.close()


def rank_sum_auc(scores: pd.Series, labels: pd.Series) -> float:
    """Mann-Whitney AUC with average ranks for ties."""
    ranks = scores.rank(method="average")
    positives = int(labels.sum())
    negatives = len(labels) - positives
    rank_sum = float(ranks[labels == 1].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def expected_top_churners(scores: pd.Series, labels: pd.Series, share: float) -> float:
    """Churners expected among the ceil(share * n) highest scores when a tie
    at the cutoff is taken in random order."""
    slots = math.ceil(share * len(scores))
    frame = pd.DataFrame({"score": scores, "churned": labels})
    groups = frame.groupby("score")["churned"].agg(["size", "sum"]).sort_index(ascending=False)
    taken, expected = 0, 0.0
    for size, churned in zip(groups["size"], groups["sum"], strict=True):
        fits = max(min(slots - taken, size), 0)
        expected += fits * churned / size
        taken += size
    return expected


def test_score_beats_the_naive_rule(built):
    frame = backtest(built)
    wide = frame.pivot(index="score_date", columns="model", values="auc").dropna()
    # A 75-day world has ~17 score days with a complete window after the
    # 44-day warm-up (churned_after_days + horizon).
    assert len(wide) >= 10, wide
    score, naive = wide["score"], wide["naive_days_inactive"]
    assert score.mean() > naive.mean(), (score.mean(), naive.mean())
    # Most days, not a few large wins: at least two days in three.
    assert (score > naive).mean() >= 2 / 3, wide
    # Both models rank far better than chance on this data (a backtest that
    # mixed up days or labels would sit near 0.5).
    assert naive.mean() > 0.9


def test_score_is_calibrated(built):
    rows = query(
        built,
        """
        select decile, users_count, predicted_rate, observed_rate
        from marts.rpt_churn_risk_calibration""",
    )
    assert len(rows) >= 100
    gaps = [abs(predicted - observed) for _, _, predicted, observed in rows]
    # Per day and decile about 100 users: the binomial noise of a decile's
    # observed rate is at most 0.05 (p = 0.5) and near 0 for the deciles
    # whose rate is near 0 or 1, which are most of them. A mean absolute gap
    # of 0.05 leaves room for that noise and fails a score off by 0.05 on
    # average (predicting the overall rate for everyone is off by ~0.35).
    assert sum(gaps) / len(gaps) < 0.05, sum(gaps) / len(gaps)
    # Pooled over days, each decile within 0.1.
    by_decile: dict[int, list[float]] = {}
    for decile, users, predicted, observed in rows:
        totals = by_decile.setdefault(decile, [0.0, 0.0, 0.0])
        totals[0] += users
        totals[1] += users * predicted
        totals[2] += users * observed
    assert sorted(by_decile) == list(range(1, 11))
    for decile, (users, predicted, observed) in by_decile.items():
        assert abs(predicted - observed) / users < 0.1, decile


def test_at_risk_list_holds_active_or_silent_users_on_as_of_date(built):
    (as_of,) = query(built, "select max(date_day) from marts.rpt_lifecycle_daily")[0]
    rows = query(
        built,
        f"""
        select
            at_risk.user_id,
            segments.lifecycle_state,
            at_risk.risk_band,
            risk.lifecycle_state,
            risk.churn_probability = at_risk.churn_probability
        from marts.dim_at_risk_users as at_risk
        inner join marts.dim_user_segments as segments
            on at_risk.user_id = segments.user_id
        left join marts.fct_user_churn_risk as risk
            on at_risk.user_id = risk.user_id
            and risk.score_date = date '{as_of}'""",
    )
    (listed,) = query(built, "select count(*) from marts.dim_at_risk_users")[0]
    assert len(rows) == listed > 0
    for user_id, state, band, risk_state, same_score in rows:
        assert state in ("active", "silent"), (user_id, state)
        assert risk_state == state, (user_id, risk_state, state)
        assert band in ("medium", "high") and same_score, user_id
    # Every user scored medium or high on as_of_date is listed.
    (at_risk_scored,) = query(
        built,
        f"""
        select count(*) from marts.fct_user_churn_risk
        where score_date = date '{as_of}' and risk_band in ('medium', 'high')""",
    )[0]
    assert at_risk_scored == listed


def test_hazard_table_learns_only_from_closed_outcome_windows(built):
    # The root's counts on each day are the score days whose window closed
    # on or before it, no later ones: scoring a day never reads its future.
    rows = query(
        built,
        """
        with
        closed as (
            select cells.valid_from, count(*) as scored, sum(
                case when days.is_churned_within_horizon then 1 else 0 end
            ) as churned
            from intermediate.int_churn_hazard_cells_accumulated as cells
            inner join intermediate.int_churn_score_days_featured as days
                on days.outcome_closed_date <= cells.valid_from
                and days.is_churned_within_horizon is not null
            where cells.cell_level = 0
            group by cells.valid_from
        )
        select cells.valid_from, cells.scored_count, closed.scored,
            cells.churned_count, closed.churned
        from intermediate.int_churn_hazard_cells_accumulated as cells
        inner join closed on cells.valid_from = closed.valid_from
        where cells.cell_level = 0""",
    )
    assert len(rows) >= 20
    for day, scored, expected_scored, churned, expected_churned in rows:
        assert (scored, churned) == (expected_scored, expected_churned), day


def test_backtest_agrees_with_an_independent_computation(built):
    frame = backtest(built)
    days = sorted(frame["score_date"].unique())
    day = days[len(days) // 2]
    con = duckdb.connect(str(built), read_only=True)
    try:
        scored = con.execute(
            """
            select churn_probability, days_inactive,
                cast(is_churned_within_horizon as integer) as churned
            from intermediate.int_churn_score_days_scored
            where score_date = ?""",
            [day],
        ).df()
    finally:
        con.close()
    labels = scored["churned"]
    assert 0 < labels.sum() < len(labels)
    got = frame[frame["score_date"] == day].set_index("model")
    assert got.loc["score", "users_scored"] == len(scored)
    assert got.loc["score", "churned_count"] == labels.sum()

    auc = rank_sum_auc(scored["churn_probability"], labels)
    assert got.loc["score", "auc"] == pytest.approx(auc, abs=1e-12)
    top = expected_top_churners(scored["churn_probability"], labels, 0.10)
    slots = math.ceil(0.10 * len(scored))
    assert got.loc["score", "precision_at_top_10pct"] == pytest.approx(top / slots, abs=1e-12)
    assert got.loc["score", "recall_at_top_10pct"] == pytest.approx(top / labels.sum(), abs=1e-12)

    # The naive rule at every k; the best (smallest k on a tie) is reported.
    best_auc, best_k = -1.0, None
    for k in sorted(scored["days_inactive"].unique()):
        flagged = (scored["days_inactive"] >= k).astype(int)
        k_auc = rank_sum_auc(flagged, labels)
        if k_auc > best_auc + 1e-12:
            best_auc, best_k = k_auc, k
    assert got.loc["naive_days_inactive", "auc"] == pytest.approx(best_auc, abs=1e-12)
    flagged = (scored["days_inactive"] >= best_k).astype(int)
    top = expected_top_churners(flagged, labels, 0.10)
    assert got.loc["naive_days_inactive", "precision_at_top_10pct"] == pytest.approx(
        top / slots, abs=1e-12
    )
