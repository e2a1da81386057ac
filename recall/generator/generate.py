"""Orchestration: simulate chunk by chunk, inject defects, land (--land-through), write,
then compute the planted truth and the oracle figures."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pyarrow as pa

from . import writer
from .defects import (
    DEFECTS,
    DELIVERY_CLASSES,
    UNKNOWN_CAMPAIGN_ID,
    UNKNOWN_VARIANT_ID,
    apply_defects,
    apply_file_defects,
    missing_platform_day,
    parse_defects,
)
from .expected import compute_expected
from .schema import SCHEMAS, TABLES
from .world import (
    CHANNEL_KEYS,
    CHANNELS,
    DAY_US,
    INACTIVE_STATES,
    LAPSE,
    NEW_USER_DAYS,
    NEW_USER_LAPSE_MULT,
    RETURN,
    US,
    Ctx,
    simulate_chunk,
    uplift_model,
)

UPLIFT_FILE = "_truth_uplift.parquet"
UPLIFT_SCHEMA = pa.schema(
    [
        ("campaign_id", pa.string()),
        ("user_id", pa.string()),
        ("variant_id", pa.string()),
        ("assigned_variant_id", pa.string()),
        ("p_natural", pa.float64()),
        ("p_treated", pa.float64()),
        ("value_per_conversion", pa.float64()),
        ("reward_cost", pa.float64()),
    ]
)

EPOCH = dt.datetime(1970, 1, 1)


def _us(d: dt.date) -> int:
    return int((dt.datetime(d.year, d.month, d.day) - EPOCH).total_seconds()) * US


def _date(us: int) -> dt.date:
    return (EPOCH + dt.timedelta(microseconds=int(us))).date()


def _user_rows(users):
    """Snapshots: base row at registered_at, plus up to two later snapshots that each toggle
    one attribute (push_enabled / email_opt_out / sms_opt_out) cumulatively."""
    rows = []
    push, eoo, soo = users["push"].copy(), users["email_oo"].copy(), users["sms_oo"].copy()
    base = dict(
        uid=users["uid"],
        reg_t=users["reg_t"],
        ch=users["ch"],
        plat=users["plat"],
        geo=users["geo"],
        has_phone=users["has_phone"],
        has_email=users["has_email"],
    )
    rows.append(
        dict(base, push=push.copy(), email_oo=eoo.copy(), sms_oo=soo.copy(), updated=users["reg_t"])
    )
    for valid, t, which in (
        (users["v1"], users["t1"], users["which1"]),
        (users["v2"], users["t2"], users["which2"]),
    ):
        push = push ^ (valid & (which == 0))
        eoo = eoo ^ (valid & (which == 1))
        soo = soo ^ (valid & (which == 2))
        i = np.flatnonzero(valid)
        rows.append(
            dict(
                {k: v[i] for k, v in base.items()},
                push=push[i],
                email_oo=eoo[i],
                sms_oo=soo[i],
                updated=t[i],
            )
        )
    out = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    out["defect"] = np.zeros(out["uid"].size, np.int8)
    return out


def _order_rows(orders, rng, end_us):
    """Every order paid at its time, plus a later refunded (5%) or cancelled (2%) version
    when that falls inside the period."""
    n = orders["oid"].size
    base = dict(orders, status=np.zeros(n, np.int8), updated=orders["t"].copy())
    r = rng.random(n)
    ref = r < 0.05
    can = (r >= 0.05) & (r < 0.07)
    later = np.where(
        ref,
        orders["t"] + rng.integers(DAY_US, 20 * DAY_US, n),
        orders["t"] + rng.integers(600 * US, 2 * DAY_US, n),
    )
    i = np.flatnonzero((ref | can) & (later <= end_us))
    v2 = {k: v[i] for k, v in orders.items()}
    v2["status"] = np.where(ref[i], 1, 2).astype(np.int8)
    v2["updated"] = later[i]
    out = {k: np.concatenate([base[k], v2[k]]) for k in base}
    out["defect"] = np.zeros(out["oid"].size, np.int8)
    return out


def _sel(d, mask):
    return {k: v[mask] for k, v in d.items()}


def _dec(x, q):
    return None if x is None else Decimal(str(x)).quantize(Decimal(q))


def _natural_return_rates(acc, start, as_of):
    """{state: {channel: {user_days, expected_returns, variance, rate}}} over return days
    d <= as_of_date from the per-day tallies of world.simulate_chunk (see __init__)."""
    last = -1 if as_of is None else (dt.date.fromisoformat(as_of) - start).days
    tot = acc[:, :, :, : max(0, last + 1)].sum(axis=3)
    out = {}
    for s, state in enumerate(INACTIVE_STATES):
        out[state] = {}
        for c, key in enumerate(CHANNEL_KEYS):
            n, e, v = tot[0, s, c], tot[1, s, c], tot[2, s, c]
            out[state][key] = dict(
                user_days=int(round(n)),
                expected_returns=float(e),
                variance=float(v),
                rate=(float(e / n) if n else None),
            )
    return out


@dataclass
class _Run:
    """One generator run: its parameters and what the chunks add up to."""

    out: str
    ctx: Ctx
    start: dt.date
    enabled: list[str]
    defect_rate: float
    end_period: int  # last µs of the simulated period
    land_end: int  # last µs landed (--land-through)
    camp_landed: list[bool]  # campaign k landed (starts_at <= land_end)
    raw_rows: dict[str, int]
    defect_counts: dict
    arm_users: np.ndarray  # per variant gidx: assigned users
    arm_p_treated: np.ndarray  # ... sum of P(convert)
    arm_p_natural: np.ndarray  # ... sum of P(convert on their own)
    natural_returns: np.ndarray  # world.ChunkRecords.natural_returns summed over chunks
    delivery_defects: np.ndarray  # variant gidx x DELIVERY_CLASSES: landed affected users
    uplift: list = field(default_factory=list)  # per-chunk tables of _truth_uplift.parquet
    max_received: int | None = None
    registered: int = 0
    wrote_events: bool = False
    code_name: dict[int, str] = field(default_factory=dict)


def _start_run(out, ctx, start, enabled, defect_rate, land_through) -> _Run:
    end_period = ctx.start_us + ctx.days * DAY_US - 1
    land_end = end_period
    if land_through:
        land_end = min(end_period, _us(dt.date.fromisoformat(land_through)) + DAY_US - 1)
    defect_counts = {n: 0 for n in DEFECTS}
    defect_counts["conflicting_versions"] = {"users": 0, "orders": 0}
    dropped_day = missing_platform_day(ctx.days)
    defect_counts["missing_platform_day"] = dict(
        platform="ios",
        date=(
            (start + dt.timedelta(days=dropped_day)).isoformat()
            if dropped_day is not None
            else None
        ),
        rows_dropped=0,
    )
    n_var = sum(len(cp["variants"]) for cp in ctx.camps)
    return _Run(
        out=out,
        ctx=ctx,
        start=start,
        enabled=enabled,
        defect_rate=defect_rate,
        end_period=end_period,
        land_end=land_end,
        camp_landed=[ctx.start_us + cp["start_day"] * DAY_US <= land_end for cp in ctx.camps],
        raw_rows={t: 0 for t in TABLES},
        defect_counts=defect_counts,
        arm_users=np.zeros(n_var),
        arm_p_treated=np.zeros(n_var),
        arm_p_natural=np.zeros(n_var),
        natural_returns=np.zeros((3, len(INACTIVE_STATES), len(CHANNELS), ctx.days)),
        delivery_defects=np.zeros((n_var, len(DELIVERY_CLASSES)), np.int64),
        code_name={d.code: n for n, d in DEFECTS.items()},
    )


def _clear_output(out: str) -> None:
    os.makedirs(out, exist_ok=True)
    for t in TABLES:
        shutil.rmtree(os.path.join(out, t), ignore_errors=True)
    for name in ("_truth.json", UPLIFT_FILE):
        if os.path.exists(os.path.join(out, name)):
            os.remove(os.path.join(out, name))


def generate(
    out: str,
    users: int = 5000,
    days: int = 90,
    seed: int = 42,
    start_date: str = "2026-01-01",
    defects: str = "default",
    defect_rate: float = 0.01,
    land_through: str | None = None,
    quiet: bool = False,
    expected: bool = True,
) -> dict:
    """Generate the raw tables into `out` and return the planted truth (also written to
    out/_truth.json); see the package docstring."""
    from tqdm import tqdm

    start = dt.date.fromisoformat(start_date)
    ctx = Ctx(seed, users, days, _us(start), start.weekday())
    run = _start_run(out, ctx, start, parse_defects(defects), defect_rate, land_through)
    _clear_output(out)
    bar = tqdm(range(ctx.n_chunks), disable=quiet, desc="generating", unit="chunk")
    for c in bar:
        _generate_chunk(run, c)
        if not quiet:
            bar.set_postfix(events=run.raw_rows["events"])
    for name, rows in apply_file_defects(out, run.enabled, ctx).items():
        run.defect_counts[name] += rows
        if name == "redelivered_file":  # the copy's rows are added rows
            run.raw_rows["events"] += rows
    if not run.wrote_events:
        writer.write(
            SCHEMAS["events"].empty_table(),
            os.path.join(out, "events", f"dt={start.isoformat()}", "part-empty.parquet"),
        )
    _write_campaigns(run)
    writer.write(
        pa.concat_tables(run.uplift) if run.uplift else UPLIFT_SCHEMA.empty_table(),
        os.path.join(out, UPLIFT_FILE),
    )
    as_of = (
        (_date(run.max_received) - dt.timedelta(days=1)).isoformat()
        if run.max_received is not None
        else None
    )
    arms, delivery = _arm_truth(run)
    truth = dict(
        params=dict(
            seed=seed,
            users=users,
            days=days,
            start_date=start.isoformat(),
            defects=run.enabled,
            defect_rate=defect_rate,
            land_through=land_through,
        ),
        as_of_date=as_of,
        raw_rows=run.raw_rows,
        registered_users=run.registered,
        arms=arms,
        uplift_model=uplift_model(),
        natural_return_daily_hazard={
            k: float(v) for k, v in zip(CHANNEL_KEYS, RETURN, strict=True)
        },
        lapse_daily_hazard={k: float(v) for k, v in zip(CHANNEL_KEYS, LAPSE, strict=True)},
        lapse_hazard_new_user_multiplier=dict(
            multiplier=NEW_USER_LAPSE_MULT, first_days=NEW_USER_DAYS
        ),
        natural_return_rates=_natural_return_rates(run.natural_returns, start, as_of),
        defects=run.defect_counts,
        delivery_defects=delivery,
    )
    if expected and as_of is not None:
        truth["expected"] = compute_expected(out, as_of)
    with open(os.path.join(out, "_truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=False)
    return truth


def _generate_chunk(run: _Run, c: int) -> None:
    """Simulate chunk c, inject its defects, land it, add it to the run's totals, write it."""
    ctx = run.ctx
    world = simulate_chunk(ctx, c)
    events = world["events"]
    events["defect"] = np.zeros(events["t"].size, np.int8)
    tables = dict(
        events=events,
        users=_user_rows(world["users"]),
        orders=_order_rows(
            world["orders"], np.random.default_rng([ctx.seed, 3, c]), run.end_period
        ),
        assign={k: v.copy() for k, v in world["assign"].items()},
        sends={k: v.copy() for k, v in world["sends"].items()},
        callbacks={k: v.copy() for k, v in world["callbacks"].items()},
    )
    tables = apply_defects(world, tables, run.enabled, run.defect_rate, ctx, c)
    landed = _land(tables, run.land_end)
    _count_marked_defects(run, tables["_marks"])
    _count_landed(run, landed)
    run.natural_returns += world["natural_returns"]
    for k, gvar, p_treated, p_natural in world["truth"] + tables["_truth_extra"]:
        if run.camp_landed[k]:
            np.add.at(run.arm_users, gvar, 1)
            np.add.at(run.arm_p_treated, gvar, p_treated)
            np.add.at(run.arm_p_natural, gvar, p_natural)
    run.uplift.extend(_uplift_rows(run, world))
    _write_chunk(run, c, landed)


