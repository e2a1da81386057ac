"""End to end against planted truth for the campaign marts: the lift of
every arm against its holdout, the conversion rate of every arm, the
sample-ratio check, and the delivery defects the generator injects."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from recall.tests.conftest import generate, query, run_dbt

# Builds warehouses with dbt on generated data (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

Z95 = 1.959963984540054


def _binomial_tail(n: int, p: float, k: int) -> float:
    """P(X > k) for X ~ Binomial(n, p)."""
    return 1.0 - sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def _treatment_arms(truth: dict) -> dict[tuple[str, str], dict]:
    return {
        (cid, vid): arm
        for cid, campaign in truth["arms"].items()
        for vid, arm in campaign["variants"].items()
        if not arm["is_control"]
    }


def test_campaign_steps_read_no_marts(built, workdir):
    """The campaign graph runs source -> staging -> intermediate -> marts:
    no intermediate campaign model has a mart among its ancestors, so the
    marts publish the steps instead of feeding them."""
    manifest = json.loads((workdir / "full" / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    steps = [
        node
        for node in nodes.values()
        if node["resource_type"] == "model"
        and node["original_file_path"].startswith("models/intermediate/campaigns/")
    ]
    assert {
        "int_campaign_arms_summarised",
        "int_campaign_exposures_joined",
        "int_campaign_variants_enriched",
    } <= {n["name"] for n in steps}
    for step in steps:
        seen, todo = set(), list(step["depends_on"]["nodes"])
        while todo:
            parent = todo.pop()
            if parent in seen or parent not in nodes:
                continue
            seen.add(parent)
            todo += nodes[parent]["depends_on"].get("nodes", [])
        marts = sorted(
            nodes[parent]["name"]
            for parent in seen
            if nodes[parent]["original_file_path"].startswith("models/marts/")
        )
        assert marts == [], (step["name"], marts)


def test_lift_intervals_cover_the_planted_effects(built, demo):
    _, truth = demo
    planted = _treatment_arms(truth)
    rows = query(
        built,
        """
        select campaign_id, variant_id, assigned_count, absolute_lift,
               absolute_lift_ci_lower, absolute_lift_ci_upper
        from marts.rpt_campaign_incrementality""",
    )
    measured = {(c, v): (n, lift, lo, hi) for c, v, n, lift, lo, hi in rows}
    # Every planted treatment arm is measured, on the planted audience.
    assert set(measured) == set(planted)
    for key, arm in planted.items():
        assert measured[key][0] == arm["n_assigned"], key
    misses = [
        key
        for key, arm in planted.items()
        if not measured[key][2] <= arm["true_absolute_lift"] <= measured[key][3]
    ]
    # A 95% interval misses its truth with probability 0.05 (a little more
    # for Wald intervals on small counts). Allow the largest number of
    # misses k with P(Binomial(arms, 0.05) > k) < 0.001, so the test fails
    # by chance about once in a thousand seeds, but fails for sure when
    # conversions or arms are mixed up (then most intervals miss).
    arms = len(planted)
    allowed = next(k for k in range(arms + 1) if _binomial_tail(arms, 0.05, k) < 0.001)
    assert len(misses) <= allowed, (misses, allowed)
    # Jointly: the standardised errors (estimate - truth) / se have a sum of
    # squares distributed about chi-square(arms); 3 x arms is beyond its
    # 0.999 quantile for every arms >= 8 (e.g. 29.6 at 10 arms).
    chi2 = sum(
        (
            (measured[key][1] - arm["true_absolute_lift"])
            / ((measured[key][3] - measured[key][2]) / (2 * Z95))
        )
        ** 2
        for key, arm in planted.items()
    )
    assert arms >= 8 and chi2 <= 3 * arms, (chi2, arms)


def test_conversion_rates_match_the_planted_rates(built, demo):
    _, truth = demo
    rows = query(
        built,
        """
        select campaign_id, variant_id, count(*),
               count(case when is_converted then 1 end)
        from marts.fct_campaign_exposures
        group by campaign_id, variant_id""",
    )
    measured = {(c, v): (n, x) for c, v, n, x in rows}
    planted = {
        (cid, vid): arm
        for cid, campaign in truth["arms"].items()
        for vid, arm in campaign["variants"].items()
    }
    assert set(measured) == set(planted)
    # Each arm's converters are a sum of independent Bernoulli(P_u) draws
    # whose mean is the planted true_conversion_rate; its variance is at
    # most rate x (1 - rate) x n. z = 4 for each of ~14 arms: a false
    # failure about once in a thousand seeds (union bound), while counting
    # conversions from the wrong time zero or the wrong event moves most
    # arms by many standard errors.
    for key, arm in planted.items():
        n, x = measured[key]
        rate = arm["true_conversion_rate"]
        sd = math.sqrt(rate * (1 - rate) / n)
        assert abs(x / n - rate) <= 4 * sd + 1e-12, (key, x, n, rate)


def test_sample_ratio_check_passes_on_the_planned_split(built):
    rows = query(
        built,
        """
        select campaign_id, min(srm_p_value), count(*)
        from marts.rpt_campaign_incrementality
        group by campaign_id""",
    )
    assert rows
    # The generator splits audiences by the planned shares, so every
    # campaign's p-value is uniform on (0, 1): below 0.001 for one of
    # four campaigns with probability 0.004.
    for campaign_id, p_value, _ in rows:
        assert p_value is not None and p_value > 0.001, (campaign_id, p_value)


DELIVERY = {
    "duplicate_sends": "duplicate_count",
    "missed_sends": "missed_count",
    "early_sends": "early_count",
    "late_sends": "late_count",
    "contaminated_controls": "contaminated_count",
}


def _delivery_counts(db: Path) -> dict[tuple[str, str], dict[str, int]]:
    rows = query(
        db,
        f"""
        select campaign_id, variant_id, {", ".join(DELIVERY.values())},
               off_target_count
        from marts.rpt_campaign_delivery_quality""",
    )
    return {
        (row[0], row[1]): dict(zip([*DELIVERY, "off_target"], row[2:], strict=True)) for row in rows
    }


def _assert_delivery_exact(db: Path, truth: dict) -> dict[str, int]:
    planted = truth["delivery_defects"]
    measured = _delivery_counts(db)
    assert set(measured) == {(c, v) for c, arms in planted.items() for v in arms}
    for (cid, vid), counts in measured.items():
        assert {name: counts[name] for name in DELIVERY} == {
            name: planted[cid][vid][name] for name in DELIVERY
        }, (cid, vid)
    # The generator assigns users in the target state only.
    assert sum(c["off_target"] for c in measured.values()) == 0
    return {name: sum(c[name] for c in measured.values()) for name in DELIVERY}


def test_delivery_defects_are_counted_exactly_on_the_demo(built, demo):
    _, truth = demo
    totals = _assert_delivery_exact(built, truth)
    assert totals == {name: truth["defects"][name] for name in DELIVERY}
    assert sum(totals.values()) > 0


@pytest.fixture(scope="module")
def delivery_world(workdir) -> tuple[Path, dict]:
    """A world with only the five delivery defect classes, at a rate high
    enough that each lands in several arms; only the models the delivery
    report needs are built."""
    raw = workdir / "raw_delivery"
    truth = generate(
        raw, 2000, 60, 7, "--defects", ",".join(DELIVERY), "--defect-rate", "0.2", "--no-expected"
    )
    db = workdir / "delivery.duckdb"
    run_dbt(
        ["build", "--select", "+rpt_campaign_delivery_quality", "--resource-type", "model", "seed"],
        raw,
        db,
        workdir / "delivery",
    )
    return db, truth


def test_each_delivery_defect_is_counted_exactly(delivery_world):
    db, truth = delivery_world
    totals = _assert_delivery_exact(db, truth)
    for name in DELIVERY:
        # Every class is present, so a flag that never fires would fail.
        assert totals[name] >= 3, (name, totals)
        assert totals[name] == truth["defects"][name], name
