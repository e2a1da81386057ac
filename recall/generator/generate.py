"""Orchestration: simulate chunk by chunk, inject defects, land (--land-through), write,
then compute the planted truth and the oracle figures."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from decimal import Decimal

import numpy as np
import pyarrow as pa

from . import writer as W
from .defects import (DEFECTS, DELIVERY_CLASSES, UNKNOWN_CAMPAIGN_ID, UNKNOWN_VARIANT_ID,
                      apply_defects, missing_platform_day, parse_defects)
from .expected import compute_expected
from .schema import SCHEMAS, TABLES
from .world import (CHANNEL_KEYS, CHANNELS, DAY_US, LAPSE, NEW_USER_DAYS, NEW_USER_LAPSE_MULT,
                    NRR_STATES, RETURN, US, Ctx, simulate_chunk)

EPOCH = dt.datetime(1970, 1, 1)


def _us(d: dt.date) -> int:
    return int((dt.datetime(d.year, d.month, d.day) - EPOCH).total_seconds()) * US


def _date(us: int) -> dt.date:
    return (EPOCH + dt.timedelta(microseconds=int(us))).date()


def _user_rows(U):
    """Snapshots: base row at registered_at, plus up to two later snapshots that each toggle
    one attribute (push_enabled / email_opt_out / sms_opt_out) cumulatively."""
    rows = []
    push, eoo, soo = U["push"].copy(), U["email_oo"].copy(), U["sms_oo"].copy()
    base = dict(uid=U["uid"], reg_t=U["reg_t"], ch=U["ch"], plat=U["plat"], geo=U["geo"],
                has_phone=U["has_phone"], has_email=U["has_email"])
    rows.append(dict(base, push=push.copy(), email_oo=eoo.copy(), sms_oo=soo.copy(), updated=U["reg_t"]))
    for valid, t, which in ((U["v1"], U["t1"], U["which1"]), (U["v2"], U["t2"], U["which2"])):
        push = push ^ (valid & (which == 0))
        eoo = eoo ^ (valid & (which == 1))
        soo = soo ^ (valid & (which == 2))
        i = np.flatnonzero(valid)
        rows.append(dict({k: v[i] for k, v in base.items()}, push=push[i], email_oo=eoo[i],
                         sms_oo=soo[i], updated=t[i]))
    out = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    out["defect"] = np.zeros(out["uid"].size, np.int8)
    return out


def _order_rows(O, rng, end_us):
    n = O["oid"].size
    base = dict(O, status=np.zeros(n, np.int8), updated=O["t"].copy())
    r = rng.random(n)
    ref = r < 0.05
    can = (r >= 0.05) & (r < 0.07)
    later = np.where(ref, O["t"] + rng.integers(DAY_US, 20 * DAY_US, n),
                     O["t"] + rng.integers(600 * US, 2 * DAY_US, n))
    i = np.flatnonzero((ref | can) & (later <= end_us))
    v2 = {k: v[i] for k, v in O.items()}
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
    tot = acc[:, :, :, :max(0, last + 1)].sum(axis=3)
    out = {}
    for s, state in enumerate(NRR_STATES):
        out[state] = {}
        for c, key in enumerate(CHANNEL_KEYS):
            n, e, v = tot[0, s, c], tot[1, s, c], tot[2, s, c]
            out[state][key] = dict(user_days=int(round(n)), expected_returns=float(e),
                                   variance=float(v), rate=(float(e / n) if n else None))
    return out


def generate(out, users=5000, days=90, seed=42, start_date="2026-01-01", defects="default",
             defect_rate=0.01, land_through=None, quiet=False, expected=True):
    from tqdm import tqdm

    start = dt.date.fromisoformat(start_date)
    S0 = _us(start)
    ctx = Ctx(seed, users, days, S0, start.weekday())
    enabled = parse_defects(defects)
    end_period = S0 + days * DAY_US - 1
    land_end = end_period
    if land_through:
        land_end = min(end_period, _us(dt.date.fromisoformat(land_through)) + DAY_US - 1)
    os.makedirs(out, exist_ok=True)
    for t in TABLES:
        shutil.rmtree(os.path.join(out, t), ignore_errors=True)
    if os.path.exists(os.path.join(out, "_truth.json")):
        os.remove(os.path.join(out, "_truth.json"))

    raw_rows = {t: 0 for t in TABLES}
    defect_counts = {n: 0 for n in DEFECTS}
    defect_counts["conflicting_versions"] = {"users": 0, "orders": 0}
    mpd = missing_platform_day(days)
    defect_counts["missing_platform_day"] = dict(
        platform="ios", date=(start + dt.timedelta(days=mpd)).isoformat() if mpd is not None else None,
        rows_dropped=0)
    code_name = {d.code: n for n, d in DEFECTS.items()}
    n_var = sum(len(cp["variants"]) for cp in ctx.camps)
    acc_n = np.zeros(n_var)
    acc_pt = np.zeros(n_var)
    acc_pn = np.zeros(n_var)
    acc_nrr = np.zeros((3, len(NRR_STATES), len(CHANNELS), days))
    acc_dd = np.zeros((n_var, len(DELIVERY_CLASSES)), np.int64)
    camp_landed = [S0 + cp["start_day"] * DAY_US <= land_end for cp in ctx.camps]
    max_recv = None
    registered = 0
    wrote_events = False

    bar = tqdm(range(ctx.n_chunks), disable=quiet, desc="generating", unit="chunk")
    for c in bar:
        w = simulate_chunk(ctx, c)
        ev = w["events"]
        ev["defect"] = np.zeros(ev["t"].size, np.int8)
        tables = dict(events=ev, users=_user_rows(w["users"]),
                      orders=_order_rows(w["orders"], np.random.default_rng([seed, 3, c]), end_period),
                      assign={k: v.copy() for k, v in w["assign"].items()},
                      sends={k: v.copy() for k, v in w["sends"].items()},
                      callbacks={k: v.copy() for k, v in w["callbacks"].items()})
        tables = apply_defects(w, tables, enabled, defect_rate, ctx, c)
        # ---- land
        ev = _sel(tables["events"], tables["events"]["recv"] <= land_end)
        us_ = _sel(tables["users"], tables["users"]["updated"] <= land_end)
        od = _sel(tables["orders"], tables["orders"]["updated"] <= land_end)
        asg = _sel(tables["assign"], tables["assign"]["at"] <= land_end)
        snd = _sel(tables["sends"], tables["sends"]["sched"] <= land_end)
        cb = _sel(tables["callbacks"], tables["callbacks"]["recv"] <= land_end)
        for name, var, when in tables["_marks"]:
            landed = when <= land_end
            if name == "missing_platform_day":
                defect_counts[name]["rows_dropped"] += int(landed.sum())
            else:
                defect_counts[name] += int(landed.sum())
            if name in DELIVERY_CLASSES:
                np.add.at(acc_dd[:, DELIVERY_CLASSES.index(name)], var[landed], 1)
        # ---- counts
        codes, cnt = np.unique(ev["defect"], return_counts=True)
        for k, v in zip(codes, cnt):
            if k:
                defect_counts[code_name[int(k)]] += int(v)
        cv, ia = DEFECTS["conflicting_versions"].code, DEFECTS["invalid_amounts"].code
        defect_counts["conflicting_versions"]["users"] += int((us_["defect"] == cv).sum())
        defect_counts["conflicting_versions"]["orders"] += int((od["defect"] == cv).sum())
        defect_counts["invalid_amounts"] += int((od["defect"] == ia).sum())
        registered += int(np.unique(us_["uid"]).size)
        if ev["recv"].size:
            m = int(ev["recv"].max())
            max_recv = m if max_recv is None else max(max_recv, m)
        acc_nrr += w["nrr"]
        for k, gvar, p_tr, p_nat in w["truth"] + tables["_truth_extra"]:
            if camp_landed[k]:
                np.add.at(acc_n, gvar, 1)
                np.add.at(acc_pt, gvar, p_tr)
                np.add.at(acc_pn, gvar, p_nat)
        # ---- write
        part = f"part-{c:05d}.parquet"
        if ev["t"].size:
            day = (ev["recv"] - S0) // DAY_US
            order = np.argsort(day, kind="stable")
            ev = _sel(ev, order)
            day = day[order]
            tbl = W.events_table(ev, ctx.variant_coupon, ctx.variant_campaign)
            uniq, first = np.unique(day, return_index=True)
            bounds = list(first) + [day.size]
            ranges = [((start + dt.timedelta(days=int(d))).isoformat(), bounds[i], bounds[i + 1])
                      for i, d in enumerate(uniq)]
            W.write_events(tbl, ranges, out, c)
            wrote_events = True
            raw_rows["events"] += tbl.num_rows
        t = W.users_table(us_)
        W.write(t, os.path.join(out, "users", part)); raw_rows["users"] += t.num_rows
        t = W.orders_table(od, ctx.variant_coupon)
        W.write(t, os.path.join(out, "orders", part)); raw_rows["orders"] += t.num_rows
        vid = [v["variant_id"] for cp in ctx.camps for v in cp["variants"]] + [UNKNOWN_VARIANT_ID]
        cid = [cp["campaign_id"] for cp in ctx.camps] + [UNKNOWN_CAMPAIGN_ID]
        t = pa.Table.from_arrays([W.lookup(cid, asg["camp"]), W.user_ids(asg["uid"]),
                                  W.lookup(vid, asg["var"]), W.ts(asg["at"])],
                                 schema=SCHEMAS["campaign_assignments"])
        W.write(t, os.path.join(out, "campaign_assignments", part)); raw_rows["campaign_assignments"] += t.num_rows
        t = pa.Table.from_arrays([
            W.ids("m", snd["sid"]), W.lookup(cid, snd["camp"]), W.lookup(vid, snd["var"]),
            W.user_ids(snd["uid"]), W.lookup(W.SEND_CHANNELS, snd["ch"]), W.ts(snd["sched"]),
            W.ts(snd["sent"], snd["sent"] < 0), W.lookup(W.SEND_STATUS, snd["status"]),
            W.lookup(W.FAIL_REASONS, snd["reason"])], schema=SCHEMAS["message_sends"])
        W.write(t, os.path.join(out, "message_sends", part)); raw_rows["message_sends"] += t.num_rows
        o = np.lexsort((cb["typ"], cb["sid"]))
        cb = _sel(cb, o)
        t = pa.Table.from_arrays([
            W.join("me", W.istr(cb["sid"]), "-", W.istr(cb["typ"])), W.ids("m", cb["sid"]),
            W.lookup(W.CALLBACK_TYPES, cb["typ"]), W.ts(cb["t"]), W.ts(cb["recv"])],
            schema=SCHEMAS["message_events"])
        W.write(t, os.path.join(out, "message_events", part)); raw_rows["message_events"] += t.num_rows
        if not quiet:
            bar.set_postfix(events=raw_rows["events"])
    if not wrote_events:
        W.write(SCHEMAS["events"].empty_table(),
                os.path.join(out, "events", f"dt={start.isoformat()}", "part-empty.parquet"))

    # ---- campaigns and variants (landed when starts_at <= land end)
    crow, vrow = [], []
    for k, cp in enumerate(ctx.camps):
        if not camp_landed[k]:
            continue
        s_at = EPOCH + dt.timedelta(microseconds=S0 + cp["start_day"] * DAY_US)
        crow.append(dict(campaign_id=cp["campaign_id"], campaign_name=cp["campaign_name"],
                         objective=cp["objective"], target_state=cp["target_state"],
                         starts_at=s_at, ends_at=s_at + dt.timedelta(days=cp["window"]),
                         conversion_event=cp["conversion_event"],
                         attribution_window_days=cp["window"]))
        for v in cp["variants"]:
            vrow.append(dict(campaign_id=cp["campaign_id"], variant_id=v["variant_id"],
                             is_control=v["is_control"], channel=v["channel"], hook_type=v["hook_type"],
                             offer_value=_dec(v["offer_value"], "0.01"), coupon_id=v["coupon_id"],
                             copy_id=v["copy_id"], cost_per_send=_dec(v["cost_per_send"], "0.0001"),
                             allocation_share=_dec(v["allocation_share"], "0.000001")))
    for name, rows in (("campaigns", crow), ("campaign_variants", vrow)):
        t = pa.Table.from_pylist(rows, schema=SCHEMAS[name]) if rows else SCHEMAS[name].empty_table()
        W.write(t, os.path.join(out, name, "part-00000.parquet"))
        raw_rows[name] = t.num_rows

    # ---- truth
    arms = {}
    delivery = {}
    for k, cp in enumerate(ctx.camps):
        if not camp_landed[k]:
            continue
        ctrl = cp["variants"][0]["gidx"]
        a = {}
        for v in cp["variants"]:
            g = v["gidx"]
            nn = int(acc_n[g])
            rec = dict(channel=v["channel"], hook_type=v["hook_type"], offer_value=v["offer_value"],
                       is_control=v["is_control"], n_assigned=nn,
                       true_conversion_rate=(acc_pt[g] / nn) if nn else None,
                       true_natural_rate=(acc_pn[g] / nn) if nn else None,
                       response_prob_if_delivered=v["effect"])
            if not v["is_control"]:
                rec["true_absolute_lift"] = ((acc_pt[g] - acc_pn[g]) / nn) if nn else None
                rec["true_rate_minus_control_rate"] = (
                    (acc_pt[g] / nn - acc_pt[ctrl] / acc_n[ctrl]) if nn and acc_n[ctrl] else None)
            a[v["variant_id"]] = rec
            delivery.setdefault(cp["campaign_id"], {})[v["variant_id"]] = {
                name: int(acc_dd[g, j]) for j, name in enumerate(DELIVERY_CLASSES)}
        start_d = start + dt.timedelta(days=cp["start_day"])
        arms[cp["campaign_id"]] = dict(
            start_date=start_d.isoformat(), conversion_event=cp["conversion_event"],
            target_state=cp["target_state"], attribution_window_days=cp["window"],
            window_end=(start_d + dt.timedelta(days=cp["window"])).isoformat(), variants=a)
    as_of = (_date(max_recv) - dt.timedelta(days=1)).isoformat() if max_recv is not None else None
    truth = dict(
        params=dict(seed=seed, users=users, days=days, start_date=start.isoformat(),
                    defects=enabled, defect_rate=defect_rate, land_through=land_through),
        as_of_date=as_of,
        raw_rows=raw_rows,
        registered_users=registered,
        arms=arms,
        natural_return_daily_hazard={k: float(v) for k, v in zip(CHANNEL_KEYS, RETURN)},
        lapse_daily_hazard={k: float(v) for k, v in zip(CHANNEL_KEYS, LAPSE)},
        lapse_hazard_new_user_multiplier=dict(multiplier=NEW_USER_LAPSE_MULT, first_days=NEW_USER_DAYS),
        natural_return_rates=_natural_return_rates(acc_nrr, start, as_of),
        defects=defect_counts,
        delivery_defects=delivery,
    )
    if expected and as_of is not None:
        truth["expected"] = compute_expected(out, as_of)
    with open(os.path.join(out, "_truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=False)
    return truth
