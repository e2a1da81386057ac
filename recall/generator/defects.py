"""Defect injection. Each class is a function registered in DEFECTS (name -> Defect);
adding a class = writing one function and one registry entry.

Every class draws from its own random stream (seed, chunk, crc32(name)), so switching one
class on or off never changes the base world nor any other class. Event rows carry a
`defect` code: added rows get their class code, modified rows are chosen only among
pristine rows (defect == 0) and get the code, so every landed defect row is counted once.
Users and orders rows carry the same kind of code.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .world import (DAY_US, EV, EV_COLS, N_PLAN, P_EMPTY, P_MISSING, P_TEXT, P_TRUNCATED, P_PAGE,
                    P_APP_OPEN, UNKNOWN_USER_BASE, US, VISITOR_DEV_BASE, _ev_block, concat_blocks)


@dataclass
class Defect:
    code: int
    target: str          # events | users_orders
    fn: Callable
    scale: float = 1.0   # share of --defect-rate used by this class
    doc: str = ""


DEFECTS: dict[str, Defect] = {}


def register(name, code, target="events", scale=1.0, doc=""):
    def deco(fn):
        DEFECTS[name] = Defect(code, target, fn, scale, doc)
        return fn
    return deco


DEFAULT_CLASSES = None  # None = all registered classes are on by default
CODE_NAMES = {}


def parse_defects(spec: str):
    if spec in ("default", "all"):
        return list(DEFECTS)
    if spec in ("none", ""):
        return []
    names = [s.strip() for s in spec.split(",") if s.strip()]
    bad = [s for s in names if s not in DEFECTS]
    if bad:
        raise SystemExit(f"unknown defect classes {bad}; known: {sorted(DEFECTS)}")
    return [n for n in DEFECTS if n in names]   # registry order


def rng_for(seed, chunk, name):
    return np.random.default_rng([seed, 2, zlib.crc32(name.encode()), chunk])


# names that we do not disturb with modifying defects (commerce/registration/conversions)
_PROTECTED = np.array([EV["register"], EV["purchase"], EV["app_open"], EV["coupon_claim"]])


def _pick(rng, mask, rate):
    idx = np.flatnonzero(mask)
    k = int(rng.binomial(idx.size, min(1.0, rate))) if idx.size else 0
    return np.sort(rng.choice(idx, size=k, replace=False)) if k else np.zeros(0, np.int64)


def _new_eids(ctx, c, code, k):
    return c * 10 ** 10 + 9 * 10 ** 9 + code * 10 ** 7 + np.arange(k, dtype=np.int64)


def _latency(rng, k):
    return (np.minimum(np.exp(rng.normal(np.log(1.5), 1.2, k)), 600.0) * US).astype(np.int64) + 1000


# ---------------------------------------------------------------- row-adding classes
@register("anonymous_events", 4, doc="extra anonymous page_view rows on identified user devices")
def _anonymous(ev, rng, rate, ctx, c, code, world):
    src = _pick(rng, (ev["uid"] >= 0) & (ev["uid"] < UNKNOWN_USER_BASE) & (ev["sess"] >= 0)
                & (ev["defect"] == 0), rate)
    k = src.size
    t = ev["t"][src] + rng.integers(1, 300, k) * US
    b = _ev_block(k, eid=_new_eids(ctx, c, code, k), name=EV["page_view"], uid=-1, dev=ev["dev"][src],
                  sess=ev["sess"][src], t=t, plat=ev["plat"][src], ver=ev["ver"][src], pk=P_PAGE,
                  pa=rng.integers(0, 6, k), defect=code)
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
    b = _ev_block(k, eid=_new_eids(ctx, c, code, k), name=np.where(rng.random(k) < 0.5, EV["page_view"], EV["app_open"]),
                  uid=-1, dev=VISITOR_DEV_BASE + 9 * 10 ** 11 + c * 10 ** 7 + owner,
                  sess=9 * 10 ** 15 + c * 10 ** 8 + owner, t=t, plat=2, ver=-1, defect=code)
    b["pk"] = np.where(b["name"] == EV["page_view"], P_PAGE, P_APP_OPEN).astype(np.int8)
    b["pa"] = np.zeros(k, np.int64)
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


@register("unknown_event_names", 6, doc="rows with event names outside the tracking plan")
def _unknown_names(ev, rng, rate, ctx, c, code, world):
    src = _pick(rng, (ev["defect"] == 0) & (ev["sess"] >= 0), rate)
    k = src.size
    t = ev["t"][src] + rng.integers(1, 60, k) * US
    b = _ev_block(k, eid=_new_eids(ctx, c, code, k), name=rng.integers(N_PLAN, N_PLAN + 4, k),
                  uid=ev["uid"][src], dev=ev["dev"][src], sess=ev["sess"][src], t=t,
                  plat=ev["plat"][src], ver=ev["ver"][src], pk=P_EMPTY, defect=code)
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


@register("before_registration", 10, scale=0.2,
          doc="identified app_open rows dated 1-3 UTC days before the user's registration day")
def _before_reg(ev, rng, rate, ctx, c, code, world):
    U = world["users"]
    cand = U["reg_day"] >= 1
    k = int(rng.binomial(int(cand.sum()) * 10, rate)) if cand.any() else 0
    if k == 0:
        return ev
    who = rng.choice(np.flatnonzero(cand), size=k)
    back = np.minimum(rng.integers(1, 4, k), U["reg_day"][who])
    t = ctx.start_us + (U["reg_day"][who] - back) * DAY_US + rng.integers(1, 86399, k) * US
    b = _ev_block(k, eid=_new_eids(ctx, c, code, k), name=EV["app_open"], uid=U["uid"][who],
                  dev=U["uid"][who] * 2, sess=-1, t=t, plat=U["plat"][who], ver=-1,
                  pk=P_APP_OPEN, pa=0, defect=code)
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
    g = UNKNOWN_USER_BASE + c * 10 ** 6 + owner
    b = _ev_block(k, eid=_new_eids(ctx, c, code, k), name=EV["app_open"], uid=g, dev=g * 2 + 1,
                  sess=-1, t=t, plat=1, ver=-1, pk=P_APP_OPEN, pa=0, defect=code)
    b["recv"] = t + _latency(rng, k)
    return concat_blocks([ev, b])


# ---------------------------------------------------------------- row-modifying classes
def _pristine(ev):
    return (ev["defect"] == 0) & ~np.isin(ev["name"], _PROTECTED) & (ev["name"] < N_PLAN)


@register("late", 3, doc="received_at 1-10 days after event_at (rows landing after the period are dropped)")
def _late(ev, rng, rate, ctx, c, code, world):
    i = _pick(rng, (ev["defect"] == 0) & (ev["name"] < N_PLAN) & (ev["name"] != EV["purchase"]), rate)
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


@register("missing_required_properties", 8,
          doc="valid JSON object '{}' on an event whose plan requires keys (rows stay clean)")
def _missing(ev, rng, rate, ctx, c, code, world):
    req = np.isin(ev["name"], [EV[n] for n in ("page_view", "content_view", "like", "comment",
                                                "share", "join_community", "add_to_cart")])
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


# ---------------------------------------------------------------- duplicates (copies of pristine rows)
@register("duplicates", 1, doc="retries: same event_id and payload, received 1 min - 18 h later")
def _dups(ev, rng, rate, ctx, c, code, world):
    src = _pick(rng, ev["defect"] == 0, rate)
    b = {k: ev[k][src].copy() for k in EV_COLS}
    b["recv"] = b["recv"] + rng.integers(60, 18 * 3600, src.size) * US
    b["defect"][:] = code
    return concat_blocks([ev, b])


@register("conflicting_duplicates", 2, scale=0.3,
          doc="same event_id, different app_version, received 1 min - 18 h later")
def _cdups(ev, rng, rate, ctx, c, code, world):
    src = _pick(rng, ev["defect"] == 0, rate)
    b = {k: ev[k][src].copy() for k in EV_COLS}
    b["recv"] = b["recv"] + rng.integers(60, 18 * 3600, src.size) * US
    b["ver"] = np.where(b["ver"] < 0, 399, b["ver"] + 1).astype(np.int16)
    b["defect"][:] = code
    return concat_blocks([ev, b])


# ---------------------------------------------------------------- users / orders
@register("conflicting_versions", 12, target="users_orders", scale=0.5,
          doc="users and orders rows with the same key and updated_at but different content")
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


CODE_NAMES = {d.code: n for n, d in DEFECTS.items()}

# application order: row-adding classes, then modifying classes, then duplicates
ORDER = ["anonymous_events", "never_identified", "unknown_event_names", "before_registration",
         "unknown_users", "late", "malformed_properties", "missing_required_properties",
         "future_events", "duplicates", "conflicting_duplicates", "conflicting_versions"]
assert sorted(ORDER) == sorted(DEFECTS)


def apply_defects(world, tables, enabled, rate, ctx, c):
    ev = tables["events"]
    for name in ORDER:
        if name not in enabled:
            continue
        d = DEFECTS[name]
        rng = rng_for(ctx.seed, c, name)
        if d.target == "events":
            ev = d.fn(ev, rng, rate * d.scale, ctx, c, d.code, world)
        else:
            tables["events"] = ev
            tables = d.fn(tables, rng, rate * d.scale, ctx, c, d.code, world)
            ev = tables["events"]
    tables["events"] = ev
    return tables
