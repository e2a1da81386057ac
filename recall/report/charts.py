"""The report's charts: each reads one or more marts with one query, states
its definition in one line and draws one plotly figure.

A chart's `data` is the table its figure plots (and the report offers as
CSV); rates are pooled as the spec says (metrics.md §3): sums of counts
divided, over complete cells only, never averages of rates. The queries are
plain SQL over schema `marts` of the published DuckDB file (spec/marts.md)
and run on a read-only connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Report sections, in page order: (id, heading).
SECTIONS = (
    ("activity", "Active users"),
    ("lifecycle", "Recall lifecycle"),
    ("growth", "Growth accounting"),
    ("retention", "Cohort retention"),
    ("returners", "Recalled and natural returners"),
    ("campaigns", "Campaigns"),
    ("decision", "Decision cycle"),
    ("churn", "Churn and segments"),
    ("quality", "Data quality"),
)

LIFECYCLE_STATES = ("new", "active", "silent", "churned")
STATE_COLOURS = {
    "new": "#4c78a8",
    "active": "#54a24b",
    "silent": "#f58518",
    "churned": "#e45756",
}
STATUS_CODES = {"ok": 0, "warn": 1, "error": 2}
# A sample-ratio mismatch is flagged below this chi-square p-value: the usual
# threshold of online experiment platforms (a split this far off plan by
# chance happens once in a thousand experiments).
SRM_ALPHA = 0.001


@dataclass
class Chart:
    chart_id: str
    section: str
    title: str
    marts: tuple[str, ...]
    definition: str
    data: pd.DataFrame
    figure: go.Figure


def _layout(fig: go.Figure, **kwargs) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=kwargs.pop("height", 420),
        margin=kwargs.pop("margin", dict(l=60, r=30, t=30, b=50)),
        legend=dict(orientation="h", y=-0.18),
        **kwargs,
    )
    return fig


def _arm_label(frame: pd.DataFrame, baseline: str | None = None) -> pd.Series:
    label = frame["campaign_id"] + " / " + frame["variant_id"]
    if baseline:
        label = label + " vs " + frame[baseline]
    return label


# ---------------------------------------------------------------- activity


def active_users(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select date_day, dau, wau, mau, stickiness
        from marts.rpt_active_users_daily
        order by date_day
        """
    ).df()
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for column in ("dau", "wau", "mau"):
        fig.add_trace(
            go.Scatter(x=data["date_day"], y=data[column], name=column.upper(), mode="lines")
        )
    fig.add_trace(
        go.Scatter(
            x=data["date_day"],
            y=data["stickiness"],
            name="stickiness (DAU ÷ MAU)",
            mode="lines",
            line=dict(dash="dot", color="#777"),
        ),
        secondary_y=True,
    )
    fig.update_yaxes(title_text="users", secondary_y=False)
    fig.update_yaxes(title_text="stickiness", tickformat=".0%", secondary_y=True)
    return Chart(
        "active_users",
        "activity",
        "DAU, WAU, MAU and stickiness",
        ("rpt_active_users_daily",),
        "Users with an active day on d (DAU), in [d − 6, d] (WAU), in [d − 29, d] (MAU); "
        "stickiness = DAU ÷ MAU.",
        data,
        _layout(fig),
    )


# ---------------------------------------------------------------- lifecycle


