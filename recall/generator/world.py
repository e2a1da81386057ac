"""The simulated world: users, their latent engagement process, sessions, events, orders,
campaigns, sends and callbacks. Everything is vectorised over a chunk of users; the only
Python loops run per day or per campaign. Users are independent of each other, so the
world is simulated chunk by chunk (fixed chunk size -> identical output for a given seed).

Event arrays of a chunk are kept as numeric columns (see EV_COLS) and turned into strings
only when written (writer.py).
"""
from __future__ import annotations

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
NEW_USER_LAPSE_MULT = 2.5   # lapse hazard multiplier during the first 7 days after registration
NEW_USER_DAYS = 7
# observed recall lifecycle (metrics.md §1, default thresholds): new while days since
# registration < NEW_USER_DAYS, then by days inactive: silent from 7, churned from 30
SILENT_AFTER_DAYS = 7
CHURNED_AFTER_DAYS = 30
NRR_STATES = ["silent", "churned"]   # observed states (codes 1, 2) whose returns are tallied
UNINSTALL_P = 0.3           # share of lapses (ios/android) followed by an app_uninstall

PLATFORMS = ["ios", "android", "web"]
PLATFORM_P = [0.4, 0.4, 0.2]
PUSH_P = np.array([0.55, 0.80, 0.30])
GEO = [  # country, timezone, utc offset hours, probability
    ("CN", "Asia/Shanghai", 8, 0.35), ("US", "America/New_York", -5, 0.18),
    ("US", "America/Los_Angeles", -8, 0.10), ("GB", "Europe/London", 0, 0.10),
    ("DE", "Europe/Berlin", 1, 0.10), ("JP", "Asia/Tokyo", 9, 0.10),
    ("BR", "America/Sao_Paulo", -3, 0.06), (None, None, 0, 0.01),
]
GEO_P = np.array([g[3] for g in GEO])
GEO_OFF = np.array([g[2] for g in GEO])
# local hour-of-day weights (diurnal rhythm) and weekday multipliers (Mon..Sun)
HOUR_W = np.array([1, .6, .4, .3, .3, .5, 1.2, 2.5, 3.5, 3.5, 3.2, 3.5, 4.2, 4.0, 3.3, 3.0,
                   3.0, 3.3, 4.0, 5.0, 5.8, 6.0, 4.6, 2.4])
HOUR_P = HOUR_W / HOUR_W.sum()
WEEKDAY_MULT = np.array([1.00, 0.97, 0.97, 1.00, 1.05, 1.15, 1.10])

# event names (codes); unknown names used by defects come after the plan
EVENT_NAMES = ["register", "login", "app_open", "page_view", "content_view", "like", "comment",
               "share", "join_community", "add_to_cart", "purchase", "coupon_claim",
               "app_uninstall", "AppOpen", "debug_ping", "screen_view_v2", "Purchase"]
EV = {n: i for i, n in enumerate(EVENT_NAMES)}
N_PLAN = 13
# in-session event mix (after the opening app_open)
MIX_NAMES = ["page_view", "content_view", "like", "comment", "share", "join_community",
             "add_to_cart", "login"]
MIX_P = np.array([0.30, 0.36, 0.12, 0.04, 0.04, 0.02, 0.07, 0.05])
MIX_CODES = np.array([EV[n] for n in MIX_NAMES], dtype=np.int8)

APP_OPEN_SOURCES = ["organic", "push", "sms", "email", "in_app", "deeplink"]
PAGES = ["home", "feed", "search", "profile", "shop", "settings"]
CATEGORIES = ["news", "sports", "music", "food", "travel", "tech", "fashion"]
CURRENCY = "CNY"

# properties templates (codes), rendered in writer.py
P_EMPTY, P_REGISTER, P_APP_OPEN, P_APP_OPEN_SEND, P_PAGE, P_CONTENT_VIEW, P_CONTENT, \
    P_COMMUNITY, P_CART, P_PURCHASE, P_COUPON, P_TRUNCATED, P_TEXT, P_MISSING = range(14)

EV_COLS = ["eid", "name", "uid", "dev", "sess", "t", "recv", "plat", "ver", "pk", "pa", "pb", "defect"]
EV_DTYPES = {"eid": np.int64, "name": np.int8, "uid": np.int64, "dev": np.int64, "sess": np.int64,
             "t": np.int64, "recv": np.int64, "plat": np.int8, "ver": np.int16,
             "pk": np.int8, "pa": np.int64, "pb": np.int64, "defect": np.int8}