def _uplift_rows(run: _Run, world: dict) -> list[pa.Table]:
    """The chunk's rows of _truth_uplift.parquet: every assigned user of a landed campaign
    x every treatment arm of that campaign (see the package docstring)."""
    ctx = run.ctx
    campaign_ids = [cp["campaign_id"] for cp in ctx.camps]
    variant_ids = [v["variant_id"] for cp in ctx.camps for v in cp["variants"]]
    tables = []
    for r in world["uplift"]:
        if not run.camp_landed[r["k"]]:
            continue
        value = r["value"]
        tables.append(
            pa.table(
                [
                    writer.lookup(campaign_ids, r["camp"]),
                    writer.user_ids(world["users"]["uid"][r["u"]]),
                    writer.lookup(variant_ids, r["var"]),
                    writer.lookup(variant_ids, r["assigned"]),
                    pa.array(r["p_natural"], pa.float64()),
                    pa.array(r["p_treated"], pa.float64()),
                    pa.array(value, pa.float64(), mask=np.isnan(value)),
                    pa.array(r["reward"], pa.float64()),
                ],
                schema=UPLIFT_SCHEMA,
            )
        )
    return tables


def _land(tables: dict, land_end: int) -> dict:
    """The rows of each table that arrived by land_end."""
    return dict(
        events=_sel(tables["events"], tables["events"]["recv"] <= land_end),
        users=_sel(tables["users"], tables["users"]["updated"] <= land_end),
        orders=_sel(tables["orders"], tables["orders"]["updated"] <= land_end),
        assign=_sel(tables["assign"], tables["assign"]["at"] <= land_end),
        sends=_sel(tables["sends"], tables["sends"]["sched"] <= land_end),
        callbacks=_sel(tables["callbacks"], tables["callbacks"]["recv"] <= land_end),
    )


