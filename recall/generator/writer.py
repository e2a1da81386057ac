"""Turn numeric chunk arrays into Arrow tables of the contract and write Parquet."""

from __future__ import annotations

import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import ArrayLike

from .defects import UNKNOWN_TIMEZONES
from .schema import SCHEMAS
from .world import (
    APP_OPEN_SOURCES,
    CALLBACK_TYPES,
    CATEGORIES,
    CHANNEL_KEYS,
    CHANNELS,
    CURRENCY,
    EVENT_NAMES,
    FAIL_REASONS,
    GEO,
    P_APP_OPEN,
    P_APP_OPEN_SEND,
    P_CART,
    P_COMMUNITY,
    P_CONTENT,
    P_CONTENT_VIEW,
    P_COUPON,
    P_EMPTY,
    P_MISSING,
    P_PAGE,
    P_PURCHASE,
    P_REGISTER,
    P_TEXT,
    P_TRUNCATED,
    PAGES,
    PLATFORMS,
    SEND_STATUS,
)

STR = pa.string()
TEXT_JUNK = [
    "undefined",
    "[object Object]",
    "null",
    '["a","b"]',
    "page=home&ref=push",
    "{'page': 'home'}",
]
SEND_CHANNELS = [None, "push", "sms", "email"]


def istr(a: ArrayLike) -> pa.Array:
    return pc.cast(pa.array(np.asarray(a, dtype=np.int64)), STR)