VISITOR_DEV_BASE = 10 ** 12   # device codes >= this are visitor devices
UNKNOWN_USER_BASE = 10 ** 10  # user codes >= this have no users row

# ---------------------------------------------------------------- campaigns (global)
CH_CODES = {"push": 1, "sms": 2, "email": 3}
SEND_FAIL = {"push": ("invalid_token", 0.10), "sms": ("carrier_rejected", 0.03),
             "email": ("invalid_address", 0.01)}
DELIVER_P = {"push": 0.92, "sms": 0.97, "email": 0.96}   # email: rest bounces
BASE_EFFECT = {"push": 0.09, "sms": 0.08, "email": 0.004}
ARM_TEMPLATES = [
    # (allocation shares or None, [(channel, hook, offer, cost_per_send)])
    ([0.2, 0.4, 0.4], [("push", "coupon", 80, None), ("push", "coupon", 100, None)]),
    (None, [("push", "content", None, None), ("sms", "coupon", 50, 0.04),
            ("email", "coupon", 50, None)]),
    ([0.1, 0.3, 0.3, 0.3], [("sms", "coupon", 80, 0.04), ("sms", "coupon", 100, 0.04),
                            ("email", "coupon", 100, 0.0008)]),
]


def arm_effect(channel, hook, offer, conversion_event, target_state):
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


def make_campaigns(days: int):
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
        variants = [dict(variant_id="control", is_control=True, channel=None, hook_type=None,
                         offer_value=None, coupon_id=None, copy_id=None, cost_per_send=None,
                         allocation_share=shares[0] if shares else None, effect=0.0,
                         gidx=vglobal)]
        vglobal += 1
        for j, (ch, hook, offer, cost) in enumerate(arms):
            vid = "abcdefg"[j]
            variants.append(dict(
                variant_id=vid, is_control=False, channel=ch, hook_type=hook,
                offer_value=offer, coupon_id=(f"CPN-{cid}-{vid}" if hook == "coupon" else None),
                copy_id=f"copy-{k + 1:03d}-{vid}", cost_per_send=cost,
                allocation_share=shares[j + 1] if shares else None,
                effect=arm_effect(ch, hook, offer, conv, target), gidx=vglobal))
            vglobal += 1
        camps.append(dict(
            campaign_id=cid, campaign_name=f"{objective.replace('_', ' ')} #{k + 1} ({conv})",
            objective=objective, target_state=target, start_day=s, conversion_event=conv,
            window=window, variants=variants))
    return camps


def sample_time_of_day(rng, n, tz_off_h):
    """Seconds-of-UTC-day in [1, 86399] (µs), following a local diurnal rhythm wrapped
    into the UTC day (so the UTC date of the event is the simulated day)."""
    hour = rng.choice(24, size=n, p=HOUR_P)
    local = hour * 3600 + rng.integers(0, 3600, size=n)
    utc = (local - tz_off_h * 3600) % 86400
    utc = np.clip(utc, 1, 86398)
    return utc.astype(np.int64) * US + rng.integers(0, US, size=n)