def _count_marked_defects(run: _Run, marks: list) -> None:
    """Defect classes that mark rows instead of coding them (campaign classes): count the
    landed ones, per arm for the delivery classes."""
    for name, var, when in marks:
        landed = when <= run.land_end
        if name == "missing_platform_day":
            run.defect_counts[name]["rows_dropped"] += int(landed.sum())
        else:
            run.defect_counts[name] += int(landed.sum())
        if name in DELIVERY_CLASSES:
            np.add.at(run.delivery_defects[:, DELIVERY_CLASSES.index(name)], var[landed], 1)


def _count_landed(run: _Run, landed: dict) -> None:
    """Defect codes of the landed events, users and orders; registered users; latest
    received_at."""
    events, users, orders = landed["events"], landed["users"], landed["orders"]
    codes, cnt = np.unique(events["defect"], return_counts=True)
    for k, v in zip(codes, cnt, strict=True):
        if k:
            run.defect_counts[run.code_name[int(k)]] += int(v)
    conflicting = DEFECTS["conflicting_versions"].code
    invalid = DEFECTS["invalid_amounts"].code
    versions = run.defect_counts["conflicting_versions"]
    versions["users"] += int((users["defect"] == conflicting).sum())
    versions["orders"] += int((orders["defect"] == conflicting).sum())
    run.defect_counts["invalid_amounts"] += int((orders["defect"] == invalid).sum())
    if "tz_bad" in users:
        run.defect_counts["unknown_timezones"] += int(
            np.unique(users["uid"][users["tz_bad"] > 0]).size
        )
    run.registered += int(np.unique(users["uid"]).size)
    if events["recv"].size:
        m = int(events["recv"].max())
        run.max_received = m if run.max_received is None else max(run.max_received, m)


