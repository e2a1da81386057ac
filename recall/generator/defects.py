"""Defect injection. Each class is a function registered in DEFECTS (name -> Defect);
adding a class = writing one function and one registry entry.

Every class draws from its own random stream (seed, chunk, crc32(name)), so switching one
class on or off never changes the base world nor any other class. Event rows carry a
`defect` code: added rows get their class code, modified rows are chosen only among
pristine rows (defect == 0) and get the code, so every landed defect row is counted once.
Users and orders rows carry the same kind of code.

Targets: "events" classes get the events arrays; "users_orders" classes the tables dict;
"campaigns" classes (campaign delivery and cross-system classes, see the section below) the
whole chunk including the campaign arrays assign / sends / callbacks, after all other classes;
"files" classes (landing-level defects, see apply_file_defects) the landing folder once every
chunk is written, and return the number of event rows they affected.
Defect.default: on under --defects default (False: only under `all` or when named).

Quarantine reason (models/intermediate/campaigns/*_triaged.sql) or check of each campaign class:
  duplicate_sends, missed_sends, early_sends, late_sends, contaminated_controls
      none (clean rows); exposure flags duplicate / missed / early / late / contaminated (R41)
  missing_platform_day       none; tracking-completeness volume alert (R43-R44)
  clicks_without_app_open    none; click -> app_open check (R45)
  purchases_without_order    none; purchase events with an order (R45)
  orders_without_purchase    none; paid orders with a purchase event (R45)
  callbacks_without_send     message_events: unknown_send
  sends_without_assignment   message_sends: no_assignment
  duplicate_assignments      campaign_assignments: duplicate_assignment
  unknown_campaign_assignments  campaign_assignments: unknown_campaign / unknown_variant
  callbacks_out_of_order     none (clean callbacks); clicked-before-delivered check
  off_target_assignments     none (clean control assignments); exposure flag off-target
  implausible_dates          users / orders / message_sends / events: implausible_date
  unknown_timezones          none (user kept, time zone null); unknown_time_zone_users check

Landing-level ("files") classes:
  redelivered_file           events: duplicate (a second copy of one partition file)
  drifted_partition          events: schema_drift (one file with columns renamed)
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow.parquet as pq

from .world import (
    DAY_US,
    EV_COLS,
    EVENT_CODE,
    N_PLAN,
    P_APP_OPEN,
    P_APP_OPEN_SEND,
    P_EMPTY,
    P_MISSING,
    P_PAGE,
    P_PURCHASE,
    P_TEXT,
    P_TRUNCATED,
    SEND_STATUS_CODE,
    UNKNOWN_USER_BASE,
    US,
    VISITOR_DEV_BASE,
    Ctx,
    _ev_block,
    concat_blocks,
)


@dataclass
class Defect:
    code: int
    target: str  # events | users_orders | campaigns | files
    fn: Callable
    scale: float = 1.0  # share of --defect-rate used by this class
    doc: str = ""
    default: bool = True  # on under --defects default (all classes are on under `all`)


DEFECTS: dict[str, Defect] = {}


def register(
    name: str,
    code: int,
    target: str = "events",
    scale: float = 1.0,
    doc: str = "",
    default: bool = True,
) -> Callable[[Callable], Callable]:
    """Decorator: register the function as defect class `name` (see Defect)."""

    def deco(fn: Callable) -> Callable:
        DEFECTS[name] = Defect(code, target, fn, scale, doc, default)
        return fn

    return deco


CODE_NAMES = {}


def parse_defects(spec: str) -> list[str]:
    """The enabled classes, in registry order, of --defects default | all | none | a,b."""
    if spec == "default":
        return [n for n, d in DEFECTS.items() if d.default]
    if spec == "all":
        return list(DEFECTS)
    if spec in ("none", ""):
        return []
    names = [s.strip() for s in spec.split(",") if s.strip()]
    bad = [s for s in names if s not in DEFECTS]
    if bad:
        raise SystemExit(f"unknown defect classes {bad}; known: {sorted(DEFECTS)}")
    return [n for n in DEFECTS if n in names]  # registry order


def rng_for(seed: int, chunk: int, name: str) -> np.random.Generator:
    """The random stream of one defect class in one chunk."""
    return np.random.default_rng([seed, 2, zlib.crc32(name.encode()), chunk])


# names that we do not disturb with modifying defects (commerce/registration/conversions)
_PROTECTED = np.array([EVENT_CODE[n] for n in ("register", "purchase", "app_open", "coupon_claim")])


def _pick(rng, mask, rate):
    idx = np.flatnonzero(mask)
    k = int(rng.binomial(idx.size, min(1.0, rate))) if idx.size else 0
    return np.sort(rng.choice(idx, size=k, replace=False)) if k else np.zeros(0, np.int64)


def _new_eids(ctx, c, code, k):
    return c * 10**10 + 9 * 10**9 + code * 10**7 + np.arange(k, dtype=np.int64)


def _latency(rng, k):
    return (np.minimum(np.exp(rng.normal(np.log(1.5), 1.2, k)), 600.0) * US).astype(np.int64) + 1000


# ---------------------------------------------------------------- row-adding classes
@register("anonymous_events", 4, doc="extra anonymous page_view rows on identified user devices")
def _anonymous(ev, rng, rate, ctx, c, code, world):
    src = _pick(
        rng,
        (ev["uid"] >= 0)
        & (ev["uid"] < UNKNOWN_USER_BASE)
        & (ev["sess"] >= 0)
        & (ev["defect"] == 0),
        rate,
    )
    k = src.size
    t = ev["t"][src] + rng.integers(1, 300, k) * US
    b = _ev_block(
        k,
        eid=_new_eids(ctx, c, code, k),
        name=EVENT_CODE["page_view"],
        uid=-1,
        dev=ev["dev"][src],
        sess=ev["sess"][src],
        t=t,
        plat=ev["plat"][src],
        ver=ev["ver"][src],
        pk=P_PAGE,
        pa=rng.integers(0, 6, k),
        defect=code,
    )
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


@register("never_identified", 5, doc="extra visitor devices that only ever emit anonymous events")
def _never(ev, rng, rate, ctx, c, code, world):
    k = int(rng.binomial(ev["t"].size, rate))
    if k == 0:
        return ev
    ndev = max(1, k // 4)
    owner = rng.integers(0, ndev, k)
    day = rng.integers(0, ctx.days, ndev)[owner]
    t = ctx.start_us + day * DAY_US + rng.integers(1, 86399, k) * US
    name = np.where(rng.random(k) < 0.5, EVENT_CODE["page_view"], EVENT_CODE["app_open"])
    b = _ev_block(
        k,
        eid=_new_eids(ctx, c, code, k),
        name=name,
        uid=-1,
        dev=VISITOR_DEV_BASE + 9 * 10**11 + c * 10**7 + owner,
        sess=9 * 10**15 + c * 10**8 + owner,
        t=t,
        plat=2,
        ver=-1,
        defect=code,
    )
    b["pk"] = np.where(b["name"] == EVENT_CODE["page_view"], P_PAGE, P_APP_OPEN).astype(np.int8)
    b["pa"] = np.zeros(k, np.int64)
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


@register("unknown_event_names", 6, doc="rows with event names outside the tracking plan")
def _unknown_names(ev, rng, rate, ctx, c, code, world):
    src = _pick(rng, (ev["defect"] == 0) & (ev["sess"] >= 0), rate)
    k = src.size
    t = ev["t"][src] + rng.integers(1, 60, k) * US
    b = _ev_block(
        k,
        eid=_new_eids(ctx, c, code, k),
        name=rng.integers(N_PLAN, N_PLAN + 4, k),
        uid=ev["uid"][src],
        dev=ev["dev"][src],
        sess=ev["sess"][src],
        t=t,
        plat=ev["plat"][src],
        ver=ev["ver"][src],
        pk=P_EMPTY,
        defect=code,
    )
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


@register(
    "before_registration",
    10,
    scale=0.2,
    doc="identified app_open rows dated 1-3 UTC days before the user's registration day",
)
def _before_reg(ev, rng, rate, ctx, c, code, world):
    U = world["users"]
    cand = U["reg_day"] >= 1
    k = int(rng.binomial(int(cand.sum()) * 10, rate)) if cand.any() else 0
    if k == 0:
        return ev
    who = rng.choice(np.flatnonzero(cand), size=k)
    back = np.minimum(rng.integers(1, 4, k), U["reg_day"][who])
    t = ctx.start_us + (U["reg_day"][who] - back) * DAY_US + rng.integers(1, 86399, k) * US
    b = _ev_block(
        k,
        eid=_new_eids(ctx, c, code, k),
        name=EVENT_CODE["app_open"],
        uid=U["uid"][who],
        dev=U["uid"][who] * 2,
        sess=-1,
        t=t,
        plat=U["plat"][who],
        ver=-1,
        pk=P_APP_OPEN,
        pa=0,
        defect=code,
    )
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


@register("unknown_users", 11, scale=0.2, doc="identified rows of user_ids without a users row")
def _unknown_users(ev, rng, rate, ctx, c, code, world):
    k = int(rng.binomial(ev["t"].size, rate))
    if k == 0:
        return ev
    ghosts = max(1, k // 5)
    owner = rng.integers(0, ghosts, k)
    day = rng.integers(0, ctx.days, k)
    t = ctx.start_us + day * DAY_US + rng.integers(1, 86399, k) * US
    g = UNKNOWN_USER_BASE + c * 10**6 + owner
    b = _ev_block(
        k,
        eid=_new_eids(ctx, c, code, k),
        name=EVENT_CODE["app_open"],
        uid=g,
        dev=g * 2 + 1,
        sess=-1,
        t=t,
        plat=1,
        ver=-1,
        pk=P_APP_OPEN,
        pa=0,
        defect=code,
    )
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


# ---------------------------------------------------------------- row-modifying classes
def _pristine(ev):
    return (ev["defect"] == 0) & ~np.isin(ev["name"], _PROTECTED) & (ev["name"] < N_PLAN)


@register(
    "late",
    3,
    doc="received_at 1-10 days after event_at (rows landing after the period are dropped)",
)
def _late(ev, rng, rate, ctx, c, code, world):
    i = _pick(
        rng,
        (ev["defect"] == 0) & (ev["name"] < N_PLAN) & (ev["name"] != EVENT_CODE["purchase"]),
        rate,
    )
    ev["recv"][i] = ev["t"][i] + rng.integers(DAY_US + US, 10 * DAY_US, i.size)
    ev["defect"][i] = code
    return ev


@register("malformed_properties", 7, doc="properties that are not a parseable JSON object")
def _malformed(ev, rng, rate, ctx, c, code, world):
    i = _pick(rng, _pristine(ev), rate)
    ev["pk"][i] = np.where(rng.random(i.size) < 0.5, P_TRUNCATED, P_TEXT)
    ev["pa"][i] = rng.integers(0, 60, i.size)
    ev["defect"][i] = code
    return ev


@register(
    "missing_required_properties",
    8,
    doc="valid JSON object '{}' on an event whose plan requires keys (rows stay clean)",
)
def _missing(ev, rng, rate, ctx, c, code, world):
    req = np.isin(
        ev["name"],
        [
            EVENT_CODE[n]
            for n in (
                "page_view",
                "content_view",
                "like",
                "comment",
                "share",
                "join_community",
                "add_to_cart",
            )
        ],
    )
    i = _pick(rng, _pristine(ev) & req, rate)
    ev["pk"][i] = P_MISSING
    ev["defect"][i] = code
    return ev


@register("future_events", 9, doc="device clock ahead: event_at 1-12 hours after received_at")
def _future(ev, rng, rate, ctx, c, code, world):
    i = _pick(rng, _pristine(ev), rate)
    ev["t"][i] = ev["recv"][i] + rng.integers(3600, 12 * 3600, i.size) * US
    ev["defect"][i] = code
    return ev


# ------------------------------------------------------- duplicates (copies of pristine rows)
@register("duplicates", 1, doc="retries: same event_id and payload, received 1 min - 18 h later")
def _dups(ev, rng, rate, ctx, c, code, world):
    src = _pick(rng, ev["defect"] == 0, rate)
    b = {k: ev[k][src].copy() for k in EV_COLS}
    b["recv"] = b["recv"] + rng.integers(60, 18 * 3600, src.size) * US
    b["defect"][:] = code
    return concat_blocks([ev, b])


@register(
    "conflicting_duplicates",
    2,
    scale=0.3,
    doc="same event_id, different app_version, received 1 min - 18 h later",
)
def _cdups(ev, rng, rate, ctx, c, code, world):
    src = _pick(rng, ev["defect"] == 0, rate)
    b = {k: ev[k][src].copy() for k in EV_COLS}
    b["recv"] = b["recv"] + rng.integers(60, 18 * 3600, src.size) * US
    b["ver"] = np.where(b["ver"] < 0, 399, b["ver"] + 1).astype(np.int16)
    b["defect"][:] = code
    return concat_blocks([ev, b])


# ---------------------------------------------------------------- users / orders
# Time zone names no engine knows (one with a quote, as a mistyped export would have).
UNKNOWN_TIMEZONES = ["Mars/Base", "Asia/Shang'hai"]


@register(
    "unknown_timezones",
    30,
    target="users_orders",
    default=False,
    doc="every users row of some users names a time zone the engine does not know "
    f"({', '.join(UNKNOWN_TIMEZONES)}; column tz_bad, 1-based index). Count = users "
    "with a landed row. Not quarantined: the warehouse keeps the user with the zone "
    "unknown (null); check unknown_time_zone_users",
)
def _unknown_timezones(tables, rng, rate, ctx, c, code, world):
    u = tables["users"]
    uids = np.unique(u["uid"])
    who = uids[_pick(rng, np.ones(uids.size, bool), rate)]
    bad = rng.integers(1, len(UNKNOWN_TIMEZONES) + 1, who.size)
    tz_bad = u.get("tz_bad", np.zeros(u["uid"].size, np.int8)).copy()
    rows = np.isin(u["uid"], who)
    tz_bad[rows] = bad[np.searchsorted(who, u["uid"][rows])]
    u["tz_bad"] = tz_bad.astype(np.int8)
    return tables


@register(
    "conflicting_versions",
    12,
    target="users_orders",
    scale=0.5,
    doc="users and orders rows with the same key and updated_at but different content",
)
def _conflicting_versions(tables, rng, rate, ctx, c, code, world):
    u = tables["users"]
    i = _pick(rng, u["defect"] == 0, rate)
    b = {k: v[i].copy() for k, v in u.items()}
    b["push"] = ~b["push"]
    b["defect"][:] = code
    tables["users"] = {k: np.concatenate([u[k], b[k]]) for k in u}
    o = tables["orders"]
    i = _pick(rng, o["defect"] == 0, rate)
    b = {k: v[i].copy() for k, v in o.items()}
    b["status"] = np.where(b["status"] == 0, 2, 0).astype(b["status"].dtype)
    b["defect"][:] = code
    tables["orders"] = {k: np.concatenate([o[k], b[k]]) for k in o}
    return tables


@register(
    "invalid_amounts",
    28,
    target="users_orders",
    scale=0.5,
    default=False,
    doc="a later version of a paid order with a negative gross_amount or a discount_amount "
    "above gross_amount (1 microsecond after the version it copies); the warehouse "
    "quarantines the row (invalid_amount) and keeps the order's previous version",
)
def _invalid_amounts(tables, rng, rate, ctx, c, code, world):
    o = tables["orders"]
    i = _pick(rng, (o["defect"] == 0) & (o["status"] == 0), rate)
    b = {k: v[i].copy() for k, v in o.items()}
    negative = rng.random(i.size) < 0.5
    b["gross"] = np.where(negative, -b["gross"], b["gross"])
    b["disc"] = np.where(negative, b["disc"], b["gross"] + 100)
    b["updated"] = b["updated"] + 1
    b["defect"][:] = code
    tables["orders"] = {k: np.concatenate([o[k], b[k]]) for k in o}
    return tables


# ------------------------------------------------------- campaign tables ("campaigns" target)
# These classes get the whole chunk (tables: events, users, orders, assign, sends, callbacks)
# after the event and users/orders classes. They select only among the *base* rows of a table
# (the rows present before any class ran, by position) with masks on base attributes, and they
# never remove rows themselves: they set a drop flag that apply_defects applies at the end, so
# the rows a class picks do not depend on which other classes are on. Each affected unit is
# recorded in tables["_marks"] as (class, variant gidx or None, landing time): it is counted
# (generate.py) when its landing time <= the land end, i.e. when the defect is visible in the
# landed raw data.
UNKNOWN_CAMPAIGN_ID = "cmp_unknown"  # written for campaign code len(ctx.camps)
UNKNOWN_VARIANT_ID = "unknown_arm"  # written for variant code n_variants
DELIVERY_CLASSES = [
    "duplicate_sends",
    "missed_sends",
    "early_sends",
    "late_sends",
    "contaminated_controls",
]
MISSING_PLATFORM = 0  # ios (world.PLATFORMS)


def missing_platform_day(days: int) -> int | None:
    """Day index (from the start) whose ios events missing_platform_day drops, or None."""
    return max(8, days // 2) if days > 8 else None


def _new_sids(c, code, k):
    # base send ids are c * 1e8 + a counter far below 9e7
    return c * 10**8 + 9 * 10**7 + code * 10**5 + np.arange(k, dtype=np.int64)


def _rows(tbl, k, **cols):
    out = {}
    for key, v in tbl.items():
        if key in cols:
            x = np.asarray(cols[key])
            out[key] = (np.broadcast_to(x, (k,)) if x.ndim == 0 else x).astype(v.dtype)
        else:
            out[key] = np.zeros(k, v.dtype)
    return out


def _cat(tbl, block):
    return {key: np.concatenate([tbl[key], block[key]]) for key in tbl}


def _mark(tables, name, ts, var=None):
    tables["_marks"].append(
        (name, None if var is None else np.asarray(var, np.int64), np.asarray(ts, np.int64))
    )


def _lookup(keys, vals, q):
    """vals of the (unique) keys equal to q (every q must be present)."""
    o = np.argsort(keys, kind="stable")
    return vals[o[np.searchsorted(keys[o], q)]]


def _camp_info(ctx):
    camps = ctx.camps
    nvar = np.array([len(cp["variants"]) for cp in camps], np.int64)
    first = np.array([cp["variants"][0]["gidx"] for cp in camps], np.int64)  # control arm
    is_ctrl = np.zeros(int(nvar.sum()), bool)
    is_ctrl[first] = True
    vch = np.array(
        [
            0 if v["channel"] is None else {"push": 1, "sms": 2, "email": 3}[v["channel"]]
            for cp in camps
            for v in cp["variants"]
        ],
        np.int64,
    )
    start = ctx.start_us + np.array([cp["start_day"] for cp in camps], np.int64) * DAY_US
    window = np.array([cp["window"] for cp in camps], np.int64)
    return dict(
        nvar=nvar,
        ctrl=first,
        is_ctrl=is_ctrl,
        vch=vch,
        start=start,
        window=window,
        n_var=int(nvar.sum()),
    )


def _nb(tables, t):
    return tables["_nbase"][t]


def _delivery_slots(tables, ctx, c):
    """Each base assignment (campaign x user) gets one delivery slot 0..4 from its own stream;
    delivery class j only picks users of slot j, so the five classes affect disjoint users
    whichever of them are on."""
    if "_dslot" not in tables:
        a, s = tables["assign"], tables["sends"]
        nA, nS = _nb(tables, "assign"), _nb(tables, "sends")
        slot = rng_for(ctx.seed, c, "_delivery_slots").integers(0, len(DELIVERY_CLASSES), nA)
        akey = a["camp"][:nA] * 2**40 + a["uid"][:nA]
        skey = s["camp"][:nS] * 2**40 + s["uid"][:nS]
        pos = _lookup(akey, np.arange(nA), skey) if nS else np.zeros(0, np.int64)
        tables["_dslot"] = dict(a=slot, s=slot[pos], s_at=a["at"][pos])
    return tables["_dslot"]


def _slot_rate(rate):
    return rate * len(DELIVERY_CLASSES)


# ---- A. delivery defects (on by default); exposure flags of metrics.md §5 / R41
@register(
    "duplicate_sends",
    13,
    target="campaigns",
    doc="a second `sent` row (new send_id, same campaign/variant/user/channel/scheduled_at, "
    "sent_at + 1-30 min, no callbacks) for treatment users whose send was sent. Not "
    "quarantined (clean sends); exposure flag duplicate",
)
def _duplicate_sends(tables, rng, rate, ctx, c, code, world):
    s, sl, nS = tables["sends"], _delivery_slots(tables, ctx, c), _nb(tables, "sends")
    i = _pick(rng, (s["status"][:nS] == 0) & (sl["s"] == 0), _slot_rate(rate))
    k = i.size
    b = {key: v[i].copy() for key, v in s.items()}
    b["sid"] = _new_sids(c, code, k)
    b["sent"] = s["sent"][i] + rng.integers(60, 1801, k) * US
    b["defect"][:] = code
    tables["sends"] = _cat(s, b)
    _mark(tables, "duplicate_sends", np.maximum(sl["s_at"][i], b["sched"]), s["var"][i])
    return tables


@register(
    "missed_sends",
    14,
    target="campaigns",
    doc="the only send row (status failed or suppressed: no callbacks, no induced events) "
    "of some treatment users is dropped, so they have no send row. Nothing "
    "quarantined; exposure flag missed",
)
def _missed_sends(tables, rng, rate, ctx, c, code, world):
    s, sl, nS = tables["sends"], _delivery_slots(tables, ctx, c), _nb(tables, "sends")
    i = _pick(rng, (s["status"][:nS] > 0) & (sl["s"] == 1), _slot_rate(rate))
    s["drop"][i] = True
    s["defect"][i] = code
    _mark(tables, "missed_sends", sl["s_at"][i], s["var"][i])
    return tables


@register(
    "early_sends",
    15,
    target="campaigns",
    doc="sent rows whose scheduled_at is moved to sent_at + 61-180 min, so sent_at < "
    "scheduled_at - 60 min (send tolerance); sent_at and callbacks unchanged. Not "
    "quarantined; exposure flag early",
)
def _early_sends(tables, rng, rate, ctx, c, code, world):
    s, sl, nS = tables["sends"], _delivery_slots(tables, ctx, c), _nb(tables, "sends")
    i = _pick(rng, (s["status"][:nS] == 0) & (sl["s"] == 2), _slot_rate(rate))
    s["sched"][i] = s["sent"][i] + rng.integers(61 * 60, 180 * 60 + 1, i.size) * US
    s["defect"][i] = code
    _mark(tables, "early_sends", np.maximum(sl["s_at"][i], s["sched"][i]), s["var"][i])
    return tables


@register(
    "late_sends",
    16,
    target="campaigns",
    doc="sent rows whose scheduled_at is moved to sent_at - 61-180 min, so sent_at > "
    "scheduled_at + 60 min; sent_at and callbacks unchanged. Not quarantined; "
    "exposure flag late",
)
def _late_sends(tables, rng, rate, ctx, c, code, world):
    s, sl, nS = tables["sends"], _delivery_slots(tables, ctx, c), _nb(tables, "sends")
    i = _pick(rng, (s["status"][:nS] == 0) & (sl["s"] == 3), _slot_rate(rate))
    s["sched"][i] = s["sent"][i] - rng.integers(61 * 60, 180 * 60 + 1, i.size) * US
    s["defect"][i] = code
    _mark(tables, "late_sends", np.maximum(sl["s_at"][i], s["sched"][i]), s["var"][i])
    return tables


@register(
    "contaminated_controls",
    17,
    target="campaigns",
    doc="control users get a push send (new send_id, the control's variant_id, status "
    "sent, scheduled 5-120 min after assigned_at, sent 0-5 min later) and a "
    "`delivered` callback only (no open/click, no induced events: the planted arm "
    "truth stays true). Not quarantined (the user is assigned); exposure flag "
    "contaminated",
)
def _contaminated(tables, rng, rate, ctx, c, code, world):
    a, s, cb = tables["assign"], tables["sends"], tables["callbacks"]
    sl, nA, info = _delivery_slots(tables, ctx, c), _nb(tables, "assign"), _camp_info(ctx)
    i = _pick(rng, info["is_ctrl"][a["var"][:nA]] & (sl["a"] == 4), _slot_rate(rate))
    k = i.size
    sched = a["at"][i] + rng.integers(5 * 60, 120 * 60, k) * US + rng.integers(0, US, k)
    sent = sched + rng.integers(0, 300 * US, k)
    sid = _new_sids(c, code, k)
    tables["sends"] = _cat(
        s,
        _rows(
            s,
            k,
            sid=sid,
            camp=a["camp"][i],
            var=a["var"][i],
            uid=a["uid"][i],
            ch=1,
            sched=sched,
            sent=sent,
            status=0,
            reason=0,
            defect=code,
        ),
    )
    t_del = sent + rng.integers(US, 60 * US, k)
    tables["callbacks"] = _cat(
        cb,
        _rows(
            cb, k, sid=sid, typ=0, t=t_del, recv=t_del + rng.integers(0, 300 * US, k), defect=code
        ),
    )
    _mark(tables, "contaminated_controls", sched, a["var"][i])
    return tables


# ---- B. cross-system / tracking defects (off by default; on under `all` or by name)
@register(
    "missing_platform_day",
    18,
    target="campaigns",
    default=False,
    doc="every event of platform ios whose event_at falls on one UTC day (day "
    "max(8, days // 2) of the period) is dropped, duplicates and defect rows "
    "included. Nothing quarantined; tracking-completeness volume alert (the day's "
    "count vs the trailing 7-day median, R43-R44) and, as side effects, register "
    "events / purchase events of that day missing in the cross-system checks",
)
def _missing_platform_day(tables, rng, rate, ctx, c, code, world):
    x = missing_platform_day(ctx.days)
    if x is None:
        return tables
    ev = tables["events"]
    m = (ev["plat"] == MISSING_PLATFORM) & ((ev["t"] - ctx.start_us) // DAY_US == x)
    tables["_drop_ev"] |= m
    _mark(tables, "missing_platform_day", ev["recv"][m])
    return tables


def _induced_app_opens(tables):
    ev, nE = tables["events"], _nb(tables, "events")
    i = np.flatnonzero(
        (ev["name"][:nE] == EVENT_CODE["app_open"]) & (ev["pk"][:nE] == P_APP_OPEN_SEND)
    )
    return i, ev["pb"][i]


@register(
    "clicks_without_app_open",
    19,
    target="campaigns",
    default=False,
    scale=5.0,
    doc="for some `clicked` callbacks the induced app_open (properties source=<channel>, "
    "send_id) is dropped (all its copies). Count = clicks. Nothing quarantined; "
    "cross-system check clicks followed by an app_open within click_to_open_minutes "
    "(R45)",
)
def _clicks_without_open(tables, rng, rate, ctx, c, code, world):
    cb, ev, nC = tables["callbacks"], tables["events"], _nb(tables, "callbacks")
    i = _pick(rng, cb["typ"][:nC] == 2, rate)
    sids = cb["sid"][i]
    ao, ao_sid = _induced_app_opens(tables)
    tables["_drop_ev"] |= (
        (ev["name"] == EVENT_CODE["app_open"])
        & (ev["pk"] == P_APP_OPEN_SEND)
        & np.isin(ev["pb"], sids)
    )
    cb["defect"][i] = code
    ao_recv = ev["recv"][_lookup(ao_sid, ao, sids)] if i.size else np.zeros(0, np.int64)
    _mark(tables, "clicks_without_app_open", np.maximum(cb["recv"][i], ao_recv))
    return tables


def _purchase_recv(tables, oids):
    ev, nE = tables["events"], _nb(tables, "events")
    p = np.flatnonzero((ev["name"][:nE] == EVENT_CODE["purchase"]) & (ev["pk"][:nE] == P_PURCHASE))
    return ev["recv"][_lookup(ev["pa"][p], p, oids)] if oids.size else np.zeros(0, np.int64)


@register(
    "purchases_without_order",
    20,
    target="campaigns",
    default=False,
    doc="some orders (even order_id, every version) are dropped from orders, so their "
    "purchase event has an order_id without an orders row. Count = purchase events "
    "(distinct event_id). Nothing quarantined; cross-system check purchase events "
    "with an order (R45)",
)
def _purchases_without_order(tables, rng, rate, ctx, c, code, world):
    o, nO = tables["orders"], _nb(tables, "orders")
    i = _pick(rng, (o["status"][:nO] == 0) & (o["oid"][:nO] % 2 == 0), rate)
    oids = o["oid"][i]
    tables["_drop_ord"] |= np.isin(o["oid"], oids)
    _mark(tables, "purchases_without_order", _purchase_recv(tables, oids))
    return tables


@register(
    "orders_without_purchase",
    21,
    target="campaigns",
    default=False,
    doc="the purchase event (all its copies) of some paid orders is dropped (orders with "
    "an odd order_id, a single version (status paid) and no coupon). Count = orders. "
    "Nothing quarantined; cross-system check paid orders with a purchase event (R45)",
)
def _orders_without_purchase(tables, rng, rate, ctx, c, code, world):
    o, ev, nO = tables["orders"], tables["events"], _nb(tables, "orders")
    oid = o["oid"][:nO]
    u, cnt = np.unique(oid, return_counts=True)
    single = np.isin(oid, u[cnt == 1])
    i = _pick(rng, single & (o["status"][:nO] == 0) & (oid % 2 == 1) & (o["var"][:nO] < 0), rate)
    oids = oid[i]
    ts = np.maximum(o["updated"][i], _purchase_recv(tables, oids))
    tables["_drop_ev"] |= (
        (ev["name"] == EVENT_CODE["purchase"]) & (ev["pk"] == P_PURCHASE) & np.isin(ev["pa"], oids)
    )
    _mark(tables, "orders_without_purchase", ts)
    return tables


@register(
    "callbacks_without_send",
    22,
    target="campaigns",
    default=False,
    doc="copies of callbacks under a send_id that does not exist in message_sends. "
    "Count = rows. Quarantined as unknown_send (int_message_events_triaged)",
)
def _callbacks_without_send(tables, rng, rate, ctx, c, code, world):
    cb, nC = tables["callbacks"], _nb(tables, "callbacks")
    i = _pick(rng, np.ones(nC, bool), rate)
    b = {key: v[i].copy() for key, v in cb.items()}
    b["sid"] = _new_sids(c, code, i.size)
    b["defect"][:] = code
    tables["callbacks"] = _cat(cb, b)
    _mark(tables, "callbacks_without_send", b["recv"])
    return tables


@register(
    "sends_without_assignment",
    23,
    target="campaigns",
    default=False,
    doc="sent rows (a treatment arm's channel, scheduled 5-120 min after the campaign "
    "start) for users registered before the start who have no assignment to the "
    "campaign (and are not off-target candidates, so off_target_assignments never "
    "assigns them); no callbacks. Count = rows. Quarantined as no_assignment "
    "(int_message_sends_triaged)",
)
def _sends_without_assignment(tables, rng, rate, ctx, c, code, world):
    a, s = tables["assign"], tables["sends"]
    nA, nS, info = _nb(tables, "assign"), _nb(tables, "sends"), _camp_info(ctx)
    U = world["users"]
    off = {k: idx for k, idx, _ in world.get("offtarget", [])}
    blocks = []
    for k in range(len(ctx.camps)):
        m = int(rng.binomial(int((s["camp"][:nS] == k).sum()), rate))
        if m == 0:
            continue
        at = info["start"][k]
        ok = (U["reg_t"] < at) & ~np.isin(U["uid"], a["uid"][:nA][a["camp"][:nA] == k])
        ok[off.get(k, np.zeros(0, np.int64))] = False
        cand = U["uid"][ok]
        m = min(m, cand.size)
        who = np.sort(rng.choice(cand, m, replace=False))
        var = info["ctrl"][k] + rng.integers(1, info["nvar"][k], m)
        sched = at + rng.integers(5 * 60, 120 * 60, m) * US + rng.integers(0, US, m)
        blocks.append(
            dict(
                camp=np.full(m, k),
                var=var,
                uid=who,
                sched=sched,
                sent=sched + rng.integers(0, 300 * US, m),
            )
        )
    if blocks:
        b = {key: np.concatenate([x[key] for x in blocks]) for key in blocks[0]}
        k = b["uid"].size
        tables["sends"] = _cat(
            s,
            _rows(
                s,
                k,
                sid=_new_sids(c, code, k),
                camp=b["camp"],
                var=b["var"],
                uid=b["uid"],
                ch=info["vch"][b["var"]],
                sched=b["sched"],
                sent=b["sent"],
                status=0,
                reason=0,
                defect=code,
            ),
        )
        _mark(tables, "sends_without_assignment", b["sched"])
    return tables


@register(
    "duplicate_assignments",
    24,
    target="campaigns",
    default=False,
    doc="a second assignment row for an existing (campaign_id, user_id) with a later "
    "assigned_at (1 h .. window - 1 h after the first, so inside [starts_at, "
    "ends_at)) and a random arm of the campaign. Count = rows. Quarantined as "
    "duplicate_assignment (int_campaign_assignments_triaged)",
)
def _duplicate_assignments(tables, rng, rate, ctx, c, code, world):
    a, nA, info = tables["assign"], _nb(tables, "assign"), _camp_info(ctx)
    i = _pick(rng, np.ones(nA, bool), rate)
    k = a["camp"][i]
    at = a["at"][i] + rng.integers(3600, info["window"][k] * 86400 - 3600) * US
    var = info["ctrl"][k] + rng.integers(0, info["nvar"][k])
    tables["assign"] = _cat(
        a, _rows(a, i.size, camp=k, uid=a["uid"][i], var=var, at=at, defect=code)
    )
    _mark(tables, "duplicate_assignments", at)
    return tables


@register(
    "unknown_campaign_assignments",
    25,
    target="campaigns",
    default=False,
    doc=f"copies of assignment rows (assigned_at + 0-60 min) with campaign_id "
    f"'{UNKNOWN_CAMPAIGN_ID}' (half; quarantined as unknown_campaign) or, for a known "
    f"campaign, variant_id '{UNKNOWN_VARIANT_ID}' (quarantined as unknown_variant). "
    "Count = rows",
)
def _unknown_campaign_assignments(tables, rng, rate, ctx, c, code, world):
    a, nA, info = tables["assign"], _nb(tables, "assign"), _camp_info(ctx)
    i = _pick(rng, np.ones(nA, bool), rate)
    half = rng.random(i.size) < 0.5
    at = a["at"][i] + rng.integers(0, 3600, i.size) * US
    tables["assign"] = _cat(
        a,
        _rows(
            a,
            i.size,
            camp=np.where(half, len(ctx.camps), a["camp"][i]),
            uid=a["uid"][i],
            var=np.where(half, a["var"][i], info["n_var"]),
            at=at,
            defect=code,
        ),
    )
    _mark(tables, "unknown_campaign_assignments", at)
    return tables


@register(
    "callbacks_out_of_order",
    26,
    target="campaigns",
    default=False,
    scale=20.0,
    doc="`clicked` callbacks whose event_at is moved between the send's sent_at and its "
    "`delivered` callback (strictly before it); received_at unchanged. Only clicks "
    "whose induced app_open is <= 25 min after delivery, so the click is still "
    "followed by its app_open within click_to_open_minutes. Count = rows. Not "
    "quarantined (clean callbacks); a clicked-before-delivered check",
)
def _callbacks_out_of_order(tables, rng, rate, ctx, c, code, world):
    cb, s, ev = tables["callbacks"], tables["sends"], tables["events"]
    nC, nS = _nb(tables, "callbacks"), _nb(tables, "sends")
    clk = np.flatnonzero(cb["typ"][:nC] == 2)
    dl = np.flatnonzero(cb["typ"][:nC] == 0)
    sid = cb["sid"][clk]
    ok = np.zeros(nC, bool)
    if clk.size:
        ao, ao_sid = _induced_app_opens(tables)
        t_del = cb["t"][_lookup(cb["sid"][dl], dl, sid)]
        t_ao = ev["t"][_lookup(ao_sid, ao, sid)]
        ok[clk] = t_ao - t_del <= 25 * 60 * US
    i = _pick(rng, ok, rate)
    sid = cb["sid"][i]
    t_del = cb["t"][_lookup(cb["sid"][dl], dl, sid)] if i.size else np.zeros(0, np.int64)
    r_del = cb["recv"][_lookup(cb["sid"][dl], dl, sid)] if i.size else np.zeros(0, np.int64)
    sent = (
        s["sent"][_lookup(s["sid"][:nS], np.arange(nS), sid)] if i.size else np.zeros(0, np.int64)
    )
    cb["t"][i] = sent + ((t_del - sent) * rng.random(i.size)).astype(np.int64)
    cb["defect"][i] = code
    _mark(tables, "callbacks_out_of_order", np.maximum(cb["recv"][i], r_del))
    return tables


@register(
    "off_target_assignments",
    27,
    target="campaigns",
    default=False,
    doc="extra CONTROL-arm assignments (at the campaign start) of users whose observed "
    "lifecycle state on the day before the start is active (registered for more "
    "than 7 days and active in the last 3 days), not the campaign's target_state. "
    "Count = rows. Not quarantined (clean assignments); exposure flag off-target. "
    "They ARE included in the control arm's truth (n_assigned, true rates) with "
    "their exact natural conversion probability",
)
def _off_target(tables, rng, rate, ctx, c, code, world):
    a, info, U = tables["assign"], _camp_info(ctx), world["users"]
    off = world.get("offtarget", [])
    if not off:
        return tables
    camp = np.concatenate([np.full(idx.size, k, np.int64) for k, idx, _ in off])
    who = np.concatenate([idx for _, idx, _ in off])
    p = np.concatenate([pn for _, _, pn in off])
    i = _pick(rng, np.ones(camp.size, bool), rate)
    k, var = camp[i], info["ctrl"][camp[i]]
    at = info["start"][k]
    tables["assign"] = _cat(
        a, _rows(a, i.size, camp=k, uid=U["uid"][who[i]], var=var, at=at, defect=code)
    )
    for kk in np.unique(k):
        m = k == kk
        tables["_truth_extra"].append((int(kk), var[m], p[i][m], p[i][m]))
    _mark(tables, "off_target_assignments", at)
    return tables


# ------------------------------------------------------- implausible dates (campaigns target)
# Timestamps a mistyped year gives: 1900 (before any plausible date) and 2999 (after any load).
Y1900_US = int(
    (np.datetime64("1900-01-01") - np.datetime64("1970-01-01")) / np.timedelta64(1, "us")
)
Y2999_US = int(
    (np.datetime64("2999-01-01") - np.datetime64("1970-01-01")) / np.timedelta64(1, "us")
)


def _year_of(rng, t, far_future):
    """t moved to a day of 1900 (or, where far_future, of 2999), time of day kept."""
    base = np.where(far_future, Y2999_US, Y1900_US)
    return base + rng.integers(0, 365, t.size) * DAY_US + t % DAY_US


@register(
    "implausible_dates",
    29,
    target="campaigns",
    default=False,
    doc="rows dated in 1900 or 2999, each an added row, so no clean row changes: a later "
    "version (updated_at + 1 us) of users rows with registered_at in 1900 or 2999 and of "
    "orders rows with ordered_at in 1900 or 2999; copies of treatment send attempts under "
    "a new send_id, status failed, scheduled_at in 1900 (a send scheduled in 2999 would "
    "not land); copies of pristine events under a new event_id with event_at in 1900 "
    "(received_at kept; an event_at in 2999 is event_at_in_future, R2). Count = rows "
    "landed, all tables together. Quarantined as implausible_date",
)
def _implausible_dates(tables, rng, rate, ctx, c, code, world):
    u, nU = tables["users"], _nb(tables, "users")
    i = _pick(rng, u["defect"][:nU] == 0, rate)
    b = {k: v[i].copy() for k, v in u.items()}
    b["reg_t"] = _year_of(rng, b["reg_t"], rng.random(i.size) < 0.5)
    b["updated"] = b["updated"] + 1
    b["defect"][:] = code
    tables["users"] = _cat(u, b)
    _mark(tables, "implausible_dates", b["updated"])
    o, nO = tables["orders"], _nb(tables, "orders")
    i = _pick(rng, (o["defect"][:nO] == 0) & ~tables["_drop_ord"][:nO], rate)
    b = {k: v[i].copy() for k, v in o.items()}
    b["t"] = _year_of(rng, b["t"], rng.random(i.size) < 0.5)
    b["updated"] = b["updated"] + 1
    b["defect"][:] = code
    tables["orders"] = _cat(o, b)
    tables["_drop_ord"] = np.concatenate([tables["_drop_ord"], np.zeros(i.size, bool)])
    _mark(tables, "implausible_dates", b["updated"])
    s, nS, info = tables["sends"], _nb(tables, "sends"), _camp_info(ctx)
    i = _pick(rng, ~info["is_ctrl"][s["var"][:nS]] & ~s["drop"][:nS], rate)
    sched = _year_of(rng, s["sched"][i], np.zeros(i.size, bool))
    tables["sends"] = _cat(
        s,
        _rows(
            s,
            i.size,
            sid=_new_sids(c, code, i.size),
            camp=s["camp"][i],
            var=s["var"][i],
            uid=s["uid"][i],
            ch=s["ch"][i],
            sched=sched,
            sent=-1,
            status=SEND_STATUS_CODE["failed"],
            reason=0,
            defect=code,
        ),
    )
    _mark(tables, "implausible_dates", sched)
    ev, nE = tables["events"], _nb(tables, "events")
    i = _pick(rng, _pristine(ev)[:nE] & (ev["sess"][:nE] >= 0) & ~tables["_drop_ev"][:nE], rate)
    b = {k: ev[k][i].copy() for k in EV_COLS}
    b["eid"] = _new_eids(ctx, c, code, i.size)
    b["t"] = _year_of(rng, b["t"], np.zeros(i.size, bool))
    b["defect"][:] = code
    tables["events"] = concat_blocks([ev, b])
    tables["_drop_ev"] = np.concatenate([tables["_drop_ev"], np.zeros(i.size, bool)])
    return tables


CODE_NAMES = {d.code: n for n, d in DEFECTS.items()}

# application order: row-adding classes, then modifying classes, then duplicates
ORDER = [
    "anonymous_events",
    "never_identified",
    "unknown_event_names",
    "before_registration",
    "unknown_users",
    "late",
    "malformed_properties",
    "missing_required_properties",
    "future_events",
    "duplicates",
    "conflicting_duplicates",
    "conflicting_versions",
    "invalid_amounts",
    "unknown_timezones",
    # campaign tables and cross-system classes: they select among base rows only and drop
    # rows at the end, so their order does not change what each picks
    *DELIVERY_CLASSES,
    "missing_platform_day",
    "clicks_without_app_open",
    "purchases_without_order",
    "orders_without_purchase",
    "callbacks_without_send",
    "sends_without_assignment",
    "duplicate_assignments",
    "unknown_campaign_assignments",
    "callbacks_out_of_order",
    "off_target_assignments",
    "implausible_dates",
]
assert sorted(ORDER) == sorted(n for n, d in DEFECTS.items() if d.target != "files")


def apply_defects(
    world: dict, tables: dict, enabled: list[str], rate: float, ctx: Ctx, c: int
) -> dict:
    """tables: events, users, orders (written) and assign, sends, callbacks (copies of the
    world's campaign arrays). Returns tables after every enabled class, rows flagged for
    dropping removed, plus "_marks" and "_truth_extra" (see the campaigns target above)."""
    nbase = {t: int(next(iter(v.values())).size) for t, v in tables.items()}
    ev = tables["events"]
    tables["_marks"], tables["_truth_extra"] = [], []
    campaign_phase = False
    for name in ORDER:
        if name not in enabled:
            continue
        d = DEFECTS[name]
        rng = rng_for(ctx.seed, c, name)
        if d.target == "events":
            ev = d.fn(ev, rng, rate * d.scale, ctx, c, d.code, world)
            continue
        tables["events"] = ev
        if d.target == "campaigns" and not campaign_phase:
            campaign_phase = True
            tables["_nbase"] = nbase
            for t in ("assign", "sends", "callbacks"):
                n = tables[t][next(iter(tables[t]))].size
                tables[t]["defect"] = np.zeros(n, np.int8)
                tables[t]["drop"] = np.zeros(n, bool)
            tables["_drop_ev"] = np.zeros(tables["events"]["t"].size, bool)
            tables["_drop_ord"] = np.zeros(tables["orders"]["oid"].size, bool)
        tables = d.fn(tables, rng, rate * d.scale, ctx, c, d.code, world)
        ev = tables["events"]
    tables["events"] = ev
    if campaign_phase:
        keep = ~tables.pop("_drop_ev")
        tables["events"] = {k: v[keep] for k, v in ev.items()}
        keep = ~tables.pop("_drop_ord")
        tables["orders"] = {k: v[keep] for k, v in tables["orders"].items()}
        for t in ("assign", "sends", "callbacks"):
            keep = ~tables[t]["drop"]
            tables[t] = {k: v[keep] for k, v in tables[t].items()}
        for k in ("_nbase", "_dslot"):
            tables.pop(k, None)
    return tables


def _event_file_of_a_day(out: str, rng, ctx) -> str | None:
    """One events file of a landing day drawn from the whole simulated period,
    or None when that day has not landed (or landed no rows). The draw does
    not depend on what has landed, so a folder generated with --land-through
    is a prefix of the full one: it has the same file if that day landed,
    and none otherwise (the delivery happens with or after its day)."""
    start = dt.date(1970, 1, 1) + dt.timedelta(microseconds=int(ctx.start_us))
    day = start + dt.timedelta(days=int(rng.integers(ctx.days)))
    files = [
        f
        for f in _event_files(out)
        if os.path.basename(os.path.dirname(f)) == f"dt={day.isoformat()}"
    ]
    if not files:
        return None
    return files[int(rng.integers(len(files)))]


# ------------------------------------------------------- landing-level classes ("files")
# Defects of the delivery of whole files, not of rows: applied once to the landing folder
# after every chunk is written (generate.py). Each picks one events file with rows, by its
# own random stream, and returns the number of event rows it affected (its truth count).
def _event_files(out: str) -> list[str]:
    """The generated events files with rows, in a stable order."""
    files = sorted(glob.glob(os.path.join(out, "events", "dt=*", "part-[0-9]*.parquet")))
    return [
        f
        for f in files
        if not f.endswith("-redelivered.parquet") and pq.ParquetFile(f).metadata.num_rows > 0
    ]


@register(
    "redelivered_file",
    50,
    target="files",
    default=False,
    doc="a second copy of one events partition file under another name in the same dt= "
    "folder (a redelivery); every row of the copy is a duplicate",
)
def _redelivered_file(out, rng, ctx):
    src = _event_file_of_a_day(out, rng, ctx)
    if src is None:
        return 0
    shutil.copyfile(src, src.replace(".parquet", "-redelivered.parquet"))
    return pq.ParquetFile(src).metadata.num_rows


@register(
    "drifted_partition",
    51,
    target="files",
    default=False,
    doc="one events partition file whose platform and properties columns are renamed "
    "(platform_name, props): its rows are quarantined as schema_drift",
)
def _drifted_partition(out, rng, ctx):
    path = _event_file_of_a_day(out, rng, ctx)
    if path is None:
        return 0
    table = pq.read_table(path)
    renamed = {"platform": "platform_name", "properties": "props"}
    table = table.rename_columns([renamed.get(n, n) for n in table.column_names])
    pq.write_table(table, path, compression="zstd")
    return table.num_rows


def apply_file_defects(out: str, enabled: list[str], ctx: Ctx) -> dict[str, int]:
    """Apply the enabled landing-level classes to the landing folder `out` (registry
    order); return class -> event rows affected."""
    return {
        name: d.fn(out, rng_for(ctx.seed, 0, name), ctx)
        for name, d in DEFECTS.items()
        if d.target == "files" and name in enabled
    }