def lifecycle_states(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select date_day, lifecycle_state, users_count
        from marts.rpt_lifecycle_daily
        order by date_day, lifecycle_state
        """
    ).df()
    fig = go.Figure()
    for state in LIFECYCLE_STATES:
        rows = data[data["lifecycle_state"] == state]
        fig.add_trace(
            go.Scatter(
                x=rows["date_day"],
                y=rows["users_count"],
                name=state,
                stackgroup="users",
                line=dict(color=STATE_COLOURS[state]),
            )
        )
    fig.update_yaxes(title_text="registered users")
    return Chart(
        "lifecycle_states",
        "lifecycle",
        "Users by recall lifecycle state",
        ("rpt_lifecycle_daily",),
        "Registered users per state each day: new (< 7 days since registration), active "
        "(< 7 days inactive), silent (7–29), churned (≥ 30).",
        data,
        _layout(fig),
    )


def lifecycle_flows(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            date_day,
            lifecycle_state,
            entered_count,
            exited_count,
            returns_natural_count,
            returns_recalled_count
        from marts.rpt_lifecycle_daily
        order by date_day, lifecycle_state
        """
    ).df()
    fig = go.Figure()
    for state in LIFECYCLE_STATES:
        rows = data[data["lifecycle_state"] == state]
        fig.add_trace(
            go.Bar(
                x=rows["date_day"],
                y=rows["entered_count"],
                name=f"entered {state}",
                marker_color=STATE_COLOURS[state],
            )
        )
    active = data[data["lifecycle_state"] == "active"]
    for column, name, colour in (
        ("returns_natural_count", "of which natural returns", "#222"),
        ("returns_recalled_count", "of which recalled returns", "#b279a2"),
    ):
        fig.add_trace(
            go.Scatter(
                x=active["date_day"],
                y=active[column],
                name=name,
                mode="lines",
                line=dict(color=colour),
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="users entering the state")
    return Chart(
        "lifecycle_flows",
        "lifecycle",
        "Daily flows between lifecycle states",
        ("rpt_lifecycle_daily",),
        "Users in a state on d and not on d − 1 (registrations enter new; returns from "
        "silent or churned enter active, split natural / recalled by last-touch credit).",
        data,
        _layout(fig),
    )


# ---------------------------------------------------------------- growth


def growth_accounting(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            month_start,
            new_users,
            retained_users,
            resurrected_users,
            churned_users,
            mau,
            quick_ratio,
            is_partial
        from marts.rpt_growth_accounting_monthly
        order by month_start
        """
    ).df()
    months = [
        str(month)[:7] + (" (partial)" if partial else "")
        for month, partial in zip(data["month_start"], data["is_partial"], strict=True)
    ]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for column, sign, colour in (
        ("retained_users", 1, "#54a24b"),
        ("new_users", 1, "#4c78a8"),
        ("resurrected_users", 1, "#b279a2"),
        ("churned_users", -1, "#e45756"),
    ):
        fig.add_trace(
            go.Bar(
                x=months,
                y=sign * data[column],
                name=column.replace("_users", "") + (" (−)" if sign < 0 else ""),
                marker_color=colour,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=data["quick_ratio"],
            name="quick ratio",
            mode="lines+markers",
            line=dict(color="#222"),
        ),
        secondary_y=True,
    )
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text="users", secondary_y=False)
    fig.update_yaxes(title_text="quick ratio", rangemode="tozero", secondary_y=True)
    return Chart(
        "growth_accounting",
        "growth",
        "Monthly growth accounting and quick ratio",
        ("rpt_growth_accounting_monthly",),
        "Calendar months: new, retained (active this and last month), resurrected, churned "
        "(active last month, not this); quick ratio = (new + resurrected) ÷ churned.",
        data,
        _layout(fig),
    )


# ---------------------------------------------------------------- retention


def cohort_heatmap(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            cast(date_trunc('week', registration_date) as date) as cohort_week,
            day_n,
            sum(cohort_size) as cohort_size,
            sum(retained_on_day_n) as retained_on_day_n,
            sum(retained_on_day_n) * 1.0 / nullif(sum(cohort_size), 0)
                as retention_rate
        from marts.rpt_cohort_retention
        where is_complete
        group by 1, 2
        order by 1, 2
        """
    ).df()
    pivot = data.pivot(index="cohort_week", columns="day_n", values="retention_rate")
    fig = go.Figure(
        go.Heatmap(
            x=[f"day {n}" for n in pivot.columns],
            y=[pd.Timestamp(week).strftime("%Y-%m-%d") for week in pivot.index],
            z=pivot.values,
            colorscale="Blues",
            zmin=0,
            colorbar=dict(title="retained", tickformat=".0%"),
            hovertemplate="week of %{y}, %{x}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="cohort week (Monday)", autorange="reversed", type="category")
    return Chart(
        "cohort_heatmap",
        "retention",
        "Retention by cohort week and day n",
        ("rpt_cohort_retention",),
        "Share of a registration week's users active on registration day + n: Σ retained "
        "÷ Σ cohort size over the complete cells of its days and channels.",
        data,
        _layout(fig, height=480),
    )


def retention_by_channel(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            acquisition_channel,
            day_n,
            sum(cohort_size) as cohort_size,
            sum(retained_on_day_n) as retained_on_day_n,
            sum(retained_on_day_n) * 1.0 / nullif(sum(cohort_size), 0)
                as retention_rate
        from marts.rpt_cohort_retention
        where is_complete
        group by 1, 2
        order by 1, 2
        """
    ).df()
    fig = go.Figure()
    for channel, rows in data.groupby("acquisition_channel", sort=True):
        fig.add_trace(
            go.Scatter(
                x=rows["day_n"], y=rows["retention_rate"], name=channel, mode="lines+markers"
            )
        )
    fig.update_xaxes(title_text="day n", type="log", tickvals=sorted(data["day_n"].unique()))
    fig.update_yaxes(title_text="retained on day n", tickformat=".0%", rangemode="tozero")
    return Chart(
        "retention_by_channel",
        "retention",
        "Retention curves by acquisition channel",
        ("rpt_cohort_retention",),
        "Users active on registration day + n ÷ cohort size, pooled over every complete "
        "registration-day cohort of the channel.",
        data,
        _layout(fig),
    )


def feature_retention(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            feature_group,
            day_n,
            sum(cohort_size) as cohort_size,
            sum(retained_on_day_n) as retained_on_day_n,
            sum(retained_on_day_n) * 1.0 / nullif(sum(cohort_size), 0)
                as retention_rate
        from marts.rpt_feature_retention
        where is_complete
        group by 1, 2
        order by 1, 2
        """
    ).df()
    fig = go.Figure()
    names = {"feature_users": "liked ≥ 3 times in week 1", "other_users": "the rest"}
    for group, rows in data.groupby("feature_group", sort=True):
        fig.add_trace(
            go.Bar(
                x=[f"day {n}" for n in rows["day_n"]],
                y=rows["retention_rate"],
                name=names.get(group, group),
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="retained on day n", tickformat=".0%")
    return Chart(
        "feature_retention",
        "retention",
        "Feature-use retention: likers against the rest",
        ("rpt_feature_retention",),
        "Users who liked at least feature_min_count (3) times in their first 7 days against "
        "the rest of their cohort: retained on day n, pooled over complete monthly cohorts.",
        data,
        _layout(fig),
    )


def recalled_vs_natural(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            return_type,
            day_n,
            sum(returners_count) as returners_count,
            sum(retained_on_day_n) as retained_on_day_n,
            sum(retained_on_day_n) * 1.0 / nullif(sum(returners_count), 0)
                as retention_rate
        from marts.rpt_recalled_user_retention
        where is_complete
        group by 1, 2
        order by 1, 2
        """
    ).df()
    fig = go.Figure()
    for return_type, colour in (("natural", "#222"), ("recalled", "#b279a2")):
        rows = data[data["return_type"] == return_type]
        fig.add_trace(
            go.Bar(
                x=[f"D{n}" for n in rows["day_n"]],
                y=rows["retention_rate"],
                name=f"{return_type} returners",
                marker_color=colour,
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="retained on day n after the return", tickformat=".0%")
    return Chart(
        "recalled_vs_natural",
        "returners",
        "D1 / D3 / D7 / D14 / D30 retention of recalled and natural returners",
        ("rpt_recalled_user_retention",),
        "Returners active on return day + n ÷ returners, pooled over complete return days, "
        "by return type (recalled = last qualifying touch within the attribution window).",
        data,
        _layout(fig),
    )


# ---------------------------------------------------------------- campaigns


def _forest(frame: pd.DataFrame, labels: pd.Series, flagged: pd.Series | None) -> go.Figure:
    symbols = ["circle"] * len(frame)
    if flagged is not None:
        symbols = ["x" if flag else "circle" for flag in flagged]
    fig = go.Figure(
        go.Scatter(
            x=frame["absolute_lift"],
            y=labels,
            mode="markers",
            name="absolute lift (95 % interval)",
            marker=dict(size=11, symbol=symbols, color="#4c78a8"),
            error_x=dict(
                type="data",
                symmetric=False,
                array=frame["absolute_lift_ci_upper"] - frame["absolute_lift"],
                arrayminus=frame["absolute_lift"] - frame["absolute_lift_ci_lower"],
            ),
        )
    )
    fig.add_vline(x=0, line_dash="dot", line_color="#999")
    fig.update_xaxes(title_text="conversion rate difference", tickformat=".1%")
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def campaign_lift(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        f"""
        select
            campaign_id,
            variant_id,
            channel,
            hook_type,
            offer_value,
            conversion_event,
            assigned_count,
            converted_count,
            conversion_rate,
            control_assigned_count,
            control_converted_count,
            control_conversion_rate,
            absolute_lift,
            absolute_lift_ci_lower,
            absolute_lift_ci_upper,
            p_value,
            srm_p_value,
            coalesce(srm_p_value < {SRM_ALPHA}, false) as is_sample_ratio_mismatch,
            is_window_open
        from marts.rpt_campaign_incrementality
        order by campaign_id, variant_id
        """
    ).df()
    fig = _forest(data, _arm_label(data), data["is_sample_ratio_mismatch"])
    flagged = _arm_label(data)[data["is_sample_ratio_mismatch"]].tolist()
    fig.add_annotation(
        text="sample-ratio mismatch: " + (", ".join(flagged) if flagged else "none"),
        xref="paper",
        yref="paper",
        x=0,
        y=1.06,
        showarrow=False,
        align="left",
    )
    return Chart(
        "campaign_lift",
        "campaigns",
        "Lift of each arm against its control (forest plot)",
        ("rpt_campaign_incrementality",),
        "Conversion rate of the arm − its control's (intent to treat), with the 95 % "
        f"interval; an × marks a sample-ratio mismatch (chi-square p < {SRM_ALPHA}).",
        data,
        _layout(fig, height=460),
    )


def campaign_cost(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            campaign_id,
            variant_id,
            incremental_conversions,
            total_cost,
            cost_per_incremental_conversion,
            incremental_revenue,
            roi
        from marts.rpt_campaign_incrementality
        order by campaign_id, variant_id
        """
    ).df()
    labels = _arm_label(data)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("cost per incremental conversion (log scale)", "ROI (ratio)"),
        horizontal_spacing=0.22,
    )
    fig.add_trace(
        go.Bar(
            x=data["cost_per_incremental_conversion"],
            y=labels,
            orientation="h",
            name="cost per incremental conversion",
            marker_color="#f58518",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(x=data["roi"], y=labels, orientation="h", name="ROI", marker_color="#54a24b"),
        row=1,
        col=2,
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="log", row=1, col=1)
    return Chart(
        "campaign_cost",
        "campaigns",
        "Cost per incremental conversion and ROI per arm",
        ("rpt_campaign_incrementality",),
        "Total cost (sends × cost per send + rewards) ÷ incremental conversions (none when "
        "≤ 0); ROI = (incremental revenue − total cost) ÷ total cost.",
        data,
        _layout(fig, height=460),
    )


def arm_comparisons(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            campaign_id,
            variant_id,
            baseline_variant_id,
            differing_attribute,
            channel,
            hook_type,
            offer_value,
            baseline_offer_value,
            assigned_count,
            converted_count,
            baseline_assigned_count,
            baseline_converted_count,
            absolute_lift,
            absolute_lift_ci_lower,
            absolute_lift_ci_upper,
            p_value,
            holm_p_value,
            is_significant_after_holm,
            incremental_cost,
            cost_per_incremental_conversion
        from marts.rpt_campaign_arm_comparisons
        order by campaign_id, variant_id, baseline_variant_id
        """
    ).df()
    labels = _arm_label(data, "baseline_variant_id") + " (" + data["differing_attribute"] + ")"
    fig = _forest(data, labels, None)
    return Chart(
        "arm_comparisons",
        "campaigns",
        "Arm against arm (pairs that differ in one attribute)",
        ("rpt_campaign_arm_comparisons",),
        "Conversion rate of an arm − that of the campaign's baseline arm, with the 95 % "
        "interval, for arms that differ in one attribute (offer, copy, channel, hook or "
        "send hour): does the dearer offer, the other copy or channel convert more? "
        "The table's holm_p_value corrects for the campaign's many comparisons.",
        data,
        _layout(fig, height=360),
    )


DELIVERY_FLAGS = (
    "failed",
    "suppressed",
    "duplicate",
    "missed",
    "early",
    "late",
    "contaminated",
    "off_target",
)


def delivery_quality(con: duckdb.DuckDBPyConnection) -> Chart:
    shares = ",\n".join(
        f"{flag}_count * 1.0 / nullif(assigned_count, 0) as {flag}_share" for flag in DELIVERY_FLAGS
    )
    counts = ",\n".join(f"{flag}_count" for flag in DELIVERY_FLAGS)
    data = con.execute(
        f"""
        select campaign_id, variant_id, is_control, assigned_count,
            {counts},
            {shares}
        from marts.rpt_campaign_delivery_quality
        order by campaign_id, variant_id
        """
    ).df()
    labels = _arm_label(data)
    fig = go.Figure()
    for flag in DELIVERY_FLAGS:
        fig.add_trace(go.Bar(x=labels, y=data[f"{flag}_share"], name=flag.replace("_", "-")))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="share of assigned users", tickformat=".0%")
    return Chart(
        "delivery_quality",
        "campaigns",
        "Delivery quality per arm",
        ("rpt_campaign_delivery_quality",),
        "Assigned users of the arm with each delivery flag (failed, suppressed, duplicate, "
        "missed, early, late, contaminated control, off-target) ÷ assigned users.",
        data,
        _layout(fig),
    )


# ---------------------------------------------------------------- decision cycle


def decision_cycle(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            cohort_month,
            k,
            cohort_size,
            first_purchasers_count,
            first_purchase_share,
            gain,
            is_inflection,
            is_complete
        from marts.rpt_decision_cycle
        order by cohort_month, k
        """
    ).df()
    fig = go.Figure()
    for month, rows in data.groupby("cohort_month", sort=True):
        complete = rows[rows["is_complete"]]
        if complete.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=complete["k"],
                y=complete["first_purchase_share"],
                name=f"registered {str(month)[:7]}",
                mode="lines",
            )
        )
    inflections = data[data["is_inflection"]]
    fig.add_trace(
        go.Scatter(
            x=inflections["k"],
            y=inflections["first_purchase_share"],
            name="inflection (largest daily gain)",
            mode="markers+text",
            text=[
                f"{str(month)[:7]}: day {k}"
                for month, k in zip(inflections["cohort_month"], inflections["k"], strict=True)
            ],
            textposition="top left",
            marker=dict(size=12, symbol="diamond", color="#e45756"),
        )
    )
    fig.update_xaxes(title_text="days since registration (k)")
    fig.update_yaxes(title_text="first paid order within k days", tickformat=".1%")
    return Chart(
        "decision_cycle",
        "decision",
        "First-purchase probability by day since registration",
        ("rpt_decision_cycle",),
        "Share of a monthly cohort with a first paid order within k days of registration "
        "(complete k only); the inflection is the k ≥ 1 with the largest daily gain.",
        data,
        _layout(fig),
    )


# ---------------------------------------------------------------- churn, segments


def churn_overview(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            date_day,
            acquisition_channel,
            stage_at_churn,
            value_tier,
            silent_users_count,
            churned_users_count,
            registered_users_count
        from marts.rpt_churn_overview_daily
        where date_day = (select max(date_day) from marts.rpt_churn_overview_daily)
        order by acquisition_channel, stage_at_churn, value_tier
        """
    ).df()
    tiers = [t for t in ("high", "mid", "low", "none") if t in set(data["value_tier"])]
    tiers += sorted(set(data["value_tier"]) - set(tiers))
    stages = sorted(data["stage_at_churn"].unique())
    fig = make_subplots(
        rows=1,
        cols=len(tiers),
        shared_yaxes=True,
        subplot_titles=[f"value tier {t}" for t in tiers],
    )
    colours = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d")
    for col, tier in enumerate(tiers, start=1):
        for i, stage in enumerate(stages):
            rows = data[(data["value_tier"] == tier) & (data["stage_at_churn"] == stage)]
            fig.add_trace(
                go.Bar(
                    x=rows["acquisition_channel"],
                    y=rows["churned_users_count"],
                    name=stage,
                    legendgroup=stage,
                    showlegend=col == 1,
                    marker_color=colours[i % len(colours)],
                ),
                row=1,
                col=col,
            )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="churned users", row=1, col=1)
    as_of = str(data["date_day"].max())[:10] if not data.empty else "-"
    return Chart(
        "churn_overview",
        "churn",
        f"Churned users by channel × stage at churn × value tier (on {as_of})",
        ("rpt_churn_overview_daily",),
        "Users churned (≥ 30 days inactive) on the last day, by acquisition channel, "
        "lifecycle stage on their last active day and value tier when they went silent.",
        data,
        _layout(fig, height=460),
    )


def rfm_segments(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select rfm_segment, count(*) as users_count
        from marts.dim_user_segments
        group by rfm_segment
        order by users_count desc, rfm_segment
        """
    ).df()
    fig = go.Figure(
        go.Bar(
            x=data["users_count"],
            y=data["rfm_segment"],
            orientation="h",
            name="users",
            marker_color="#4c78a8",
        )
    )
    fig.update_xaxes(title_text="users", type="log")
    fig.update_yaxes(autorange="reversed", type="category")
    return Chart(
        "rfm_segments",
        "churn",
        "RFM segment sizes",
        ("dim_user_segments",),
        "Registered users per RFM segment: recency, frequency and monetary scores (1–5) of "
        "paid orders in the last 365 days matched to the rule seed; no_purchase otherwise.",
        data,
        _layout(fig),
    )


# ---------------------------------------------------------------- quality


def quality_heatmap(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            check_name,
            date_day,
            count(*) as slices_count,
            sum(case when status = 'warn' then 1 else 0 end) as warn_slices_count,
            sum(case when status = 'error' then 1 else 0 end) as error_slices_count,
            case
                when sum(case when status = 'error' then 1 else 0 end) > 0 then 'error'
                when sum(case when status = 'warn' then 1 else 0 end) > 0 then 'warn'
                else 'ok'
            end as status
        from marts.rpt_data_quality_checks_daily
        group by check_name, date_day
        order by check_name, date_day
        """
    ).df()
    days = sorted(data["date_day"].unique())
    checks = sorted(data["check_name"].unique())
    codes = (
        data.assign(code=data["status"].map(STATUS_CODES))
        .pivot(index="check_name", columns="date_day", values="code")
        .reindex(index=checks, columns=days)
    )
    fig = go.Figure(
        go.Heatmap(
            x=[str(day)[:10] for day in days],
            y=checks,
            z=codes.values,
            zmin=0,
            zmax=2,
            colorscale=[
                [0, "#54a24b"],
                [0.33, "#54a24b"],
                [0.33, "#f2cf5b"],
                [0.67, "#f2cf5b"],
                [0.67, "#e45756"],
                [1, "#e45756"],
            ],
            colorbar=dict(tickvals=[0, 1, 2], ticktext=["ok", "warn", "error"]),
            xgap=1,
            ygap=1,
            hovertemplate="%{y} on %{x}: status %{z} (0 ok, 1 warn, 2 error)<extra></extra>",
        )
    )
    fig.update_yaxes(type="category", autorange="reversed")
    return Chart(
        "quality_heatmap",
        "quality",
        "Data-quality checks by day, coloured by status",
        ("rpt_data_quality_checks_daily",),
        "Each check's worst status that day over its slices (platform, campaign arm, reason): "
        "error if any slice errs, warn if any warns, else ok; blank = not evaluated.",
        data,
        _layout(fig, height=620, margin=dict(l=260, r=30, t=30, b=50)),
    )


def tracking_completeness(con: duckdb.DuckDBPyConnection) -> Chart:
    data = con.execute(
        """
        select
            date_day,
            platform,
            sum(event_count) as event_count,
            sum(baseline_count) as baseline_count,
            sum(event_count) * 1.0 / nullif(sum(baseline_count), 0) as volume_ratio,
            sum(case when status = 'warn' then 1 else 0 end) as warn_event_names_count,
            sum(case when status = 'error' then 1 else 0 end) as error_event_names_count
        from marts.rpt_tracking_completeness_daily
        where baseline_count is not null
        group by date_day, platform
        order by date_day, platform
        """
    ).df()
    fig = go.Figure()
    for platform, rows in data.groupby("platform", sort=True):
        fig.add_trace(
            go.Scatter(x=rows["date_day"], y=rows["volume_ratio"], name=platform, mode="lines")
        )
    fig.add_hline(y=1, line_dash="dot", line_color="#999")
    fig.update_yaxes(title_text="events ÷ 7-day median baseline", rangemode="tozero")
    return Chart(
        "tracking_completeness",
        "quality",
        "Tracking completeness per platform",
        ("rpt_tracking_completeness_daily",),
        "Events of the platform that day ÷ the sum over its event names of the trailing "
        "7-day median count (days with a baseline); 1 = as usual.",
        data,
        _layout(fig),
    )


CHARTS: tuple[Callable[[duckdb.DuckDBPyConnection], Chart], ...] = (
    active_users,
    lifecycle_states,
    lifecycle_flows,
    growth_accounting,
    cohort_heatmap,
    retention_by_channel,
    feature_retention,
    recalled_vs_natural,
    campaign_lift,
    campaign_cost,
    arm_comparisons,
    delivery_quality,
    decision_cycle,
    churn_overview,
    rfm_segments,
    quality_heatmap,
    tracking_completeness,
)


def marts_read() -> list[str]:
    """Every mart a chart reads, from the queries' text (for the exposure)."""
    import inspect
    import re

    names: set[str] = set()
    for chart in CHARTS:
        names.update(re.findall(r"marts\.(\w+)", inspect.getsource(chart)))
    return sorted(names)