def _write_chunk(run: _Run, c: int, landed: dict) -> None:
    ctx, out = run.ctx, run.out
    part = f"part-{c:05d}.parquet"
    if landed["events"]["t"].size:
        _write_events(run, c, landed["events"])
    campaign_ids = [cp["campaign_id"] for cp in ctx.camps] + [UNKNOWN_CAMPAIGN_ID]
    variant_ids = [v["variant_id"] for cp in ctx.camps for v in cp["variants"]] + [
        UNKNOWN_VARIANT_ID
    ]
    for name, table in (
        ("users", writer.users_table(landed["users"])),
        ("orders", writer.orders_table(landed["orders"], ctx.variant_coupon)),
        (
            "campaign_assignments",
            writer.assignments_table(landed["assign"], campaign_ids, variant_ids),
        ),
        ("message_sends", writer.sends_table(landed["sends"], campaign_ids, variant_ids)),
        ("message_events", writer.callbacks_table(landed["callbacks"])),
    ):
        writer.write(table, os.path.join(out, name, part))
        run.raw_rows[name] += table.num_rows


def _write_events(run: _Run, c: int, events: dict) -> None:
    """The chunk's events, one file per dt partition (UTC date of received_at)."""
    day = (events["recv"] - run.ctx.start_us) // DAY_US
    order = np.argsort(day, kind="stable")
    events = _sel(events, order)
    day = day[order]
    table = writer.events_table(events, run.ctx.variant_coupon, run.ctx.variant_campaign)
    uniq, first = np.unique(day, return_index=True)
    bounds = list(first) + [day.size]
    ranges = [
        ((run.start + dt.timedelta(days=int(d))).isoformat(), bounds[i], bounds[i + 1])
        for i, d in enumerate(uniq)
    ]
    writer.write_events(table, ranges, run.out, c)
    run.wrote_events = True
    run.raw_rows["events"] += table.num_rows


