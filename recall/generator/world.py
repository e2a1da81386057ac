"""The simulated world: users, their latent engagement process, sessions, events, orders,
campaigns, sends and callbacks. Everything is vectorised over a chunk of users; the only
Python loops run per day or per campaign. Users are independent of each other, so the
world is simulated chunk by chunk (fixed chunk size -> identical output for a given seed).

Event arrays of a chunk are kept as numeric columns (see EV_COLS) and turned into strings
only when written (writer.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

US = 1_000_000
DAY_US = 86_400 * US
CHUNK = 50_000

CHANNELS = ["organic", "paid_search", "paid_social", "app_store", "referral", "partner", None]
CHANNEL_P = [0.30, 0.15, 0.20, 0.12, 0.10, 0.10, 0.03]
CHANNEL_KEYS = [c if c is not None else "unknown" for c in CHANNELS]
# channel quality: engagement multiplier, daily lapse hazard, daily natural-return hazard
QUALITY = np.array([1.10, 0.90, 0.70, 1.00, 1.20, 0.80, 0.90])
LAPSE = np.array([0.025, 0.040, 0.060, 0.035, 0.020, 0.050, 0.040])
RETURN = np.array([0.012, 0.006, 0.004, 0.008, 0.015, 0.005, 0.006])
NEW_USER_LAPSE_MULT = 2.5  # lapse hazard multiplier during the first 7 days after registration
NEW_USER_DAYS = 7
# observed recall lifecycle (metrics.md §1, default thresholds): new while days since
# registration < NEW_USER_DAYS, then by days inactive: silent from 7, churned from 30
SILENT_AFTER_DAYS = 7
CHURNED_AFTER_DAYS = 30
# observed lifecycle states (codes 1, 2) whose natural returns are tallied and campaigns target
INACTIVE_STATES = ["silent", "churned"]
UNINSTALL_P = 0.3  # share of lapses (ios/android) followed by an app_uninstall

PLATFORMS = ["ios", "android", "web"]
PLATFORM_P = [0.4, 0.4, 0.2]
PUSH_P = np.array([0.55, 0.80, 0.30])
GEO = [  # country, timezone, utc offset hours, probability
    ("CN", "Asia/Shanghai", 8, 0.35),
    ("US", "America/New_York", -5, 0.18),
    ("US", "America/Los_Angeles", -8, 0.10),
    ("GB", "Europe/London", 0, 0.10),
    ("DE", "Europe/Berlin", 1, 0.10),
    ("JP", "Asia/Tokyo", 9, 0.10),
    ("BR", "America/Sao_Paulo", -3, 0.06),
    (None, None, 0, 0.01),
]
GEO_P = np.array([g[3] for g in GEO])
GEO_OFF = np.array([g[2] for g in GEO])
# local hour-of-day weights (diurnal rhythm) and weekday multipliers (Mon..Sun)
HOUR_W = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.5,
        3.5,
        3.5,
        3.2,
        3.5,
        4.2,
        4.0,
        3.3,
        3.0,
        3.0,
        3.3,
        4.0,
        5.0,
        5.8,
        6.0,
        4.6,
        2.4,
    ]
)
HOUR_P = HOUR_W / HOUR_W.sum()
WEEKDAY_MULT = np.array([1.00, 0.97, 0.97, 1.00, 1.05, 1.15, 1.10])

# event names (codes); unknown names used by defects come after the plan
EVENT_NAMES = [
    "register",
    "login",
    "app_open",
    "page_view",
    "content_view",
    "like",
    "comment",
    "share",
    "join_community",
    "add_to_cart",
    "purchase",
    "coupon_claim",
    "app_uninstall",
    "AppOpen",
    "debug_ping",
    "screen_view_v2",
    "Purchase",
]
EVENT_CODE = {n: i for i, n in enumerate(EVENT_NAMES)}
N_PLAN = 13
# in-session event mix (after the opening app_open)
MIX_NAMES = [
    "page_view",
    "content_view",
    "like",
    "comment",
    "share",
    "join_community",
    "add_to_cart",
    "login",
]
MIX_P = np.array([0.30, 0.36, 0.12, 0.04, 0.04, 0.02, 0.07, 0.05])
MIX_CODES = np.array([EVENT_CODE[n] for n in MIX_NAMES], dtype=np.int8)

APP_OPEN_SOURCES = ["organic", "push", "sms", "email", "in_app", "deeplink"]
PAGES = ["home", "feed", "search", "profile", "shop", "settings"]
CATEGORIES = ["news", "sports", "music", "food", "travel", "tech", "fashion"]
CURRENCY = "CNY"

# properties templates (codes), rendered in writer.py
(
    P_EMPTY,
    P_REGISTER,
    P_APP_OPEN,
    P_APP_OPEN_SEND,
    P_PAGE,
    P_CONTENT_VIEW,
    P_CONTENT,
    P_COMMUNITY,
    P_CART,
    P_PURCHASE,
    P_COUPON,
    P_TRUNCATED,
    P_TEXT,
    P_MISSING,
) = range(14)

EV_COLS = [
    "eid",
    "name",
    "uid",
    "dev",
    "sess",
    "t",
    "recv",
    "plat",
    "ver",
    "pk",
    "pa",
    "pb",
    "defect",
]
EV_DTYPES = {
    "eid": np.int64,
    "name": np.int8,
    "uid": np.int64,
    "dev": np.int64,
    "sess": np.int64,
    "t": np.int64,
    "recv": np.int64,
    "plat": np.int8,
    "ver": np.int16,
    "pk": np.int8,
    "pa": np.int64,
    "pb": np.int64,
    "defect": np.int8,
}
VISITOR_DEV_BASE = 10**12  # device codes >= this are visitor devices
UNKNOWN_USER_BASE = 10**10  # user codes >= this have no users row

# ---------------------------------------------------------------- campaigns (global)
CH_CODES = {"push": 1, "sms": 2, "email": 3}
SEND_FAIL = {
    "push": ("invalid_token", 0.10),
    "sms": ("carrier_rejected", 0.03),
    "email": ("invalid_address", 0.01),
}
# codes of message_sends.status, failure_reason and message_events.event_type (writer.py)
SEND_STATUS = ["sent", "failed", "suppressed"]
SEND_STATUS_CODE = {s: i for i, s in enumerate(SEND_STATUS)}
FAIL_REASONS = [
    None,
    "invalid_token",
    "carrier_rejected",
    "push_disabled",
    "no_phone",
    "opted_out",
    "no_email",
    "invalid_address",
]
FAILURE_REASON_CODE = {r: i for i, r in enumerate(FAIL_REASONS) if r is not None}
CALLBACK_TYPES = ["delivered", "opened", "clicked", "bounced", "unsubscribed"]
DELIVER_P = {"push": 0.92, "sms": 0.97, "email": 0.96}  # email: rest bounces
BASE_EFFECT = {"push": 0.09, "sms": 0.08, "email": 0.004}
ARM_TEMPLATES = [
    # (allocation shares or None, [(channel, hook, offer, cost_per_send, copy, copy
    # effect multiplier)]). copy_id names the message text: arms of a campaign with the same
    # hook and copy letter share it (whatever their channel), so two arms differ in copy
    # only where a template plants a copy test. Template 0 plants a copy test with a truly
    # better copy (push coupon 100: copy b responds x1.4), template 1 one with two copies of
    # equal effect (sms coupon 50: copies a and b, x1.0).
    (
        [0.2, 0.2, 0.3, 0.3],
        [
            ("push", "coupon", 80, None, "a", 1.0),
            ("push", "coupon", 100, None, "a", 1.0),
            ("push", "coupon", 100, None, "b", 1.4),
        ],
    ),
    (
        None,
        [
            ("push", "content", None, None, "a", 1.0),
            ("sms", "coupon", 50, 0.04, "a", 1.0),
            ("email", "coupon", 50, None, "a", 1.0),
            ("sms", "coupon", 50, 0.04, "b", 1.0),
        ],
    ),
    (
        [0.1, 0.3, 0.3, 0.3],
        [
            ("sms", "coupon", 80, 0.04, "a", 1.0),
            ("sms", "coupon", 100, 0.04, "a", 1.0),
            ("email", "coupon", 100, 0.0008, "a", 1.0),
        ],
    ),
]


# Heterogeneous effects (issue 23 §4). Each user has a latent responsiveness rho_u ~
# LogNormal(-s^2/2, s) (mean 1, its own random stream) that multiplies every arm's response
# probability (so it also drives the user's past responses the warehouse sees). A reached
# (delivered) message can also cost the user's natural conversion in the window: with
# probability SUPPRESS_LOW_RESPONSIVENESS when rho_u < LOW_RESPONSIVENESS (the message puts
# the user off: no natural activity in the window, or no natural purchase for purchase
# campaigns), and with probability CANNIBALISE_HIGH_VALUE when the arm offers a coupon in a
# purchase campaign and the user's purchase propensity p_buy >= HIGH_VALUE_P_BUY (the user
# waits for the coupon instead of buying anyway), independently.
RESPONSIVENESS_SIGMA = 0.8
LOW_RESPONSIVENESS = 0.5
SUPPRESS_LOW_RESPONSIVENESS = 0.4
HIGH_VALUE_P_BUY = 0.10
CANNIBALISE_HIGH_VALUE = 0.6
# purchase amounts (CNY): natural purchases max(5, LogNormal(ln 150, 0.6)); message-induced
# purchases max(5, LogNormal(ln 180, 0.5)), at least offer + 10 with a coupon (the discount
# is the offer value)
NATURAL_AMOUNT = (150.0, 0.6)
INDUCED_AMOUNT = (180.0, 0.5)
AMOUNT_FLOOR = 5.0
COUPON_MARGIN = 10.0


def mean_amount(median: float, sigma: float, floor: float) -> float:
    """E[max(floor, X)] for X ~ LogNormal(ln median, sigma) (amounts before cent rounding)."""
    from math import erf, exp, log, sqrt

    def phi(x: float) -> float:
        return 0.5 * (1.0 + erf(x / sqrt(2.0)))

    d = (log(floor) - log(median)) / sigma
    return floor * phi(d) + median * exp(sigma**2 / 2) * phi(sigma - d)


def message_suppression(
    variant: dict, conversion_event: str, rho: np.ndarray, p_buy: np.ndarray
) -> np.ndarray:
    """P(a reached message costs the user's natural conversion in the window), per user."""
    low = np.where(rho < LOW_RESPONSIVENESS, SUPPRESS_LOW_RESPONSIVENESS, 0.0)
    cannibal = (
        CANNIBALISE_HIGH_VALUE
        if variant["hook_type"] == "coupon" and conversion_event == "purchase"
        else 0.0
    )
    high = np.where(p_buy >= HIGH_VALUE_P_BUY, cannibal, 0.0)
    return 1.0 - (1.0 - low) * (1.0 - high)


def uplift_model() -> dict:
    """The effect model's parameters, for _truth.json (key uplift_model)."""
    return dict(
        formula=(
            "P_T = r (1 - (1 - e)(1 - (1 - s) n)) + (1 - r) n; e = min(1, e_arm rho_u); "
            "s = 1 - (1 - s_low 1[rho_u < low]) (1 - s_cannibal 1[coupon, purchase, "
            "p_buy >= high])"
        ),
        responsiveness=dict(
            distribution="lognormal", mu=-(RESPONSIVENESS_SIGMA**2) / 2, sigma=RESPONSIVENESS_SIGMA
        ),
        low_responsiveness_threshold=LOW_RESPONSIVENESS,
        suppress_low_responsiveness=SUPPRESS_LOW_RESPONSIVENESS,
        high_value_p_buy=HIGH_VALUE_P_BUY,
        cannibalise_high_value_coupon=CANNIBALISE_HIGH_VALUE,
        natural_purchase_mean_amount=mean_amount(*NATURAL_AMOUNT, AMOUNT_FLOOR),
        induced_purchase_amount=dict(
            median=INDUCED_AMOUNT[0],
            sigma=INDUCED_AMOUNT[1],
            floor=AMOUNT_FLOOR,
            coupon_floor="offer_value + 10",
        ),
        natural_purchase_amount=dict(
            median=NATURAL_AMOUNT[0], sigma=NATURAL_AMOUNT[1], floor=AMOUNT_FLOOR
        ),
    )


def arm_effect(
    channel: str, hook: str | None, offer: float | None, conversion_event: str, target_state: str
) -> float:
    """Probability that a reached (delivered) treated user responds (clicks and converts)."""
    e = BASE_EFFECT[channel]
    if hook == "coupon":
        e *= (offer / 100.0) ** 1.5
    elif hook == "content":
        e *= 0.6
    if conversion_event == "app_open":
        e *= 1.5
    if target_state == "churned":
        e *= 0.6
    return float(e)


def make_campaigns(days: int) -> list[dict]:
    """Campaign and arm definitions (deterministic given the number of days)."""
    if days < 16:
        return []
    n = max(1, int(round(days / 21)))
    first = min(21, days // 2)
    starts = sorted(set(int(round(x)) for x in np.linspace(first, max(first, days - 12), n)))
    camps = []
    vglobal = 0
    for k, s in enumerate(starts):
        conv = "app_open" if k % 4 in (0, 3) else "purchase"
        churn = (k % 2 == 1) and s >= 40
        objective = "recall_churned" if churn else "wake_silent"
        target = "churned" if churn else "silent"
        window = 7 if conv == "app_open" else 14
        shares, arms = ARM_TEMPLATES[k % len(ARM_TEMPLATES)]
        cid = f"cmp_{k + 1:03d}"
        variants = [
            dict(
                variant_id="control",
                is_control=True,
                channel=None,
                hook_type=None,
                offer_value=None,
                coupon_id=None,
                copy_id=None,
                cost_per_send=None,
                allocation_share=shares[0] if shares else None,
                effect=0.0,
                gidx=vglobal,
            )
        ]
        vglobal += 1
        for j, (ch, hook, offer, cost, copy, copy_mult) in enumerate(arms):
            vid = "abcdefg"[j]
            variants.append(
                dict(
                    variant_id=vid,
                    is_control=False,
                    channel=ch,
                    hook_type=hook,
                    offer_value=offer,
                    coupon_id=(f"CPN-{cid}-{vid}" if hook == "coupon" else None),
                    copy_id=f"copy-{k + 1:03d}-{hook}-{copy}",
                    copy_effect_multiplier=copy_mult,
                    cost_per_send=cost,
                    allocation_share=shares[j + 1] if shares else None,
                    effect=arm_effect(ch, hook, offer, conv, target) * copy_mult,
                    gidx=vglobal,
                )
            )
            vglobal += 1
        camps.append(
            dict(
                campaign_id=cid,
                campaign_name=f"{objective.replace('_', ' ')} #{k + 1} ({conv})",
                objective=objective,
                target_state=target,
                start_day=s,
                conversion_event=conv,
                window=window,
                variants=variants,
            )
        )
    return camps


def sample_time_of_day(rng: np.random.Generator, n: int, tz_off_h: int | np.ndarray) -> np.ndarray:
    """Seconds-of-UTC-day in [1, 86399] (µs), following a local diurnal rhythm wrapped
    into the UTC day (so the UTC date of the event is the simulated day)."""
    hour = rng.choice(24, size=n, p=HOUR_P)
    local = hour * 3600 + rng.integers(0, 3600, size=n)
    utc = (local - tz_off_h * 3600) % 86400
    utc = np.clip(utc, 1, 86398)
    return utc.astype(np.int64) * US + rng.integers(0, US, size=n)


# ---------------------------------------------------------------- chunk simulation
class Ctx:
    """What every chunk shares: the run's parameters, campaigns and weekday multipliers."""

    def __init__(self, seed: int, users: int, days: int, start_us: int, start_dow: int):
        self.seed, self.users, self.days = seed, users, days
        self.start_us, self.start_dow = start_us, start_dow
        self.camps = make_campaigns(days)
        self.n_chunks = max(1, -(-users // CHUNK))
        self.wk = WEEKDAY_MULT[(start_dow + np.arange(days + 40)) % 7]
        vars_ = [v for cp in self.camps for v in cp["variants"]]
        self.variant_coupon = [v["coupon_id"] or "" for v in vars_]
        self.variant_campaign = [cp["campaign_id"] for cp in self.camps for v in cp["variants"]]
        self.variant_offer_cents = np.array(
            [int(round((v["offer_value"] or 0) * 100)) for v in vars_] or [0], dtype=np.int64
        )


def observed_state(reg_day: np.ndarray, last_obs: np.ndarray, y: int) -> np.ndarray:
    """Recall lifecycle state on day y computed from the simulated observed activity as the
    warehouse computes it (last_obs = last observed active day <= y): 0 = not registered, new
    or active; 1 = silent; 2 = churned."""
    regd = reg_day <= y - NEW_USER_DAYS
    di = y - last_obs
    return np.where(
        regd & (di >= SILENT_AFTER_DAYS), np.where(di >= CHURNED_AFTER_DAYS, 2, 1), 0
    ).astype(np.int8)


def _expand(counts):
    """For sessions with counts[i] items: (owner index per item, position within owner)."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(owner.size) - np.repeat(starts, counts)
    return owner, pos


EV_MISSING_IS_MINUS_ONE = ("uid", "sess", "ver", "pa", "pb", "recv")


def _ev_block(n: int, **cols) -> dict[str, np.ndarray]:
    """n event rows: the given columns (scalars broadcast), the others at their default
    (-1 for the columns of EV_MISSING_IS_MINUS_ONE, 0 otherwise)."""
    out = {}
    for k in EV_COLS:
        dtype = EV_DTYPES[k]
        if k in cols:
            v = np.asarray(cols[k])
            out[k] = (
                np.broadcast_to(v, (n,)).astype(dtype)
                if v.ndim == 0
                else v.astype(dtype, copy=False)
            )
        else:
            out[k] = np.full(n, -1 if k in EV_MISSING_IS_MINUS_ONE else 0, dtype=dtype)
    return out


def concat_blocks(blocks: list[dict]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([b[k] for b in blocks]) for k in EV_COLS}


def _concat_int64(parts: list) -> np.ndarray:
    """The collected arrays of one column, as one int64 array."""
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


def _concat_columns(columns: dict[str, list]) -> dict[str, np.ndarray]:
    return {k: _concat_int64(v) for k, v in columns.items()}


@dataclass
class ChunkUsers:
    """The users of one chunk: their attributes and the parameters of their latent process
    (one array element per user)."""

    uid: np.ndarray
    reg_day: np.ndarray
    reg_t: np.ndarray
    ch: np.ndarray  # acquisition channel code (CHANNELS)
    plat: np.ndarray  # platform code (PLATFORMS)
    geo: np.ndarray  # GEO row
    tz_offset_h: np.ndarray  # UTC offset of the user's time zone, hours
    push: np.ndarray  # push_enabled at registration
    has_phone: np.ndarray
    has_email: np.ndarray
    sms_oo: np.ndarray  # sms_opt_out at registration
    email_oo: np.ndarray  # email_opt_out at registration
    p_active: np.ndarray  # P(active | engaged) before the weekday multiplier
    session_rate: np.ndarray  # mean number of extra sessions on an active day
    p_buy: np.ndarray  # P(purchase) on a natural active day
    rho: np.ndarray  # latent responsiveness (multiplies every arm's response probability)
    lapse_hazard: np.ndarray  # daily engaged -> lapsed hazard (LAPSE of the channel)
    return_hazard: np.ndarray  # daily lapsed -> engaged hazard (RETURN of the channel)
    has_dev2: np.ndarray  # uses a second device ...
    dev2_start: np.ndarray  # ... from this day on
    dev2_plat: np.ndarray  # ... on this platform
    ver_lag: np.ndarray  # days the user lags behind app releases
    # up to two later snapshots, each toggling one attribute (which: 0 push_enabled,
    # 1 email_opt_out, 2 sms_opt_out) at t when valid
    v1: np.ndarray
    v2: np.ndarray
    t1: np.ndarray
    t2: np.ndarray
    which1: np.ndarray
    which2: np.ndarray

    def attributes_at(self, idx: np.ndarray, at: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(push_enabled, email_opt_out, sms_opt_out) of users idx at time `at`."""
        a1 = self.v1[idx] & (self.t1[idx] <= at)
        a2 = self.v2[idx] & (self.t2[idx] <= at)
        tog = [(a1 & (self.which1[idx] == k)) ^ (a2 & (self.which2[idx] == k)) for k in range(3)]
        return self.push[idx] ^ tog[0], self.email_oo[idx] ^ tog[1], self.sms_oo[idx] ^ tog[2]

    def snapshot_columns(self) -> dict[str, np.ndarray]:
        """The arrays the users table and the defect classes read (generate._user_rows)."""
        return dict(
            uid=self.uid,
            reg_day=self.reg_day,
            reg_t=self.reg_t,
            ch=self.ch,
            plat=self.plat,
            geo=self.geo,
            push=self.push,
            has_phone=self.has_phone,
            has_email=self.has_email,
            sms_oo=self.sms_oo,
            email_oo=self.email_oo,
            v1=self.v1,
            v2=self.v2,
            t1=self.t1,
            t2=self.t2,
            which1=self.which1,
            which2=self.which2,
        )


def _draw_users(ctx: Ctx, rng: np.random.Generator, chunk: int) -> ChunkUsers:
    """The chunk's users: every per-user draw, in the stream's fixed order."""
    days, start_us = ctx.days, ctx.start_us
    lo = chunk * CHUNK
    hi = min(ctx.users, lo + CHUNK)
    n = hi - lo
    # registration day: a launch burst in the first week, the rest on a growth curve
    growth = np.exp(1.5 * np.arange(days) / days)
    growth /= growth.sum()
    burst = rng.random(n) < 0.15
    reg_day = np.where(
        burst, rng.integers(0, min(7, days), n), rng.choice(days, n, p=growth)
    ).astype(np.int64)
    ch = rng.choice(7, n, p=CHANNEL_P)
    plat = rng.choice(3, n, p=PLATFORM_P)
    geo = rng.choice(len(GEO), n, p=GEO_P)
    tz_offset_h = GEO_OFF[geo]
    reg_t = start_us + reg_day * DAY_US + sample_time_of_day(rng, n, tz_offset_h)
    push = rng.random(n) < PUSH_P[plat]
    has_phone = rng.random(n) < 0.7
    has_email = rng.random(n) < 0.8
    sms_oo = rng.random(n) < 0.10
    email_oo = rng.random(n) < 0.15
    p_active = np.clip(rng.beta(2, 4, n) * QUALITY[ch], 0.03, 0.95)
    session_rate = rng.gamma(2.0, 0.3, n)
    p_buy = rng.beta(1.0, 18.0, n)
    has_dev2 = rng.random(n) < 0.3
    dev2_start = reg_day + rng.integers(1, 60, n)
    ver_lag = rng.integers(0, 21, n)
    n_extra = rng.choice(3, n, p=[0.7, 0.2, 0.1])
    snap_t1 = reg_t + rng.integers(1, 90, n) * DAY_US + rng.integers(0, DAY_US, n)
    snap_t2 = snap_t1 + rng.integers(1, 60, n) * DAY_US + rng.integers(0, DAY_US, n)
    end_us = start_us + days * DAY_US - 1
    which1 = rng.choice(3, n, p=[0.6, 0.2, 0.2])
    which2 = rng.choice(3, n, p=[0.6, 0.2, 0.2])
    return ChunkUsers(
        uid=np.arange(lo, hi, dtype=np.int64),
        reg_day=reg_day,
        reg_t=reg_t,
        ch=ch,
        plat=plat,
        geo=geo,
        tz_offset_h=tz_offset_h,
        push=push,
        has_phone=has_phone,
        has_email=has_email,
        sms_oo=sms_oo,
        email_oo=email_oo,
        p_active=p_active,
        session_rate=session_rate,
        p_buy=p_buy,
        # own stream: the main stream's draws stay as they were
        rho=np.random.default_rng([ctx.seed, 7, chunk]).lognormal(
            -(RESPONSIVENESS_SIGMA**2) / 2, RESPONSIVENESS_SIGMA, n
        ),
        lapse_hazard=LAPSE[ch],
        return_hazard=RETURN[ch],
        has_dev2=has_dev2,
        dev2_start=dev2_start,
        dev2_plat=np.where(plat == 2, 1, 2),
        ver_lag=ver_lag,
        v1=(n_extra >= 1) & (snap_t1 <= end_us),
        v2=(n_extra >= 2) & (snap_t2 <= end_us),
        t1=snap_t1,
        t2=snap_t2,
        which1=which1,
        which2=which2,
    )


@dataclass
class LatentProcess:
    """The day-by-day state of a chunk's users."""

    state: np.ndarray  # latent state: 0 not registered yet, 1 engaged, 2 lapsed
    natural_active: np.ndarray  # (days, users): active on their own
    induced_active: np.ndarray  # (days, users): active after a message click
    last_observed: np.ndarray  # last observed active day (natural or induced)
    converted_day: np.ndarray  # day of a message-induced conversion (re-engages the user)
    first_treated_day: np.ndarray  # first day assigned to a treatment arm (days = never)
    # (days, users): natural activity / natural purchases a reached message suppressed
    activity_block: np.ndarray
    purchase_block: np.ndarray

    @classmethod
    def start(cls, n: int, days: int) -> LatentProcess:
        return cls(
            state=np.zeros(n, np.int8),
            natural_active=np.zeros((days, n), bool),
            induced_active=np.zeros((days, n), bool),
            last_observed=np.full(n, -(10**6), np.int64),
            converted_day=np.full(n, -10, np.int64),
            first_treated_day=np.full(n, days, np.int64),
            activity_block=np.zeros((days, n), bool),
            purchase_block=np.zeros((days, n), bool),
        )

    def reengage_converted(self, day: int) -> None:
        """A lapsed user who converted after a message yesterday is engaged again."""
        self.state[(self.converted_day == day - 1) & (self.state == 2)] = 1


@dataclass
class ChunkRecords:
    """What the simulation of a chunk emits, collected per day or per campaign arm."""

    assignments: dict = field(default_factory=lambda: dict(camp=[], uid=[], var=[], at=[]))
    sends: dict = field(
        default_factory=lambda: dict(
            sid=[], camp=[], var=[], uid=[], ch=[], sched=[], sent=[], status=[], reason=[]
        )
    )
    callbacks: dict = field(default_factory=lambda: dict(sid=[], typ=[], t=[], recv=[]))
    # app_open sessions after a click: user index, time, source code, send id, kind
    # (0 app_open conversion, 1 purchase conversion, 2 idle click), variant, coupon hook
    induced_sessions: dict = field(
        default_factory=lambda: dict(u=[], t=[], src=[], sid=[], kind=[], var=[], hook=[])
    )
    # (campaign k, variant gidx array, p_treated array, p_natural array)
    arm_truth: list = field(default_factory=list)
    # per-user counterfactual truth (_truth_uplift.parquet): dict of arrays per campaign arm
    uplift: list = field(default_factory=list)
    # (campaign k, off-target candidate indices, their natural conversion probability)
    off_target: list = field(default_factory=list)
    uninstall_users: list = field(default_factory=list)
    uninstall_days: list = field(default_factory=list)
    # natural-return truth (no random draws): [user_days, sum p, sum p(1-p)] x observed
    # state on d-1 (silent, churned) x channel x day d, over users never assigned to a
    # treatment arm on or before d; p = P(active on d | latent state, parameters)
    natural_returns: np.ndarray | None = None
    sends_made: int = 0

    @classmethod
    def start(cls, days: int) -> ChunkRecords:
        return cls(natural_returns=np.zeros((3, len(INACTIVE_STATES), len(CHANNELS), days)))


def simulate_chunk(ctx: Ctx, c: int) -> dict:
    """Simulate chunk c: its users, their days, the campaigns that reach them and the events
    and orders of all that (numeric arrays; see the module docstring).

    One random stream per chunk feeds every step in turn, so the order of the draws is
    part of the output: a change that moves, adds or drops a draw changes the data of
    every seed (the package's tests compare runs, not fixed files)."""
    rng = np.random.default_rng([ctx.seed, 1, c])
    users = _draw_users(ctx, rng, c)
    process = LatentProcess.start(users.uid.size, ctx.days)
    records = ChunkRecords.start(ctx.days)
    campaign_by_day = {cp["start_day"]: (k, cp) for k, cp in enumerate(ctx.camps)}
    for day in range(ctx.days):
        process.reengage_converted(day)
        if day in campaign_by_day:
            k, cp = campaign_by_day[day]
            _run_campaign(ctx, c, rng, day, k, cp, users, process, records)
        _natural_day(ctx, rng, day, users, process, records)
    events, order_rows = _make_events(
        ctx,
        c,
        rng,
        users,
        process.natural_active,
        process.purchase_block,
        _concat_columns(records.induced_sessions),
        _concat_int64(records.uninstall_users),
        _concat_int64(records.uninstall_days),
    )
    return dict(
        users=users.snapshot_columns(),
        events=events,
        orders=order_rows,
        assign=_concat_columns(records.assignments),
        sends=_concat_columns(records.sends),
        callbacks=_concat_columns(records.callbacks),
        truth=records.arm_truth,
        uplift=records.uplift,
        natural_returns=records.natural_returns,
        offtarget=records.off_target,
    )


def _natural_conversion_probability(
    ctx: Ctx, users: ChunkUsers, state: np.ndarray, ix: np.ndarray, cp: dict, day: int
) -> np.ndarray:
    """P(users ix convert on their own in the window of campaign cp starting on `day`): a
    forward pass of the two-state chain with "no conversion yet" probability mass."""
    engaged = (state[ix] == 1).astype(float)
    lapsed = 1.0 - engaged
    lapse, ret = users.lapse_hazard[ix], users.return_hazard[ix]
    p_active, p_buy = users.p_active[ix], users.p_buy[ix]
    for j in range(cp["window"]):
        p_day = np.minimum(1.0, p_active * ctx.wk[day + j])
        if cp["conversion_event"] == "app_open":
            engaged, lapsed = (
                engaged * (1 - lapse) * (1 - p_day),
                engaged * lapse + lapsed * (1 - ret),
            )
        else:
            engaged, lapsed = (
                engaged * (1 - lapse) * (1 - p_day * p_buy) + lapsed * ret * (1 - p_buy),
                engaged * lapse + lapsed * (1 - ret),
            )
    return 1.0 - (engaged + lapsed)


def _run_campaign(
    ctx: Ctx,
    c: int,
    rng: np.random.Generator,
    day: int,
    k: int,
    cp: dict,
    users: ChunkUsers,
    process: LatentProcess,
    records: ChunkRecords,
) -> None:
    """Assign every user in the target state to an arm at 00:00 UTC of the start day and
    message the treatment arms."""
    observed = observed_state(users.reg_day, process.last_observed, day - 1)
    idx = np.flatnonzero(observed == 1 + INACTIVE_STATES.index(cp["target_state"]))
    variants = cp["variants"]
    shares = np.array(
        [v["allocation_share"] if v["allocation_share"] is not None else 1.0 for v in variants],
        float,
    )
    arm = rng.choice(len(variants), idx.size, p=shares / shares.sum())
    treated = idx[~np.array([v["is_control"] for v in variants])[arm]]
    process.first_treated_day[treated] = np.minimum(process.first_treated_day[treated], day)
    at = ctx.start_us + day * DAY_US
    # natural conversion probability over the window (exact Markov chain)
    p_nat = _natural_conversion_probability(ctx, users, process.state, idx, cp, day)
    # off-target candidates (no random draws; used only by the defect class
    # off_target_assignments): registered for more than NEW_USER_DAYS days (so the
    # lapse hazard has no new-user multiplier) and observed active in the last 3 days
    cand = np.flatnonzero(
        (users.reg_day <= day - 1 - NEW_USER_DAYS) & (day - 1 - process.last_observed <= 2)
    )
    records.off_target.append(
        (k, cand, _natural_conversion_probability(ctx, users, process.state, cand, cp, day))
    )
    p_tr = p_nat.copy()
    gvar = np.array([v["gidx"] for v in variants])[arm]
    assignments = records.assignments
    assignments["camp"].append(np.full(idx.size, k))
    assignments["uid"].append(users.uid[idx])
    assignments["var"].append(gvar)
    assignments["at"].append(np.full(idx.size, at, np.int64))
    push, email_oo, sms_oo = users.attributes_at(idx, at)
    for j, v in enumerate(variants):
        if v["is_control"]:
            continue
        # every assigned user's conversion probability were they in this arm (closed form)
        cf = _arm_probabilities(cp, v, idx, (push, email_oo, sms_oo), p_nat, users)
        records.uplift.append(
            dict(
                k=k,
                camp=np.full(idx.size, k),
                u=idx,
                var=np.full(idx.size, v["gidx"]),
                assigned=gvar,
                p_natural=p_nat,
                p_treated=cf["p_treated"],
                value=cf["value"],
                reward=cf["reward"],
            )
        )
        m = arm == j
        p_tr[m] = cf["p_treated"][m]
        _message_arm(
            ctx,
            c,
            rng,
            k,
            cp,
            v,
            idx[m],
            (push[m], email_oo[m], sms_oo[m]),
            at,
            cf["e"][m],
            cf["s"][m],
            users,
            process,
            records,
        )
    records.arm_truth.append((k, gvar, p_tr, p_nat))


def _arm_probabilities(
    cp: dict, variant: dict, ix: np.ndarray, attributes: tuple, p_nat: np.ndarray, users
) -> dict:
    """Closed-form truth of users ix were they assigned to treatment arm `variant`: reach r
    (not suppressed by their attributes at assignment, not failed, delivered), response
    probability e, suppression s of their natural conversion, the conversion probability
    P_T = r (1 - (1 - e)(1 - (1 - s) n)) + (1 - r) n, and per conversion the expected
    revenue (purchase campaigns) and coupon cost (see the package docstring)."""
    channel = variant["channel"]
    suppressed, _ = _suppression(channel, ix, attributes, users)
    reach = (~suppressed) * (1 - SEND_FAIL[channel][1]) * DELIVER_P[channel]
    e = np.minimum(1.0, variant["effect"] * users.rho[ix])
    s = message_suppression(variant, cp["conversion_event"], users.rho[ix], users.p_buy[ix])
    converts_if_reached = 1.0 - (1.0 - e) * (1.0 - (1.0 - s) * p_nat)
    p_treated = reach * converts_if_reached + (1.0 - reach) * p_nat
    p_response = reach * e  # converts through the message (coupon redeemed)
    if cp["conversion_event"] == "purchase":
        coupon = variant["hook_type"] == "coupon"
        floor = (variant["offer_value"] + COUPON_MARGIN) if coupon else AMOUNT_FLOOR
        induced = mean_amount(*INDUCED_AMOUNT, floor)
        natural = mean_amount(*NATURAL_AMOUNT, AMOUNT_FLOOR)
        share = np.divide(p_response, p_treated, out=np.zeros_like(p_treated), where=p_treated > 0)
        value = share * induced + (1.0 - share) * natural
        reward = share * (variant["offer_value"] if coupon else 0.0)
    else:
        value = np.full(ix.size, np.nan)
        reward = np.zeros(ix.size)
    return dict(p_treated=p_treated, e=e, s=s, value=value, reward=reward)


@dataclass
class _ArmSends:
    """The messages of one treatment arm, one element per member."""

    sid: np.ndarray
    suppressed: np.ndarray
    sent: np.ndarray
    delivered: np.ndarray
    responds: np.ndarray  # delivered and the member responds (clicks and converts)
    sent_at: np.ndarray


def _message_arm(
    ctx: Ctx,
    c: int,
    rng: np.random.Generator,
    k: int,
    cp: dict,
    variant: dict,
    members: np.ndarray,
    attributes: tuple,
    at: int,
    effect: np.ndarray,
    suppression: np.ndarray,
    users: ChunkUsers,
    process: LatentProcess,
    records: ChunkRecords,
) -> None:
    """Send one treatment arm's members their message (member response probabilities
    `effect`), record the provider callbacks and the sessions the clicks induce, and block
    the natural conversions the reached messages suppress (probabilities `suppression`,
    own random stream) over the window."""
    channel = variant["channel"]
    sends = _send_messages(c, rng, k, variant, members, attributes, at, effect, users, records)
    clicked, t_click = _record_callbacks(
        rng, channel, cp["conversion_event"], effect, sends, records
    )
    _induce_sessions(ctx, rng, cp, variant, members, sends, clicked, t_click, process, records)
    draws = np.random.default_rng([ctx.seed, 8, c, k, variant["gidx"]]).random(members.size)
    blocked = members[sends.delivered & (draws < suppression)]
    day = (at - ctx.start_us) // DAY_US
    window = slice(day, min(ctx.days, day + cp["window"]))
    if cp["conversion_event"] == "app_open":
        process.activity_block[window, blocked] = True
    else:
        process.purchase_block[window, blocked] = True


def _suppression(channel: str, members: np.ndarray, attributes: tuple, users: ChunkUsers):
    """(suppressed, failure reason code) of each member given their attributes at send time."""
    push, email_oo, sms_oo = attributes
    reason = FAILURE_REASON_CODE
    if channel == "push":
        suppressed = ~push
        return suppressed, np.where(suppressed, reason["push_disabled"], 0)
    if channel == "sms":
        no_phone = ~users.has_phone[members]
        return no_phone | sms_oo, np.where(
            no_phone, reason["no_phone"], np.where(sms_oo, reason["opted_out"], 0)
        )
    no_email = ~users.has_email[members]
    return no_email | email_oo, np.where(
        no_email, reason["no_email"], np.where(email_oo, reason["opted_out"], 0)
    )


def _send_messages(
    c: int,
    rng: np.random.Generator,
    k: int,
    variant: dict,
    members: np.ndarray,
    attributes: tuple,
    at: int,
    effect: np.ndarray,
    users: ChunkUsers,
    records: ChunkRecords,
) -> _ArmSends:
    channel = variant["channel"]
    n = members.size
    suppressed, reason = _suppression(channel, members, attributes, users)
    failure, fail_p = SEND_FAIL[channel]
    failed = ~suppressed & (rng.random(n) < fail_p)
    reason = np.where(failed, FAILURE_REASON_CODE[failure], reason)
    sent = ~suppressed & ~failed
    delivered = sent & (rng.random(n) < DELIVER_P[channel])
    responds = delivered & (rng.random(n) < effect)
    sid = c * 10**8 + records.sends_made + np.arange(n, dtype=np.int64)
    records.sends_made += n
    sched = at + rng.integers(5 * 60, 120 * 60, n) * US + rng.integers(0, US, n)
    sent_at = sched + rng.integers(0, 300 * US, n)
    status = np.where(
        sent,
        SEND_STATUS_CODE["sent"],
        np.where(failed, SEND_STATUS_CODE["failed"], SEND_STATUS_CODE["suppressed"]),
    )
    for key, value in (
        ("sid", sid),
        ("camp", np.full(n, k)),
        ("var", np.full(n, variant["gidx"])),
        ("uid", users.uid[members]),
        ("ch", np.full(n, CH_CODES[channel])),
        ("sched", sched),
        ("sent", np.where(sent, sent_at, -1)),
        ("status", status),
        ("reason", reason),
    ):
        records.sends[key].append(value)
    return _ArmSends(
        sid=sid,
        suppressed=suppressed,
        sent=sent,
        delivered=delivered,
        responds=responds,
        sent_at=sent_at,
    )


def _record_callbacks(
    rng: np.random.Generator,
    channel: str,
    conversion_event: str,
    effect: np.ndarray,
    sends: _ArmSends,
    records: ChunkRecords,
):
    """Provider callbacks (delivered, opened, clicked, bounced, unsubscribed) of an arm's
    sends; return (clicked, click time) per member."""
    n = sends.sid.size
    sent, delivered, responds, sent_at = (
        sends.sent,
        sends.delivered,
        sends.responds,
        sends.sent_at,
    )
    t_del = sent_at + rng.integers(1 * US, 60 * US, n)
    bounced = sent & ~delivered & (channel == "email")
    # a click without conversion (purchase campaigns only)
    idle = (
        delivered
        & ~responds
        & (rng.random(n) < (0.5 * effect if conversion_event == "purchase" else 0.0))
    )
    clicked = responds | idle
    t_click = (
        sent_at
        + np.minimum(rng.exponential(3 * 3600, n), 47 * 3600).astype(np.int64) * US
        + 30 * US
    )
    t_click = np.maximum(t_click, t_del + 120 * US)
    other_open = delivered & ~clicked & (channel == "email") & (rng.random(n) < 0.2)
    t_open = np.where(
        clicked,
        t_click - rng.integers(10, 1800, n) * US,
        sent_at + np.minimum(rng.exponential(5 * 3600, n), 72 * 3600).astype(np.int64) * US,
    )
    t_open = np.maximum(t_open, t_del + US)
    t_open = np.where(clicked, np.minimum(t_open, t_click), t_open)
    unsub = delivered & ~clicked & (channel != "push") & (rng.random(n) < 0.015)
    t_unsub = t_del + rng.integers(3600, 48 * 3600, n) * US
    opened = (clicked & (channel != "sms")) | other_open
    for typ, happened, t in (
        (0, delivered, t_del),
        (1, opened, t_open),
        (2, clicked, t_click),
        (3, bounced, t_del),
        (4, unsub, t_unsub),
    ):
        q = np.flatnonzero(happened)
        records.callbacks["sid"].append(sends.sid[q])
        records.callbacks["typ"].append(np.full(q.size, typ))
        records.callbacks["t"].append(t[q])
        records.callbacks["recv"].append(t[q] + rng.integers(0, 300 * US, q.size))
    return clicked, t_click


def _induce_sessions(
    ctx: Ctx,
    rng: np.random.Generator,
    cp: dict,
    variant: dict,
    members: np.ndarray,
    sends: _ArmSends,
    clicked: np.ndarray,
    t_click: np.ndarray,
    process: LatentProcess,
    records: ChunkRecords,
) -> None:
    """An app_open (source = channel, send_id) shortly after each click; a conversion
    re-engages the user."""
    q = np.flatnonzero(clicked)
    late_open = rng.random(q.size) < 0.03
    t_open = (
        t_click[q]
        + np.where(
            late_open, rng.integers(31 * 60, 120 * 60, q.size), rng.integers(5, 20 * 60, q.size)
        )
        * US
    )
    kind = np.where(sends.responds[q], 1 if cp["conversion_event"] == "purchase" else 0, 2)
    induced = records.induced_sessions
    induced["u"].append(members[q])
    induced["t"].append(t_open)
    induced["src"].append(np.full(q.size, CH_CODES[variant["channel"]]))
    induced["sid"].append(sends.sid[q])
    induced["kind"].append(kind)
    induced["var"].append(np.full(q.size, variant["gidx"]))
    induced["hook"].append(np.full(q.size, 1 if variant["hook_type"] == "coupon" else 0))
    day = (t_open - ctx.start_us) // DAY_US
    in_period = day < ctx.days
    process.induced_active[day[in_period], members[q][in_period]] = True
    converted = in_period & sends.responds[q]
    process.converted_day[members[q][converted]] = day[converted]


def _natural_day(
    ctx: Ctx,
    rng: np.random.Generator,
    day: int,
    users: ChunkUsers,
    process: LatentProcess,
    records: ChunkRecords,
) -> None:
    """One day of the latent process: lapses, natural activity, returns, registrations,
    uninstalls."""
    state = process.state
    registers = users.reg_day == day
    engaged = state == 1
    lapsed = state == 2
    u = rng.random(engaged.size)
    lapse_hazard = np.where(
        day - users.reg_day < NEW_USER_DAYS,
        users.lapse_hazard * NEW_USER_LAPSE_MULT,
        users.lapse_hazard,
    )
    if day >= 1:
        _tally_natural_returns(
            ctx, day, users, process, engaged, lapsed, lapse_hazard, records.natural_returns
        )
    lapses = engaged & (u < lapse_hazard)
    active = (
        engaged
        & ~lapses
        & (rng.random(engaged.size) < np.minimum(1.0, users.p_active * ctx.wk[day]))
    )
    returns = lapsed & (u < users.return_hazard)
    state[lapses] = 2
    state[returns] = 1
    state[registers] = 1
    process.natural_active[day] = (active | returns | registers) & ~process.activity_block[day]
    process.last_observed[process.natural_active[day] | process.induced_active[day]] = day
    uninstalls = lapses & (users.plat < 2) & (rng.random(engaged.size) < UNINSTALL_P)
    q = np.flatnonzero(uninstalls)
    records.uninstall_users.append(q)
    records.uninstall_days.append(day + rng.integers(0, 4, q.size))


def _tally_natural_returns(
    ctx: Ctx,
    day: int,
    users: ChunkUsers,
    process: LatentProcess,
    engaged: np.ndarray,
    lapsed: np.ndarray,
    lapse_hazard: np.ndarray,
    natural_returns: np.ndarray,
) -> None:
    """Add day `day` to the natural-return truth (no random draws): users observed silent or
    churned yesterday and not treated by now, with p = P(active today | latent state)."""
    observed = observed_state(users.reg_day, process.last_observed, day - 1)
    q = np.flatnonzero((observed > 0) & (process.first_treated_day > day))
    p = np.where(
        engaged[q],
        (1.0 - lapse_hazard[q]) * np.minimum(1.0, users.p_active[q] * ctx.wk[day]),
        np.where(lapsed[q], users.return_hazard[q], 0.0),
    )
    cell = (observed[q].astype(np.int64) - 1) * len(CHANNELS) + users.ch[q]
    for j, weights in enumerate((None, p, p * (1.0 - p))):
        natural_returns[j, :, :, day] = np.bincount(
            cell, weights=weights, minlength=natural_returns[j, :, :, day].size
        ).reshape(len(INACTIVE_STATES), len(CHANNELS))


def _version(day, plat, lag):
    return np.where(plat < 2, np.maximum(0, (day - lag) // 14), -1)


class _IdCounter:
    """Consecutive ids from a start value."""

    def __init__(self, start: int):
        self.next = start

    def take(self, k: int) -> np.ndarray:
        ids = self.next + np.arange(k, dtype=np.int64)
        self.next += k
        return ids


def _make_events(
    ctx: Ctx,
    c: int,
    rng: np.random.Generator,
    users: ChunkUsers,
    natural_active: np.ndarray,
    purchase_block: np.ndarray,
    induced: dict,
    uninstall_users: np.ndarray,
    uninstall_days: np.ndarray,
):
    """The chunk's events (EV_COLS arrays) and orders, block by block, then their properties
    parameters, delivery latency and event ids."""
    sessions = _IdCounter(c * 10**10)
    order_ids = _IdCounter(c * 10**8)
    natural, natural_orders = _natural_session_events(
        ctx, rng, users, natural_active, purchase_block, sessions, order_ids
    )
    blocks = [natural, _registration_session_events(ctx, rng, users, sessions)]
    orders = [natural_orders]
    if induced["u"].size:
        induced_events, induced_orders = _induced_session_events(
            ctx, rng, users, induced, sessions, order_ids
        )
        blocks.append(induced_events)
        orders.append(induced_orders)
    blocks.append(_visitor_events(ctx, c, rng, users.uid.size, sessions))
    blocks.append(_uninstall_events(ctx, rng, users, uninstall_users, uninstall_days))
    ev = concat_blocks(blocks)
    _set_properties(rng, ev)
    # natural delivery latency: seconds, at most 10 minutes
    ne = ev["t"].size
    lat = np.minimum(np.exp(rng.normal(np.log(1.5), 1.2, ne)), 600.0)
    ev["recv"] = ev["t"] + (lat * US).astype(np.int64) + 1000
    ev["eid"] = c * 10**10 + np.arange(ne, dtype=np.int64)
    orders = {k: np.concatenate([o[k] for o in orders]) for k in orders[0]}
    return ev, orders


def _natural_session_events(
    ctx: Ctx,
    rng: np.random.Generator,
    users: ChunkUsers,
    natural_active: np.ndarray,
    purchase_block: np.ndarray,
    sessions: _IdCounter,
    order_ids: _IdCounter,
):
    """Sessions of the natural active days other than the registration day; a purchase day
    ends its first session with add_to_cart + purchase (and an order). A day in
    purchase_block (a reached message cancelled the user's natural purchases) has none."""
    days_start, uid = ctx.start_us, users.uid
    dd, uu = np.nonzero(natural_active)
    keep = dd != users.reg_day[uu]
    dd, uu = dd[keep].astype(np.int64), uu[keep]
    buy = (rng.random(dd.size) < users.p_buy[uu]) & ~purchase_block[dd, uu]
    ks = 1 + rng.poisson(users.session_rate[uu])
    so, spos = _expand(ks)  # sessions -> user-day owner
    s_u, s_d = uu[so], dd[so]
    s_buy = buy[so] & (spos == 0)
    s_t = days_start + s_d * DAY_US + sample_time_of_day(rng, so.size, users.tz_offset_h[s_u])
    on2 = users.has_dev2[s_u] & (s_d >= users.dev2_start[s_u]) & (rng.random(so.size) < 0.4)
    s_dev = uid[s_u] * 2 + on2
    s_anon = ~on2 & ~s_buy & (rng.random(so.size) < 0.05)
    s_plat = np.where(on2, users.dev2_plat[s_u], users.plat[s_u])
    s_id = sessions.take(so.size)
    nev = 1 + rng.poisson(3.5, so.size) + 2 * s_buy
    eo, epos = _expand(nev)
    ne = eo.size
    name = MIX_CODES[rng.choice(len(MIX_CODES), ne, p=MIX_P)]
    name[epos == 0] = EVENT_CODE["app_open"]
    last = epos == nev[eo] - 1
    b = s_buy[eo]
    name[b & last] = EVENT_CODE["purchase"]
    name[b & (epos == nev[eo] - 2)] = EVENT_CODE["add_to_cart"]
    gap = np.where(epos == 0, 0, rng.exponential(40.0, ne) * US).astype(np.int64)
    cs = np.cumsum(gap)
    first_idx = np.cumsum(nev) - nev
    t = s_t[eo] + cs - cs[first_idx][eo]
    day_end = days_start + (s_d[eo] + 1) * DAY_US - US
    t = np.minimum(t, day_end)
    block = _ev_block(
        ne,
        name=name,
        uid=np.where(s_anon[eo], -1, uid[s_u][eo]),
        dev=s_dev[eo],
        sess=s_id[eo],
        t=t,
        plat=s_plat[eo],
        ver=_version(s_d[eo], s_plat[eo], users.ver_lag[s_u][eo]),
    )
    # purchases: order ids, amounts
    pmask = name == EVENT_CODE["purchase"]
    npur = int(pmask.sum())
    gross = np.maximum(500, (np.exp(rng.normal(np.log(150), 0.6, npur)) * 100).astype(np.int64))
    oid = order_ids.take(npur)
    block["pa"][pmask] = oid
    block["pb"][pmask] = gross
    cmask = name == EVENT_CODE["add_to_cart"]
    block["pa"][cmask] = rng.integers(1, 3000, int(cmask.sum()))
    price = (np.exp(rng.normal(np.log(120), 0.7, ne)) * 100).astype(np.int64)
    block["pb"][cmask] = price[cmask]
    cart_before_purchase = np.flatnonzero(pmask) - 1
    block["pb"][cart_before_purchase] = gross
    block["pa"][cart_before_purchase] = rng.integers(1, 3000, npur)
    orders = dict(
        oid=oid,
        uid=block["uid"][pmask],
        t=block["t"][pmask],
        gross=gross,
        disc=np.zeros(npur, np.int64),
        var=np.full(npur, -1, np.int64),
    )
    return block, orders


def _registration_session_events(
    ctx: Ctx, rng: np.random.Generator, users: ChunkUsers, sessions: _IdCounter
) -> dict:
    """Registration sessions: anonymous pre-register events, register, more events."""
    uid, reg_day, plat = users.uid, users.reg_day, users.plat
    n = uid.size
    k_pre = rng.integers(0, 4, n)
    k_post = rng.poisson(2.0, n)
    tot = k_pre + 1 + k_post
    eo, epos = _expand(tot)
    ne = eo.size
    rel = epos - k_pre[eo]  # 0 = register event
    gapb = (rng.exponential(40.0, ne) * US).astype(np.int64) + US
    # times: walk backwards for pre events, forwards for post events
    cs = np.cumsum(np.where(rel > 0, gapb, 0))
    fi = np.cumsum(tot) - tot
    reg_idx = fi + k_pre
    fwd = cs - cs[reg_idx][eo]
    csb = np.cumsum(np.where(rel < 0, gapb, 0)[::-1])[::-1]  # suffix sums
    bwd = csb - csb[reg_idx][eo]
    t = users.reg_t[eo] + np.where(rel > 0, fwd, 0) - np.where(rel < 0, bwd, 0)
    t = np.minimum(t, ctx.start_us + (reg_day[eo] + 1) * DAY_US - US)
    name = MIX_CODES[rng.choice(len(MIX_CODES), ne, p=MIX_P)]
    name[name == EVENT_CODE["add_to_cart"]] = EVENT_CODE["page_view"]
    name[(rel < 0) & (epos == 0)] = EVENT_CODE["app_open"]
    name[(rel < 0) & (epos > 0)] = EVENT_CODE["page_view"]
    name[rel == 0] = EVENT_CODE["register"]
    name[(rel > 0) & (name == EVENT_CODE["login"])] = EVENT_CODE["content_view"]
    sid = sessions.take(n)
    block = _ev_block(
        ne,
        name=name,
        uid=np.where(rel < 0, -1, uid[eo]),
        dev=uid[eo] * 2,
        sess=sid[eo],
        t=t,
        plat=plat[eo],
        ver=_version(reg_day[eo], plat[eo], users.ver_lag[eo]),
    )
    block["pa"][rel == 0] = users.ch[eo][rel == 0]
    return block


def _induced_session_events(
    ctx: Ctx,
    rng: np.random.Generator,
    users: ChunkUsers,
    induced: dict,
    sessions: _IdCounter,
    order_ids: _IdCounter,
):
    """Sessions after a message click: app_open [+ coupon_claim if coupon]
    [+ add_to_cart + purchase if kind 1] [+ page_view if idle (kind 2)]."""
    uid, plat, start_us = users.uid, users.plat, ctx.start_us
    m = induced["u"].size
    kind, hook = induced["kind"], induced["hook"]
    has_cc = hook == 1
    cnt = 1 + has_cc + 2 * (kind == 1) + (kind == 2)
    eo, epos = _expand(cnt)
    ne = eo.size
    iu = induced["u"][eo]
    seq = np.zeros((m, 4), np.int8)
    seq[:, 0] = EVENT_CODE["app_open"]
    col = np.ones(m, np.int64)
    r = np.flatnonzero(has_cc)
    seq[r, 1] = EVENT_CODE["coupon_claim"]
    col[r] += 1
    r = np.flatnonzero(kind == 1)
    seq[r, col[r]] = EVENT_CODE["add_to_cart"]
    seq[r, col[r] + 1] = EVENT_CODE["purchase"]
    r = np.flatnonzero(kind == 2)
    seq[r, col[r]] = EVENT_CODE["page_view"]
    name = seq[eo, epos]
    t0 = induced["t"][eo]
    t = np.minimum(t0 + epos * 30 * US, (t0 - start_us) // DAY_US * DAY_US + start_us + DAY_US - US)
    dayi = (t0 - start_us) // DAY_US
    block = _ev_block(
        ne,
        name=name,
        uid=uid[iu],
        dev=uid[iu] * 2,
        sess=sessions.take(m)[eo],
        t=t,
        plat=plat[iu],
        ver=_version(dayi, plat[iu], users.ver_lag[iu]),
    )
    a = name == EVENT_CODE["app_open"]
    block["pa"][a] = induced["src"][eo][a]
    block["pb"][a] = induced["sid"][eo][a]
    a = name == EVENT_CODE["coupon_claim"]
    block["pa"][a] = induced["var"][eo][a]
    a = name == EVENT_CODE["purchase"]
    npur = int(a.sum())
    gross = np.maximum(500, (np.exp(rng.normal(np.log(180), 0.5, npur)) * 100).astype(np.int64))
    vv = induced["var"][eo][a]
    coupon = hook[eo][a] == 1
    offer = ctx.variant_offer_cents[vv]
    gross = np.where(coupon, np.maximum(gross, offer + 1000), gross)
    disc = np.where(coupon, np.minimum(offer, gross), 0)
    oid = order_ids.take(npur)
    block["pa"][a] = oid
    block["pb"][a] = gross
    ac = np.flatnonzero(a) - 1
    block["pa"][ac] = rng.integers(1, 3000, npur)
    block["pb"][ac] = gross
    orders = dict(
        oid=oid,
        uid=block["uid"][a],
        t=block["t"][a],
        gross=gross,
        disc=disc,
        var=np.where(coupon, vv, -1),
    )
    return block, orders


def _visitor_events(
    ctx: Ctx, c: int, rng: np.random.Generator, n_users: int, sessions: _IdCounter
) -> dict:
    """Visitor devices, never identified: a tenth as many as users, 1-3 days each."""
    start_us = ctx.start_us
    nv = max(1, n_users // 10)
    ndays = rng.integers(1, 4, nv)
    vo, _ = _expand(ndays)
    vday = rng.integers(0, ctx.days, vo.size)
    vplat = rng.choice(3, nv, p=PLATFORM_P)
    voff = GEO_OFF[rng.choice(len(GEO), nv, p=GEO_P)]
    vt = start_us + vday * DAY_US + sample_time_of_day(rng, vo.size, voff[vo])
    vs_id = sessions.take(vo.size)
    nev = 1 + rng.poisson(2.0, vo.size)
    eo, epos = _expand(nev)
    ne = eo.size
    name = np.where(
        epos == 0,
        EVENT_CODE["app_open"],
        np.where(rng.random(ne) < 0.5, EVENT_CODE["page_view"], EVENT_CODE["content_view"]),
    ).astype(np.int8)
    t = np.minimum(
        vt[eo] + epos * (rng.integers(5, 120, ne) * US), start_us + (vday[eo] + 1) * DAY_US - US
    )
    vdev = VISITOR_DEV_BASE + c * 10**7 + vo[eo]
    return _ev_block(
        ne,
        name=name,
        uid=-1,
        dev=vdev,
        sess=vs_id[eo],
        t=t,
        plat=vplat[vo][eo],
        ver=_version(vday[eo], vplat[vo][eo], 0),
    )


def _uninstall_events(
    ctx: Ctx,
    rng: np.random.Generator,
    users: ChunkUsers,
    uninstall_users: np.ndarray,
    uninstall_days: np.ndarray,
) -> dict:
    """app_uninstall: a system event, identified, without a session."""
    uid, plat = users.uid, users.plat
    ok = uninstall_days < ctx.days
    un_u, un_d = uninstall_users[ok], uninstall_days[ok]
    t = ctx.start_us + un_d * DAY_US + rng.integers(1, 86399, un_u.size) * US
    return _ev_block(
        un_u.size,
        name=EVENT_CODE["app_uninstall"],
        uid=uid[un_u],
        dev=uid[un_u] * 2,
        sess=-1,
        t=t,
        plat=plat[un_u],
        ver=_version(un_d, plat[un_u], users.ver_lag[un_u]),
    )


def _set_properties(rng: np.random.Generator, ev: dict) -> None:
    """The properties template (pk) and its parameters (pa, pb) by event name."""
    ne = ev["t"].size
    nm = ev["name"]
    pk = np.full(ne, P_EMPTY, np.int8)
    pk[nm == EVENT_CODE["register"]] = P_REGISTER
    ao = nm == EVENT_CODE["app_open"]
    pk[ao] = np.where(ev["pb"][ao] >= 0, P_APP_OPEN_SEND, P_APP_OPEN)
    plain = ao & (ev["pa"] < 0)
    src = rng.random(ne)
    ev["pa"][plain] = np.where(src[plain] < 0.85, 0, np.where(src[plain] < 0.95, 4, 5))
    for nme, code, rngmax in (
        ("page_view", P_PAGE, len(PAGES)),
        ("content_view", P_CONTENT_VIEW, 5000),
        ("like", P_CONTENT, 5000),
        ("comment", P_CONTENT, 5000),
        ("share", P_CONTENT, 5000),
        ("join_community", P_COMMUNITY, 200),
    ):
        mk = nm == EVENT_CODE[nme]
        pk[mk] = code
        ev["pa"][mk] = rng.integers(0 if code == P_PAGE else 1, rngmax, int(mk.sum()))
    mk = nm == EVENT_CODE["content_view"]
    ev["pb"][mk] = rng.integers(0, len(CATEGORIES), int(mk.sum()))
    pk[nm == EVENT_CODE["add_to_cart"]] = P_CART
    pk[nm == EVENT_CODE["purchase"]] = P_PURCHASE
    pk[nm == EVENT_CODE["coupon_claim"]] = P_COUPON
    ev["pk"] = pk