# ---------------------------------------------------------------- chunk simulation
class Ctx:
    def __init__(self, seed, users, days, start_us, start_dow):
        self.seed, self.users, self.days = seed, users, days
        self.start_us, self.start_dow = start_us, start_dow
        self.camps = make_campaigns(days)
        self.n_chunks = max(1, -(-users // CHUNK))
        self.wk = WEEKDAY_MULT[(start_dow + np.arange(days + 40)) % 7]
        vars_ = [v for cp in self.camps for v in cp["variants"]]
        self.variant_coupon = [v["coupon_id"] or "" for v in vars_]
        self.variant_campaign = [cp["campaign_id"] for cp in self.camps for v in cp["variants"]]
        self.variant_offer_cents = np.array([int(round((v["offer_value"] or 0) * 100))
                                             for v in vars_] or [0], dtype=np.int64)


def observed_state(reg_day, last_obs, y):
    """Recall lifecycle state on day y computed from the simulated observed activity as the
    warehouse computes it (last_obs = last observed active day <= y): 0 = not registered, new
    or active; 1 = silent; 2 = churned."""
    regd = reg_day <= y - NEW_USER_DAYS
    di = y - last_obs
    return np.where(regd & (di >= SILENT_AFTER_DAYS),
                    np.where(di >= CHURNED_AFTER_DAYS, 2, 1), 0).astype(np.int8)


def _expand(counts):
    """For sessions with counts[i] items: (owner index per item, position within owner)."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(owner.size) - np.repeat(starts, counts)
    return owner, pos


def _ev_block(n, **cols):
    out = {}
    for k in EV_COLS:
        dt = EV_DTYPES[k]
        if k in cols:
            v = np.asarray(cols[k])
            out[k] = np.broadcast_to(v, (n,)).astype(dt) if v.ndim == 0 else v.astype(dt, copy=False)
        else:
            out[k] = np.full(n, -1 if k in ("uid", "sess", "ver", "pa", "pb", "recv") else 0, dtype=dt)
    return out


def concat_blocks(blocks):
    return {k: np.concatenate([b[k] for b in blocks]) for k in EV_COLS}


def simulate_chunk(ctx: Ctx, c: int):
    rng = np.random.default_rng([ctx.seed, 1, c])
    D, S0 = ctx.days, ctx.start_us
    lo = c * CHUNK
    hi = min(ctx.users, lo + CHUNK)
    n = hi - lo
    uid = np.arange(lo, hi, dtype=np.int64)

    # ---- users
    w = np.exp(1.5 * np.arange(D) / D)
    w /= w.sum()
    burst = rng.random(n) < 0.15
    reg_day = np.where(burst, rng.integers(0, min(7, D), n), rng.choice(D, n, p=w)).astype(np.int64)
    ch = rng.choice(7, n, p=CHANNEL_P)
    plat = rng.choice(3, n, p=PLATFORM_P)
    geo = rng.choice(len(GEO), n, p=GEO_P)
    off = GEO_OFF[geo]
    reg_t = S0 + reg_day * DAY_US + sample_time_of_day(rng, n, off)
    push = rng.random(n) < PUSH_P[plat]
    has_phone = rng.random(n) < 0.7
    has_email = rng.random(n) < 0.8
    sms_oo = rng.random(n) < 0.10
    email_oo = rng.random(n) < 0.15
    p_eng = np.clip(rng.beta(2, 4, n) * QUALITY[ch], 0.03, 0.95)
    mu_sess = rng.gamma(2.0, 0.3, n)
    pi_buy = rng.beta(1.0, 18.0, n)
    lam, rho = LAPSE[ch], RETURN[ch]
    has_dev2 = rng.random(n) < 0.3
    dev2_start = reg_day + rng.integers(1, 60, n)
    dev2_plat = np.where(plat == 2, 1, 2)
    ver_lag = rng.integers(0, 21, n)
    # extra snapshots: each toggles one attribute (0 push_enabled, 1 email_opt_out, 2 sms_opt_out)
    n_extra = rng.choice(3, n, p=[0.7, 0.2, 0.1])
    snap_t1 = reg_t + rng.integers(1, 90, n) * DAY_US + rng.integers(0, DAY_US, n)
    snap_t2 = snap_t1 + rng.integers(1, 60, n) * DAY_US + rng.integers(0, DAY_US, n)
    end_us = S0 + D * DAY_US - 1
    v1 = (n_extra >= 1) & (snap_t1 <= end_us)
    v2 = (n_extra >= 2) & (snap_t2 <= end_us)
    which1 = rng.choice(3, n, p=[0.6, 0.2, 0.2])
    which2 = rng.choice(3, n, p=[0.6, 0.2, 0.2])

    def attrs_at(idx, T):
        a1 = v1[idx] & (snap_t1[idx] <= T)
        a2 = v2[idx] & (snap_t2[idx] <= T)
        tog = [(a1 & (which1[idx] == k)) ^ (a2 & (which2[idx] == k)) for k in range(3)]
        return push[idx] ^ tog[0], email_oo[idx] ^ tog[1], sms_oo[idx] ^ tog[2]

    # ---- day loop: latent engaged (1) / lapsed (2) process
    state = np.zeros(n, np.int8)
    nat = np.zeros((D, n), bool)
    induced = np.zeros((D, n), bool)
    last_obs = np.full(n, -10 ** 6, np.int64)
    flip_day = np.full(n, -10, np.int64)
    uninst_u, uninst_d = [], []
    camp_at = {cp["start_day"]: (k, cp) for k, cp in enumerate(ctx.camps)}
    A = dict(camp=[], uid=[], var=[], at=[])
    SND = dict(sid=[], camp=[], var=[], uid=[], ch=[], sched=[], sent=[], status=[], reason=[])
    CB = dict(sid=[], typ=[], t=[], recv=[])
    IND = dict(u=[], t=[], src=[], sid=[], kind=[], var=[], hook=[])
    TR = []  # (campaign k, variant gidx array, p_treated array, p_natural array)
    # natural-return truth (no random draws): [user_days, sum p, sum p(1-p)] x observed
    # state on d-1 (silent, churned) x channel x day d, over users never assigned to a
    # treatment arm on or before d; p = P(active on d | latent state, parameters)
    NRR = np.zeros((3, len(NRR_STATES), len(CHANNELS), D))
    treat_day = np.full(n, D, np.int64)   # first day assigned to a treatment arm (D = never)
    OFF = []  # (campaign k, off-target candidate indices, their natural conversion probability)

    def p_natural(ix):
        e = (state[ix] == 1).astype(float)
        l = 1.0 - e
        li, ri, pe, pb_ = lam[ix], rho[ix], p_eng[ix], pi_buy[ix]
        for j in range(cp["window"]):
            pd = np.minimum(1.0, pe * ctx.wk[d + j])
            if cp["conversion_event"] == "app_open":
                e, l = e * (1 - li) * (1 - pd), e * li + l * (1 - ri)
            else:
                e, l = e * (1 - li) * (1 - pd * pb_) + l * ri * (1 - pb_), e * li + l * (1 - ri)
        return 1.0 - (e + l)

    send_ctr = 0
    for d in range(D):
        fl = (flip_day == d - 1) & (state == 2)
        state[fl] = 1
        if d in camp_at:
            k, cp = camp_at[d]
            obs = observed_state(reg_day, last_obs, d - 1)
            idx = np.flatnonzero(obs == 1 + NRR_STATES.index(cp["target_state"]))
            vs = cp["variants"]
            shares = np.array([v["allocation_share"] if v["allocation_share"] is not None else 1.0
                               for v in vs], float)
            arm = rng.choice(len(vs), idx.size, p=shares / shares.sum())
            treated = idx[~np.array([v["is_control"] for v in vs])[arm]]
            treat_day[treated] = np.minimum(treat_day[treated], d)
            at = S0 + d * DAY_US
            # natural conversion probability over the window (exact Markov chain)
            p_nat = p_natural(idx)
            # off-target candidates (no random draws; used only by the defect class
            # off_target_assignments): registered for more than NEW_USER_DAYS days (so the
            # lapse hazard has no new-user multiplier) and observed active in the last 3 days
            cand = np.flatnonzero((reg_day <= d - 1 - NEW_USER_DAYS) & (d - 1 - last_obs <= 2))
            OFF.append((k, cand, p_natural(cand)))
            p_tr = p_nat.copy()
            gvar = np.array([v["gidx"] for v in vs])[arm]
            A["camp"].append(np.full(idx.size, k)); A["uid"].append(uid[idx])
            A["var"].append(gvar); A["at"].append(np.full(idx.size, at, np.int64))
            pu, eoo, soo = attrs_at(idx, at)
            for j, v in enumerate(vs):
                if v["is_control"]:
                    continue
                m = arm == j
                ii = idx[m]
                nm = ii.size
                chn = v["channel"]
                if chn == "push":
                    supp = ~pu[m]
                    reason = np.where(supp, 3, 0)
                elif chn == "sms":
                    supp = ~has_phone[ii] | soo[m]
                    reason = np.where(~has_phone[ii], 4, np.where(soo[m], 5, 0))
                else:
                    supp = ~has_email[ii] | eoo[m]
                    reason = np.where(~has_email[ii], 6, np.where(eoo[m], 5, 0))
                fail_p = SEND_FAIL[chn][1]
                failed = ~supp & (rng.random(nm) < fail_p)
                reason = np.where(failed, {"push": 1, "sms": 2, "email": 7}[chn], reason)
                sent = ~supp & ~failed
                delivered = sent & (rng.random(nm) < DELIVER_P[chn])
                eff = v["effect"]
                resp = delivered & (rng.random(nm) < eff)
                reach = (~supp) * (1 - fail_p) * DELIVER_P[chn]
                p_tr[m] = 1 - (1 - p_nat[m]) * (1 - reach * eff)
                sid = c * 10 ** 8 + send_ctr + np.arange(nm, dtype=np.int64)
                send_ctr += nm
                sched = at + rng.integers(5 * 60, 120 * 60, nm) * US + rng.integers(0, US, nm)
                sent_at = sched + rng.integers(0, 300 * US, nm)
                status = np.where(sent, 0, np.where(failed, 1, 2))
                SND["sid"].append(sid); SND["camp"].append(np.full(nm, k))
                SND["var"].append(np.full(nm, v["gidx"])); SND["uid"].append(uid[ii])
                SND["ch"].append(np.full(nm, CH_CODES[chn])); SND["sched"].append(sched)
                SND["sent"].append(np.where(sent, sent_at, -1)); SND["status"].append(status)
                SND["reason"].append(reason)
                # callbacks
                t_del = sent_at + rng.integers(1 * US, 60 * US, nm)
                bounced = sent & ~delivered & (chn == "email")
                idle = delivered & ~resp & (rng.random(nm) < (0.5 * eff if cp["conversion_event"] == "purchase" else 0.0))
                clicked = resp | idle
                t_click = sent_at + np.minimum(rng.exponential(3 * 3600, nm), 47 * 3600).astype(np.int64) * US + 30 * US
                t_click = np.maximum(t_click, t_del + 120 * US)
                other_open = delivered & ~clicked & (chn == "email") & (rng.random(nm) < 0.2)
                t_open = np.where(clicked, t_click - rng.integers(10, 1800, nm) * US,
                                  sent_at + np.minimum(rng.exponential(5 * 3600, nm), 72 * 3600).astype(np.int64) * US)
                t_open = np.maximum(t_open, t_del + US)
                t_open = np.where(clicked, np.minimum(t_open, t_click), t_open)
                unsub = delivered & ~clicked & (chn != "push") & (rng.random(nm) < 0.015)
                t_unsub = t_del + rng.integers(3600, 48 * 3600, nm) * US
                opened = (clicked & (chn != "sms")) | other_open
                for typ, mk, tt in ((0, delivered, t_del), (1, opened, t_open), (2, clicked, t_click),
                                    (3, bounced, t_del), (4, unsub, t_unsub)):
                    q = np.flatnonzero(mk)
                    CB["sid"].append(sid[q]); CB["typ"].append(np.full(q.size, typ))
                    CB["t"].append(tt[q]); CB["recv"].append(tt[q] + rng.integers(0, 300 * US, q.size))
                # induced sessions: app_open (source = channel, send_id) shortly after the click
                q = np.flatnonzero(clicked)
                late_open = rng.random(q.size) < 0.03
                t_ao = t_click[q] + np.where(late_open, rng.integers(31 * 60, 120 * 60, q.size),
                                             rng.integers(5, 20 * 60, q.size)) * US
                kind = np.where(resp[q], 1 if cp["conversion_event"] == "purchase" else 0, 2)
                IND["u"].append(ii[q]); IND["t"].append(t_ao); IND["src"].append(np.full(q.size, CH_CODES[chn]))
                IND["sid"].append(sid[q]); IND["kind"].append(kind)
                IND["var"].append(np.full(q.size, v["gidx"]))
                IND["hook"].append(np.full(q.size, 1 if v["hook_type"] == "coupon" else 0))
                dd = (t_ao - S0) // DAY_US
                ok = dd < D
                induced[dd[ok], ii[q][ok]] = True
                conv = ok & resp[q]
                flip_day[ii[q][conv]] = dd[conv]
            TR.append((k, gvar, p_tr, p_nat))
        # natural step of day d
        newreg = reg_day == d
        E = state == 1
        L = state == 2
        u = rng.random(n)
        lam_eff = np.where(d - reg_day < NEW_USER_DAYS, lam * NEW_USER_LAPSE_MULT, lam)
        if d >= 1:
            obs = observed_state(reg_day, last_obs, d - 1)
            q = np.flatnonzero((obs > 0) & (treat_day > d))
            pq = np.where(E[q], (1.0 - lam_eff[q]) * np.minimum(1.0, p_eng[q] * ctx.wk[d]),
                          np.where(L[q], rho[q], 0.0))
            cell = (obs[q].astype(np.int64) - 1) * len(CHANNELS) + ch[q]
            for j, wts in enumerate((None, pq, pq * (1.0 - pq))):
                NRR[j, :, :, d] = np.bincount(cell, weights=wts, minlength=NRR[j, :, :, d].size
                                              ).reshape(len(NRR_STATES), len(CHANNELS))
        lapse = E & (u < lam_eff)
        act = E & ~lapse & (rng.random(n) < np.minimum(1.0, p_eng * ctx.wk[d]))
        ret = L & (u < rho)
        state[lapse] = 2
        state[ret] = 1
        state[newreg] = 1
        nat[d] = act | ret | newreg
        last_obs[nat[d] | induced[d]] = d
        un = lapse & (plat < 2) & (rng.random(n) < UNINSTALL_P)
        q = np.flatnonzero(un)
        uninst_u.append(q)
        uninst_d.append(d + rng.integers(0, 4, q.size))

    cat = lambda L_, dt=np.int64: (np.concatenate(L_).astype(dt) if L_ else np.zeros(0, dt))
    U = dict(uid=uid, reg_day=reg_day, reg_t=reg_t, ch=ch, plat=plat, geo=geo, push=push,
             has_phone=has_phone, has_email=has_email, sms_oo=sms_oo, email_oo=email_oo,
             v1=v1, v2=v2, t1=snap_t1, t2=snap_t2, which1=which1, which2=which2)
    assign = {k: cat(v) for k, v in A.items()}
    sends = {k: cat(v) for k, v in SND.items()}
    cbs = {k: cat(v) for k, v in CB.items()}
    ind = {k: cat(v) for k, v in IND.items()}
    events, order_rows = _make_events(ctx, c, rng, U, nat, ind, cat(uninst_u), cat(uninst_d),
                                      p_eng, mu_sess, pi_buy, has_dev2, dev2_start, dev2_plat,
                                      ver_lag, off)
    return dict(users=U, events=events, orders=order_rows, assign=assign, sends=sends,
                callbacks=cbs, truth=TR, nrr=NRR, offtarget=OFF)


def _version(day, plat, lag):
    return np.where(plat < 2, np.maximum(0, (day - lag) // 14), -1)


def _make_events(ctx, c, rng, U, nat, ind, un_u, un_d, p_eng, mu_sess, pi_buy, has_dev2,
                 dev2_start, dev2_plat, ver_lag, off):
    D, S0 = ctx.days, ctx.start_us
    uid, reg_day, reg_t, plat, ch = U["uid"], U["reg_day"], U["reg_t"], U["plat"], U["ch"]
    n = uid.size
    blocks = []
    sess_ctr = [c * 10 ** 10]

    def new_sess(k):
        s = sess_ctr[0] + np.arange(k, dtype=np.int64)
        sess_ctr[0] += k
        return s

    order_ctr = c * 10 ** 8
    # ---- A: natural sessions (non-registration days)
    dd, uu = np.nonzero(nat)
    keep = dd != reg_day[uu]
    dd, uu = dd[keep].astype(np.int64), uu[keep]
    buy = rng.random(dd.size) < pi_buy[uu]
    ks = 1 + rng.poisson(mu_sess[uu])
    so, spos = _expand(ks)                       # sessions -> user-day owner
    s_u, s_d = uu[so], dd[so]
    s_buy = buy[so] & (spos == 0)
    s_t = S0 + s_d * DAY_US + sample_time_of_day(rng, so.size, off[s_u])
    on2 = has_dev2[s_u] & (s_d >= dev2_start[s_u]) & (rng.random(so.size) < 0.4)
    s_dev = uid[s_u] * 2 + on2
    s_anon = ~on2 & ~s_buy & (rng.random(so.size) < 0.05)
    s_plat = np.where(on2, dev2_plat[s_u], plat[s_u])
    s_id = new_sess(so.size)
    nev = 1 + rng.poisson(3.5, so.size) + 2 * s_buy
    eo, epos = _expand(nev)
    ne = eo.size
    name = MIX_CODES[rng.choice(len(MIX_CODES), ne, p=MIX_P)]
    name[epos == 0] = EV["app_open"]
    last = epos == nev[eo] - 1
    b = s_buy[eo]
    name[b & last] = EV["purchase"]
    name[b & (epos == nev[eo] - 2)] = EV["add_to_cart"]
    gap = np.where(epos == 0, 0, rng.exponential(40.0, ne) * US).astype(np.int64)
    cs = np.cumsum(gap)
    first_idx = np.cumsum(nev) - nev
    t = s_t[eo] + cs - cs[first_idx][eo]
    day_end = S0 + (s_d[eo] + 1) * DAY_US - US
    t = np.minimum(t, day_end)
    blkA = _ev_block(ne, name=name, uid=np.where(s_anon[eo], -1, uid[s_u][eo]), dev=s_dev[eo],
                     sess=s_id[eo], t=t, plat=s_plat[eo],
                     ver=_version(s_d[eo], s_plat[eo], ver_lag[s_u][eo]))
    # purchases: order ids, amounts
    pmask = name == EV["purchase"]
    npur = int(pmask.sum())
    gross = np.maximum(500, (np.exp(rng.normal(np.log(150), 0.6, npur)) * 100).astype(np.int64))
    oid = order_ctr + np.arange(npur, dtype=np.int64)
    order_ctr += npur
    blkA["pa"][pmask] = oid
    blkA["pb"][pmask] = gross
    cmask = name == EV["add_to_cart"]
    blkA["pa"][cmask] = rng.integers(1, 3000, int(cmask.sum()))
    price = (np.exp(rng.normal(np.log(120), 0.7, ne)) * 100).astype(np.int64)
    blkA["pb"][cmask] = price[cmask]
    cart_before_purchase = np.flatnonzero(pmask) - 1
    blkA["pb"][cart_before_purchase] = gross
    blkA["pa"][cart_before_purchase] = rng.integers(1, 3000, npur)
    orders = [dict(oid=oid, uid=blkA["uid"][pmask], t=blkA["t"][pmask], gross=gross,
                   disc=np.zeros(npur, np.int64), var=np.full(npur, -1, np.int64))]
    blocks.append(blkA)

    # ---- B: registration sessions: anonymous pre-register events, register, more events
    k_pre = rng.integers(0, 4, n)
    k_post = rng.poisson(2.0, n)
    tot = k_pre + 1 + k_post
    eo, epos = _expand(tot)
    ne = eo.size
    rel = epos - k_pre[eo]                       # 0 = register event
    gapb = (rng.exponential(40.0, ne) * US).astype(np.int64) + US
    # times: walk backwards for pre events, forwards for post events
    cs = np.cumsum(np.where(rel > 0, gapb, 0))
    fi = np.cumsum(tot) - tot
    reg_idx = fi + k_pre
    fwd = cs - cs[reg_idx][eo]
    csb = np.cumsum(np.where(rel < 0, gapb, 0)[::-1])[::-1]   # suffix sums
    bwd = csb - csb[reg_idx][eo]
    t = reg_t[eo] + np.where(rel > 0, fwd, 0) - np.where(rel < 0, bwd, 0)
    t = np.minimum(t, S0 + (reg_day[eo] + 1) * DAY_US - US)
    name = MIX_CODES[rng.choice(len(MIX_CODES), ne, p=MIX_P)]
    name[name == EV["add_to_cart"]] = EV["page_view"]
    name[(rel < 0) & (epos == 0)] = EV["app_open"]
    name[(rel < 0) & (epos > 0)] = EV["page_view"]
    name[rel == 0] = EV["register"]
    name[(rel > 0) & (name == EV["login"])] = EV["content_view"]
    sid = new_sess(n)
    blkB = _ev_block(ne, name=name, uid=np.where(rel < 0, -1, uid[eo]), dev=uid[eo] * 2,
                     sess=sid[eo], t=t, plat=plat[eo], ver=_version(reg_day[eo], plat[eo], ver_lag[eo]))
    blkB["pa"][rel == 0] = ch[eo][rel == 0]
    blocks.append(blkB)

    # ---- C: induced sessions after a message click
    m = ind["u"].size
    if m:
        kind, hook = ind["kind"], ind["hook"]
        # events: app_open [+ coupon_claim if coupon] [+ add_to_cart + purchase if kind 1] [+ page_view if idle]
        has_cc = hook == 1
        cnt = 1 + has_cc + 2 * (kind == 1) + (kind == 2)
        eo, epos = _expand(cnt)
        ne = eo.size
        iu = ind["u"][eo]
        name = np.full(ne, EV["app_open"], np.int8)
        seq = np.zeros((m, 4), np.int8)
        seq[:, 0] = EV["app_open"]
        col = np.ones(m, np.int64)
        r = np.flatnonzero(has_cc)
        seq[r, 1] = EV["coupon_claim"]
        col[r] += 1
        r = np.flatnonzero(kind == 1)
        seq[r, col[r]] = EV["add_to_cart"]
        seq[r, col[r] + 1] = EV["purchase"]
        r = np.flatnonzero(kind == 2)
        seq[r, col[r]] = EV["page_view"]
        name = seq[eo, epos]
        t0 = ind["t"][eo]
        t = np.minimum(t0 + epos * 30 * US, (t0 - S0) // DAY_US * DAY_US + S0 + DAY_US - US)
        dayi = (t0 - S0) // DAY_US
        blkC = _ev_block(ne, name=name, uid=uid[iu], dev=uid[iu] * 2, sess=new_sess(m)[eo], t=t,
                         plat=plat[iu], ver=_version(dayi, plat[iu], ver_lag[iu]))
        a = name == EV["app_open"]
        blkC["pa"][a] = ind["src"][eo][a]
        blkC["pb"][a] = ind["sid"][eo][a]
        a = name == EV["coupon_claim"]
        blkC["pa"][a] = ind["var"][eo][a]
        a = name == EV["purchase"]
        npur = int(a.sum())
        gross = np.maximum(500, (np.exp(rng.normal(np.log(180), 0.5, npur)) * 100).astype(np.int64))
        vv = ind["var"][eo][a]
        coupon = hook[eo][a] == 1
        offer = ctx.variant_offer_cents[vv]
        gross = np.where(coupon, np.maximum(gross, offer + 1000), gross)
        disc = np.where(coupon, np.minimum(offer, gross), 0)
        oid = order_ctr + np.arange(npur, dtype=np.int64)
        order_ctr += npur
        blkC["pa"][a] = oid
        blkC["pb"][a] = gross
        ac = np.flatnonzero(a) - 1
        blkC["pa"][ac] = rng.integers(1, 3000, npur)
        blkC["pb"][ac] = gross
        orders.append(dict(oid=oid, uid=blkC["uid"][a], t=blkC["t"][a], gross=gross, disc=disc,
                           var=np.where(coupon, vv, -1)))
        blocks.append(blkC)

    # ---- D: visitor devices, never identified
    nv = max(1, n // 10)
    ndays = rng.integers(1, 4, nv)
    vo, _ = _expand(ndays)
    vday = rng.integers(0, D, vo.size)
    vplat = rng.choice(3, nv, p=PLATFORM_P)
    voff = GEO_OFF[rng.choice(len(GEO), nv, p=GEO_P)]
    vt = S0 + vday * DAY_US + sample_time_of_day(rng, vo.size, voff[vo])
    vs_id = new_sess(vo.size)
    nev = 1 + rng.poisson(2.0, vo.size)
    eo, epos = _expand(nev)
    ne = eo.size
    name = np.where(epos == 0, EV["app_open"],
                    np.where(rng.random(ne) < 0.5, EV["page_view"], EV["content_view"])).astype(np.int8)
    t = np.minimum(vt[eo] + epos * (rng.integers(5, 120, ne) * US), S0 + (vday[eo] + 1) * DAY_US - US)
    vdev = VISITOR_DEV_BASE + c * 10 ** 7 + vo[eo]
    blocks.append(_ev_block(ne, name=name, uid=-1, dev=vdev, sess=vs_id[eo], t=t, plat=vplat[vo][eo],
                            ver=_version(vday[eo], vplat[vo][eo], 0)))

    # ---- E: app_uninstall (system event, identified, no session)
    ok = un_d < D
    un_u, un_d = un_u[ok], un_d[ok]
    t = S0 + un_d * DAY_US + rng.integers(1, 86399, un_u.size) * US
    blocks.append(_ev_block(un_u.size, name=EV["app_uninstall"], uid=uid[un_u], dev=uid[un_u] * 2,
                            sess=-1, t=t, plat=plat[un_u], ver=_version(un_d, plat[un_u], ver_lag[un_u])))

    ev = concat_blocks(blocks)
    ne = ev["t"].size
    # properties parameters by event name
    nm = ev["name"]
    pk = np.full(ne, P_EMPTY, np.int8)
    pk[nm == EV["register"]] = P_REGISTER
    ao = nm == EV["app_open"]
    pk[ao] = np.where(ev["pb"][ao] >= 0, P_APP_OPEN_SEND, P_APP_OPEN)
    plain = ao & (ev["pa"] < 0)
    src = rng.random(ne)
    ev["pa"][plain] = np.where(src[plain] < 0.85, 0, np.where(src[plain] < 0.95, 4, 5))
    for nme, code, rngmax in (("page_view", P_PAGE, len(PAGES)), ("content_view", P_CONTENT_VIEW, 5000),
                              ("like", P_CONTENT, 5000), ("comment", P_CONTENT, 5000),
                              ("share", P_CONTENT, 5000), ("join_community", P_COMMUNITY, 200)):
        mk = nm == EV[nme]
        pk[mk] = code
        ev["pa"][mk] = rng.integers(0 if code == P_PAGE else 1, rngmax, int(mk.sum()))
    mk = nm == EV["content_view"]
    ev["pb"][mk] = rng.integers(0, len(CATEGORIES), int(mk.sum()))
    pk[nm == EV["add_to_cart"]] = P_CART
    pk[nm == EV["purchase"]] = P_PURCHASE
    pk[nm == EV["coupon_claim"]] = P_COUPON
    ev["pk"] = pk
    # natural delivery latency: seconds, at most 10 minutes
    lat = np.minimum(np.exp(rng.normal(np.log(1.5), 1.2, ne)), 600.0)
    ev["recv"] = ev["t"] + (lat * US).astype(np.int64) + 1000
    ev["eid"] = c * 10 ** 10 + np.arange(ne, dtype=np.int64)
    orders = {k: np.concatenate([o[k] for o in orders]) for k in orders[0]}
    return ev, orders