def _write_campaigns(run: _Run) -> None:
    """campaigns and campaign_variants: the campaigns landed (starts_at <= land end)."""
    campaign_rows, variant_rows = [], []
    for k, cp in enumerate(run.ctx.camps):
        if not run.camp_landed[k]:
            continue
        starts_at = EPOCH + dt.timedelta(microseconds=run.ctx.start_us + cp["start_day"] * DAY_US)
        campaign_rows.append(
            dict(
                campaign_id=cp["campaign_id"],
                campaign_name=cp["campaign_name"],
                objective=cp["objective"],
                target_state=cp["target_state"],
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(days=cp["window"]),
                conversion_event=cp["conversion_event"],
                attribution_window_days=cp["window"],
            )
        )
        for v in cp["variants"]:
            variant_rows.append(
                dict(
                    campaign_id=cp["campaign_id"],
                    variant_id=v["variant_id"],
                    is_control=v["is_control"],
                    channel=v["channel"],
                    hook_type=v["hook_type"],
                    offer_value=_dec(v["offer_value"], "0.01"),
                    coupon_id=v["coupon_id"],
                    copy_id=v["copy_id"],
                    cost_per_send=_dec(v["cost_per_send"], "0.0001"),
                    allocation_share=_dec(v["allocation_share"], "0.000001"),
                )
            )
    for name, rows in (("campaigns", campaign_rows), ("campaign_variants", variant_rows)):
        table = (
            pa.Table.from_pylist(rows, schema=SCHEMAS[name])
            if rows
            else SCHEMAS[name].empty_table()
        )
        writer.write(table, os.path.join(run.out, name, "part-00000.parquet"))
        run.raw_rows[name] = table.num_rows


def _arm_truth(run: _Run) -> tuple[dict, dict]:
    """(arms, delivery_defects) of _truth.json for the landed campaigns."""
    n, p_treated, p_natural = run.arm_users, run.arm_p_treated, run.arm_p_natural
    arms, delivery = {}, {}
    for k, cp in enumerate(run.ctx.camps):
        if not run.camp_landed[k]:
            continue
        ctrl = cp["variants"][0]["gidx"]
        variants = {}
        for v in cp["variants"]:
            g = v["gidx"]
            nn = int(n[g])
            rec = dict(
                channel=v["channel"],
                hook_type=v["hook_type"],
                offer_value=v["offer_value"],
                copy_id=v["copy_id"],
                copy_effect_multiplier=v.get("copy_effect_multiplier"),
                is_control=v["is_control"],
                n_assigned=nn,
                true_conversion_rate=(p_treated[g] / nn) if nn else None,
                true_natural_rate=(p_natural[g] / nn) if nn else None,
                response_prob_if_delivered=v["effect"],
            )
            if not v["is_control"]:
                rec["true_absolute_lift"] = ((p_treated[g] - p_natural[g]) / nn) if nn else None
                rec["true_rate_minus_control_rate"] = (
                    (p_treated[g] / nn - p_treated[ctrl] / n[ctrl]) if nn and n[ctrl] else None
                )
            variants[v["variant_id"]] = rec
            delivery.setdefault(cp["campaign_id"], {})[v["variant_id"]] = {
                name: int(run.delivery_defects[g, j]) for j, name in enumerate(DELIVERY_CLASSES)
            }
        start_d = run.start + dt.timedelta(days=cp["start_day"])
        arms[cp["campaign_id"]] = dict(
            start_date=start_d.isoformat(),
            conversion_event=cp["conversion_event"],
            target_state=cp["target_state"],
            attribution_window_days=cp["window"],
            window_end=(start_d + dt.timedelta(days=cp["window"])).isoformat(),
            variants=variants,
        )
    return arms, delivery