def join(*parts: str | pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def ids(prefix: str, a: ArrayLike, null_mask: np.ndarray | None = None, width: int = 0) -> pa.Array:
    s = istr(a)
    if width:
        s = pc.utf8_lpad(s, width=width, padding="0")
    out = join(prefix, s)
    if null_mask is not None and null_mask.any():
        out = pc.if_else(pa.array(null_mask), pa.nulls(len(out), STR), out)
    return out


def user_ids(u: ArrayLike) -> pa.Array:
    u = np.asarray(u, dtype=np.int64)
    return ids("u", np.maximum(u, 0), u < 0, width=7)


def lookup(values: list, codes: ArrayLike, null_mask: np.ndarray | None = None) -> pa.Array:
    idx = pa.array(np.asarray(codes, dtype=np.int64), mask=null_mask)
    return pa.array(values, STR).take(idx)


def ts(a: ArrayLike, null_mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(a, dtype=np.int64), type=pa.timestamp("us"), mask=null_mask)


def money(cents: ArrayLike, scale: int = 2, precision: int = 18) -> pa.Array:
    """Exact decimal128 from integer minor units."""
    c = np.asarray(cents, dtype=np.int64)
    buf = np.empty((c.size, 2), dtype=np.int64)
    buf[:, 0] = c
    buf[:, 1] = np.where(c < 0, -1, 0)
    return pa.Array.from_buffers(
        pa.decimal128(precision, scale), c.size, [None, pa.py_buffer(buf.tobytes())]
    )


def money_str(cents: ArrayLike) -> pa.Array:
    c = np.asarray(cents, dtype=np.int64)
    return join(istr(c // 100), ".", pc.utf8_lpad(istr(c % 100), width=2, padding="0"))


def render_properties(ev: dict, variant_coupon: list[str], variant_campaign: list[str]) -> pa.Array:
    pk, a, b = ev["pk"], ev["pa"], ev["pb"]
    n = pk.size
    parts, order = [], []
    for code in np.unique(pk):
        i = np.flatnonzero(pk == code)
        ai, bi = a[i], b[i]
        if code in (P_EMPTY, P_MISSING):
            s = pa.array(np.full(i.size, "{}", dtype=object), STR)
        elif code == P_REGISTER:
            s = join('{"channel":"', lookup(CHANNEL_KEYS, ai), '"}')
        elif code == P_APP_OPEN:
            s = join('{"source":"', lookup(APP_OPEN_SOURCES, ai), '"}')
        elif code == P_APP_OPEN_SEND:
            s = join(
                '{"source":"', lookup(APP_OPEN_SOURCES, ai), '","send_id":"', ids("m", bi), '"}'
            )
        elif code == P_PAGE:
            s = join('{"page":"', lookup(PAGES, ai), '"}')
        elif code == P_CONTENT_VIEW:
            s = join('{"content_id":"c', istr(ai), '","category":"', lookup(CATEGORIES, bi), '"}')
        elif code == P_CONTENT:
            s = join('{"content_id":"c', istr(ai), '"}')
        elif code == P_COMMUNITY:
            s = join('{"community_id":"g', istr(ai), '"}')
        elif code == P_CART:
            s = join('{"item_id":"i', istr(ai), '","price":', money_str(bi), "}")
        elif code == P_PURCHASE:
            s = join('{"order_id":"o', istr(ai), '","amount":', money_str(bi), "}")
        elif code == P_COUPON:
            s = join(
                '{"coupon_id":"',
                lookup(variant_coupon, ai),
                '","campaign_id":"',
                lookup(variant_campaign, ai),
                '"}',
            )
        elif code == P_TRUNCATED:
            s = join('{"page":"', lookup(PAGES, ai % len(PAGES)))
        elif code == P_TEXT:
            s = lookup(TEXT_JUNK, ai % len(TEXT_JUNK))
        else:
            raise ValueError(code)
        parts.append(s)
        order.append(i)
    if not parts:
        return pa.array([], STR)
    allv = pa.concat_arrays([p.cast(STR) for p in parts])
    inv = np.empty(n, dtype=np.int64)
    inv[np.concatenate(order)] = np.arange(n)
    return allv.take(pa.array(inv))


VERSIONS = [f"6.{k}.0" for k in range(400)]


def events_table(ev: dict, variant_coupon: list[str], variant_campaign: list[str]) -> pa.Table:
    uid = ev["uid"]
    cols = [
        ids("e", ev["eid"]),
        lookup(EVENT_NAMES, ev["name"]),
        user_ids(uid),
        ids("d", ev["dev"]),
        ids("s", ev["sess"], ev["sess"] < 0),
        ts(ev["t"]),
        ts(ev["recv"]),
        lookup(PLATFORMS, np.maximum(ev["plat"], 0), ev["plat"] < 0),
        lookup(VERSIONS, np.maximum(ev["ver"], 0), ev["ver"] < 0),
        render_properties(ev, variant_coupon, variant_campaign),
    ]
    return pa.Table.from_arrays(cols, schema=SCHEMAS["events"])


def users_table(r: dict) -> pa.Table:
    """users; an optional tz_bad column (defect class unknown_timezones) replaces the
    time zone of its rows > 0 by UNKNOWN_TIMEZONES[tz_bad - 1]."""
    uid = r["uid"]
    timezone = lookup([g[1] for g in GEO], r["geo"])
    if "tz_bad" in r and (r["tz_bad"] > 0).any():
        bad = r["tz_bad"] > 0
        unknown = lookup(UNKNOWN_TIMEZONES, np.maximum(r["tz_bad"].astype(np.int64) - 1, 0))
        timezone = pc.if_else(pa.array(bad), unknown, timezone)
    cols = [
        user_ids(uid),
        ts(r["reg_t"]),
        lookup(CHANNELS, r["ch"]),
        lookup(PLATFORMS, r["plat"]),
        lookup([g[0] for g in GEO], r["geo"]),
        timezone,
        pa.array(r["push"]),
        pa.array(r["has_phone"]),
        pa.array(r["has_email"]),
        pa.array(r["sms_oo"]),
        pa.array(r["email_oo"]),
        ts(r["updated"]),
    ]
    return pa.Table.from_arrays(cols, schema=SCHEMAS["users"])


ORDER_STATUS = ["paid", "refunded", "cancelled"]


def orders_table(o: dict, variant_coupon: list[str]) -> pa.Table:
    var = o["var"]
    cols = [
        ids("o", o["oid"]),
        user_ids(o["uid"]),
        ts(o["t"]),
        lookup(ORDER_STATUS, o["status"]),
        money(o["gross"]),
        money(o["disc"]),
        lookup(variant_coupon, np.maximum(var, 0), var < 0),
        pa.array(np.full(var.size, CURRENCY, dtype=object), STR),
        ts(o["updated"]),
    ]
    return pa.Table.from_arrays(cols, schema=SCHEMAS["orders"])


def assignments_table(a: dict, campaign_ids: list[str], variant_ids: list[str]) -> pa.Table:
    """campaign_assignments; campaign_ids / variant_ids: the id of each code."""
    return pa.Table.from_arrays(
        [
            lookup(campaign_ids, a["camp"]),
            user_ids(a["uid"]),
            lookup(variant_ids, a["var"]),
            ts(a["at"]),
        ],
        schema=SCHEMAS["campaign_assignments"],
    )


def sends_table(s: dict, campaign_ids: list[str], variant_ids: list[str]) -> pa.Table:
    """message_sends; campaign_ids / variant_ids: the id of each code."""
    return pa.Table.from_arrays(
        [
            ids("m", s["sid"]),
            lookup(campaign_ids, s["camp"]),
            lookup(variant_ids, s["var"]),
            user_ids(s["uid"]),
            lookup(SEND_CHANNELS, s["ch"]),
            ts(s["sched"]),
            ts(s["sent"], s["sent"] < 0),
            lookup(SEND_STATUS, s["status"]),
            lookup(FAIL_REASONS, s["reason"]),
        ],
        schema=SCHEMAS["message_sends"],
    )


def callbacks_table(cb: dict) -> pa.Table:
    """message_events, ordered by send and callback type."""
    order = np.lexsort((cb["typ"], cb["sid"]))
    cb = {k: v[order] for k, v in cb.items()}
    return pa.Table.from_arrays(
        [
            join("me", istr(cb["sid"]), "-", istr(cb["typ"])),
            ids("m", cb["sid"]),
            lookup(CALLBACK_TYPES, cb["typ"]),
            ts(cb["t"]),
            ts(cb["recv"]),
        ],
        schema=SCHEMAS["message_events"],
    )


def write(table: pa.Table, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path, compression="zstd")


def write_events(table: pa.Table, dts: list[tuple[str, int, int]], out: str, part: int) -> None:
    """table rows sorted by dt already; dts: ('YYYY-MM-DD', first row, end row) per dt."""
    for day, lo, hi in dts:
        write(
            table.slice(lo, hi - lo),
            os.path.join(out, "events", f"dt={day}", f"part-{part:05d}.parquet"),
        )
