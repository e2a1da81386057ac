"""Tests of the demo data generator (recall.generator)."""

import json
import os
import subprocess
import sys

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from recall.generator.defects import DEFECTS
from recall.generator.generate import generate
from recall.generator.schema import SCHEMAS, TABLES, TRACKING_PLAN

# Generates demo worlds (minutes): see the README, Testing.
pytestmark = pytest.mark.warehouse

USERS, DAYS = 1200, 50
SMALL = dict(users=USERS, days=DAYS, seed=7, quiet=True)


@pytest.fixture(scope="session")
def gen_root(tmp_path_factory):
    return tmp_path_factory.mktemp("gen")


_cache = {}


def run(root, name, **kw):
    if name not in _cache:
        out = str(root / name)
        args = dict(SMALL)
        args.update(kw)
        args.setdefault("expected", False)
        truth = generate(out, **args)
        _cache[name] = (out, truth)
    return _cache[name]


def con_for(out):
    con = duckdb.connect()
    con.execute(
        "CREATE VIEW events AS SELECT * "
        f"FROM read_parquet('{out}/events/*/*.parquet', hive_partitioning=true)"
    )
    for t in TABLES:
        if t != "events":
            con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{out}/{t}/*.parquet')")
    return con


def q1(con, sql):
    return con.execute(sql).fetchone()[0]


def read_table(out, t):
    if t == "events":
        return ds.dataset(
            os.path.join(out, "events"), format="parquet", partitioning="hive"
        ).to_table()
    return ds.dataset(os.path.join(out, t), format="parquet").to_table()


# ------------------------------------------------------------------ schema
def test_schema_of_all_tables(gen_root):
    out, truth = run(gen_root, "default", defects="default", expected=True)
    for t in TABLES:
        files = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(out, t)) for f in fs]
        assert files, t
        for f in files:
            assert f.endswith(".parquet")
            sch = pq.read_schema(f).remove_metadata()
            assert sch.names == SCHEMAS[t].names, (t, sch.names)
            assert sch.equals(SCHEMAS[t]), (t, sch)
        if t == "events":
            parts = os.listdir(os.path.join(out, "events"))
            assert all(p.startswith("dt=") for p in parts)
    con = con_for(out)
    # dt partition = UTC date of received_at
    assert q1(con, "SELECT count(*) FROM events WHERE received_at::DATE <> dt::DATE") == 0
    assert truth["raw_rows"]["events"] == q1(con, "SELECT count(*) FROM events")
    for t in TABLES:
        assert truth["raw_rows"][t] == q1(con, f"SELECT count(*) FROM {t}"), t
    assert truth["registered_users"] == q1(con, "SELECT count(DISTINCT user_id) FROM users")
    assert truth["as_of_date"] == str(q1(con, "SELECT max(received_at)::DATE - 1 FROM events"))
    assert set(truth["expected"]) >= {
        "clean_events",
        "duplicate_rows_removed",
        "daily_active_users",
        "active_user_days",
        "credited_event_count",
    }


def test_empty_tables_still_written(gen_root):
    # 10 days: no campaigns -> campaign tables exist with schema and zero rows
    out, truth = run(gen_root, "short", days=10, defects="none")
    for t in (
        "campaigns",
        "campaign_variants",
        "campaign_assignments",
        "message_sends",
        "message_events",
    ):
        tb = read_table(out, t)
        assert tb.num_rows == 0 and tb.schema.remove_metadata().equals(SCHEMAS[t])
    assert truth["arms"] == {}


# ------------------------------------------------------------------ determinism / landing
def _equal_tables(a, b):
    for t in TABLES:
        ta, tb = read_table(a, t), read_table(b, t)
        if not ta.equals(tb):
            return False
    return True


def test_determinism(gen_root):
    a, _ = run(gen_root, "default", defects="default", expected=True)
    b, tb = run(gen_root, "default_again", defects="default", expected=True)
    c, _ = run(gen_root, "other_seed", defects="default", seed=8)
    assert _equal_tables(a, b)
    assert json.load(open(os.path.join(a, "_truth.json"))) == json.load(
        open(os.path.join(b, "_truth.json"))
    )
    assert not read_table(a, "events").equals(read_table(c, "events"))
    assert not read_table(a, "users").equals(read_table(c, "users"))


LAND_RULES = {
    "events": "received_at",
    "users": "updated_at",
    "orders": "updated_at",
    "campaigns": "starts_at",
    "campaign_assignments": "assigned_at",
    "message_sends": "scheduled_at",
    "message_events": "received_at",
}


def test_land_through_is_exact_subset(gen_root):
    full, tf = run(gen_root, "default", defects="default", expected=True)
    part, tp = run(gen_root, "landed", defects="default", land_through="2026-02-05", expected=True)
    con = duckdb.connect()
    end = "TIMESTAMP '2026-02-06'"
    for t in TABLES:
        src = (
            (lambda o: f"read_parquet('{o}/events/*/*.parquet', hive_partitioning=true)")
            if t == "events"
            else (lambda o, t=t: f"read_parquet('{o}/{t}/*.parquet')")
        )
        if t == "campaign_variants":
            cond = (
                "campaign_id IN (SELECT campaign_id "
                f"FROM read_parquet('{full}/campaigns/*.parquet') WHERE starts_at < {end})"
            )
        else:
            cond = f"{LAND_RULES[t]} < {end}"
        n_part = q1(con, f"SELECT count(*) FROM {src(part)}")
        assert n_part > 0, t
        # partial = full filtered by the landing rule, row for row (multiset equality)
        diff1 = q1(
            con,
            f"SELECT count(*) FROM (SELECT * FROM {src(part)} EXCEPT ALL SELECT * "
            f"FROM {src(full)} WHERE {cond})",
        )
        diff2 = q1(
            con,
            f"SELECT count(*) FROM (SELECT * FROM {src(full)} WHERE {cond} EXCEPT ALL "
            f"SELECT * FROM {src(part)})",
        )
        assert diff1 == 0 and diff2 == 0, t
        assert n_part == tp["raw_rows"][t]
    assert tp["as_of_date"] == "2026-02-04"
    assert tp["raw_rows"]["events"] < tf["raw_rows"]["events"]
    # the landed subset contains late events that the full run has in later partitions
    late_later = q1(
        con,
        f"""SELECT count(*)
        FROM read_parquet('{full}/events/*/*.parquet', hive_partitioning=true)
                         WHERE event_at < {end} AND received_at >= {end}""",
    )
    assert late_later > 0
    # truth describes the landed subset
    assert tp["params"]["land_through"] == "2026-02-05"
    assert sum(v for v in tp["defects"].values() if not isinstance(v, dict)) <= sum(
        v for v in tf["defects"].values() if not isinstance(v, dict)
    )
    assert set(tp["arms"]) < set(tf["arms"]) or tp["arms"] == {}


# ------------------------------------------------------------------ defects
def defect_measures(out, none_out):
    """Each defect class measured straight from the Parquet (independent of the generator)."""
    con = con_for(out)
    con.execute(
        "CREATE VIEW base AS SELECT * "
        f"FROM read_parquet('{none_out}/events/*/*.parquet', hive_partitioning=true)"
    )
    plan = ", ".join(f"'{n}'" for n in TRACKING_PLAN)
    m = {}
    m["duplicates"] = q1(
        con,
        """SELECT coalesce(sum(n - 1), 0) FROM (SELECT event_id, count(*) n,
        count(DISTINCT (event_name, user_id, device_id, session_id, event_at, platform,
                        app_version, properties)) k
        FROM events GROUP BY event_id) WHERE n > 1 AND k = 1""",
    )
    m["conflicting_duplicates"] = q1(
        con,
        """SELECT coalesce(sum(n - 1), 0) FROM (SELECT event_id,
        count(*) n,
        count(DISTINCT (event_name, user_id, device_id, session_id, event_at, platform,
                        coalesce(app_version, '?'), properties)) k
        FROM events GROUP BY event_id) WHERE n > 1 AND k > 1""",
    )
    m["late"] = q1(con, "SELECT count(*) FROM events WHERE received_at > event_at + INTERVAL 1 DAY")
    m["future_events"] = q1(
        con, "SELECT count(*) FROM events WHERE event_at > received_at + INTERVAL 5 MINUTE"
    )
    m["unknown_event_names"] = q1(
        con, f"SELECT count(*) FROM events WHERE event_name NOT IN ({plan})"
    )
    m["unknown_users"] = q1(
        con,
        "SELECT count(*) FROM events e WHERE user_id IS NOT NULL "
        "AND user_id NOT IN (SELECT user_id FROM users)",
    )
    m["before_registration"] = q1(
        con,
        """SELECT count(*) FROM events e JOIN
        (SELECT user_id, min(registered_at)::DATE r FROM users GROUP BY 1) u USING (user_id)
            WHERE e.event_at::DATE < u.r""",
    )
    new_rows = "(SELECT * FROM events WHERE event_id NOT IN (SELECT event_id FROM base))"
    ident_dev = "(SELECT DISTINCT device_id FROM base WHERE user_id IS NOT NULL)"
    m["anonymous_events"] = q1(
        con,
        f"SELECT count(*) FROM {new_rows} WHERE user_id IS NULL "
        f"AND device_id IN {ident_dev} AND event_name IN ({plan})",
    )
    m["never_identified"] = q1(
        con,
        f"""SELECT count(*) FROM {new_rows} n WHERE user_id IS NULL
        AND device_id NOT IN (SELECT device_id FROM base)
        AND device_id NOT IN (SELECT device_id FROM events WHERE user_id IS NOT NULL)""",
    )
    props = con.execute("SELECT event_name, properties FROM events").fetchdf()
    malformed = missing = 0
    for name, p in zip(props.event_name, props.properties, strict=True):
        try:
            obj = json.loads(p)
        except (TypeError, ValueError):
            obj = None
        if not isinstance(obj, dict):
            malformed += 1
        elif name in TRACKING_PLAN and any(k not in obj for k in TRACKING_PLAN[name][2]):
            missing += 1
    m["malformed_properties"] = malformed
    m["missing_required_properties"] = missing
    m["invalid_amounts"] = q1(
        con,
        """SELECT count(*) FROM orders
        WHERE gross_amount < 0 OR discount_amount < 0 OR discount_amount > gross_amount""",
    )
    m["unknown_timezones"] = q1(
        con,
        """SELECT count(DISTINCT user_id) FROM users WHERE timezone IS NOT NULL
        AND timezone NOT IN (SELECT name FROM pg_timezone_names())""",
    )
    m["conflicting_versions"] = {
        "users": q1(con, "SELECT count(*) - count(DISTINCT (user_id, updated_at)) FROM users"),
        "orders": q1(con, "SELECT count(*) - count(DISTINCT (order_id, updated_at)) FROM orders"),
    }
    return m


def test_defects_none_produces_none(gen_root):
    out, truth = run(gen_root, "none", defects="none")
    m = defect_measures(out, out)
    assert all(v == 0 for k, v in m.items() if k != "conflicting_versions"), m
    assert m["conflicting_versions"] == {"users": 0, "orders": 0}
    assert all(
        (v == 0)
        if not isinstance(v, dict)
        else v in ({"users": 0, "orders": 0},) or v.get("rows_dropped") == 0
        for v in truth["defects"].values()
    )
    assert all(
        n == 0
        for arms in truth["delivery_defects"].values()
        for v in arms.values()
        for n in v.values()
    )


EVENT_CLASSES = sorted(n for n, d in DEFECTS.items() if d.target not in ("campaigns", "files"))
CAMPAIGN_CLASSES = sorted(n for n, d in DEFECTS.items() if d.target == "campaigns")
DELIVERY = ["duplicate_sends", "missed_sends", "early_sends", "late_sends", "contaminated_controls"]


@pytest.mark.parametrize("cls", EVENT_CLASSES)
def test_each_defect_class_is_counted_exactly(gen_root, cls):
    none_out, tn = run(gen_root, "none", defects="none")
    out, truth = run(gen_root, f"d_{cls}", defects=cls, defect_rate=0.02)
    m = defect_measures(out, none_out)
    counted = truth["defects"][cls]
    if cls == "conflicting_versions":
        assert counted["users"] > 0 and counted["orders"] > 0
        assert m[cls] == counted
    else:
        assert counted > 0
        assert m[cls] == counted, (cls, m[cls], counted)
    # no other class shows up
    for k, v in m.items():
        if k != cls and k != "conflicting_versions":
            assert v == 0, (cls, k, v)
        if k == "conflicting_versions" and cls != k:
            assert v == {"users": 0, "orders": 0}
    # the base world is untouched: modifying classes keep row counts, adding classes add exactly
    added = truth["raw_rows"]["events"] - tn["raw_rows"]["events"]
    if cls in ("late", "malformed_properties", "missing_required_properties", "future_events"):
        assert added <= 0  # late rows may land after the period
    elif cls not in ("conflicting_versions", "invalid_amounts", "unknown_timezones"):
        assert added == counted


def test_default_defects_and_oracle(gen_root):
    out, truth = run(gen_root, "default", defects="default", expected=True)
    assert set(truth["params"]["defects"]) == {n for n, d in DEFECTS.items() if d.default}
    assert set(DELIVERY) <= set(truth["params"]["defects"])
    for k, v in truth["defects"].items():
        if k == "missing_platform_day":
            assert v["rows_dropped"] == 0 and not DEFECTS[k].default
        elif not DEFECTS[k].default:
            assert v == 0, k
        else:
            assert (v > 0) if not isinstance(v, dict) else (v["users"] > 0 and v["orders"] > 0), k
    m = campaign_measures(out)
    for k in DELIVERY:
        assert m[k] == truth["defects"][k], k
    exp = truth["expected"]
    assert exp["duplicate_rows_removed"] == (
        truth["defects"]["duplicates"] + truth["defects"]["conflicting_duplicates"]
    )
    assert 0 < exp["clean_events"] < truth["raw_rows"]["events"] - exp["duplicate_rows_removed"]
    assert exp["active_user_days"] == sum(exp["daily_active_users"].values())
    assert list(exp["daily_active_users"])[-1] == truth["as_of_date"]


def test_oracle_without_defects(gen_root):
    out, truth = run(gen_root, "none_exp", defects="none", expected=True)
    exp = truth["expected"]
    assert exp["duplicate_rows_removed"] == 0
    assert exp["clean_events"] == truth["raw_rows"]["events"]
    # independent pandas recomputation of DAU (no defects: identity = device owner)
    import pandas as pd

    ev = read_table(out, "events").to_pandas()
    us = read_table(out, "users").to_pandas()
    reg = us.groupby("user_id").registered_at.min().dt.normalize()
    as_of = pd.Timestamp(truth["as_of_date"])
    ev = ev[ev.event_at < as_of + pd.Timedelta(days=1)]
    ident = (
        ev[ev.user_id.notna()]
        .sort_values(["event_at", "event_id"])
        .groupby("device_id")
        .user_id.last()
    )
    ev["cred"] = ev.user_id.fillna(ev.device_id.map(ident))
    ev["day"] = ev.event_at.dt.normalize()
    ev = ev[ev.cred.notna()]
    ev = ev[ev.day >= ev.cred.map(reg)]
    act = ev[ev.event_name != "app_uninstall"][["cred", "day"]]
    regs = (
        reg[reg <= as_of].reset_index().rename(columns={"user_id": "cred", "registered_at": "day"})
    )
    ad = pd.concat([act, regs]).drop_duplicates()
    dau = ad.groupby("day").size()
    assert exp["active_user_days"] == len(ad)
    assert exp["credited_event_count"] == len(ev)
    for d, n in dau.items():
        assert exp["daily_active_users"][d.date().isoformat()] == n


# ------------------------------------------------------------------ consistency
def test_consistency_without_defects(gen_root):
    out, truth = run(gen_root, "none", defects="none")
    con = con_for(out)
    end = f"TIMESTAMP '{truth['params']['start_date']}' + INTERVAL {DAYS - 1} DAY"
    # every purchase event has an order (same user) and every order a purchase event
    assert (
        q1(
            con,
            """SELECT count(*) FROM events e WHERE event_name = 'purchase' AND NOT EXISTS
        (SELECT 1 FROM orders o WHERE o.order_id = json_extract_string(e.properties, '$.order_id')
            AND o.user_id = e.user_id)""",
        )
        == 0
    )
    assert (
        q1(
            con,
            f"""SELECT count(*) FROM orders o WHERE ordered_at < {end} AND NOT EXISTS
        (SELECT 1 FROM events e WHERE e.event_name = 'purchase' AND
            json_extract_string(e.properties, '$.order_id') = o.order_id)""",
        )
        == 0
    )
    assert (
        q1(
            con,
            "SELECT count(*) FROM orders WHERE discount_amount < 0 "
            "OR discount_amount > gross_amount OR gross_amount < 0",
        )
        == 0
    )
    assert q1(con, "SELECT count(DISTINCT currency) FROM orders") == 1
    # every send belongs to a treatment assignment; control users are never messaged
    assert q1(con, "SELECT count(*) FROM message_sends") > 0
    assert (
        q1(
            con,
            """SELECT count(*) FROM message_sends s LEFT JOIN campaign_assignments a
        USING (campaign_id, user_id, variant_id)
        LEFT JOIN campaign_variants v USING (campaign_id, variant_id) WHERE a.user_id IS NULL
            OR v.is_control""",
        )
        == 0
    )
    assert (
        q1(
            con,
            "SELECT count(*) - count(DISTINCT (campaign_id, user_id)) FROM campaign_assignments",
        )
        == 0
    )
    assert (
        q1(
            con,
            "SELECT count(*) FROM message_events m WHERE send_id NOT IN (SELECT send_id "
            "FROM message_sends)",
        )
        == 0
    )
    assert q1(con, "SELECT count(*) FROM message_events WHERE received_at < event_at") == 0
    assert (
        q1(
            con,
            "SELECT count(*) FROM message_sends WHERE (status = 'sent') <> (sent_at IS NOT NULL)",
        )
        == 0
    )
    # every campaign has exactly one control arm with null channel/hook/offer
    assert (
        q1(
            con,
            """SELECT count(*) FROM (SELECT campaign_id, sum(is_control::INT) c
        FROM campaign_variants GROUP BY 1) WHERE c <> 1""",
        )
        == 0
    )
    assert (
        q1(
            con,
            "SELECT count(*) FROM campaign_variants WHERE is_control AND (channel IS "
            "NOT NULL OR offer_value IS NOT NULL)",
        )
        == 0
    )
    # registered_at identical across snapshots
    assert (
        q1(
            con,
            "SELECT count(*) FROM (SELECT user_id FROM users GROUP BY 1 "
            "HAVING count(DISTINCT registered_at) > 1)",
        )
        == 0
    )
    assert (
        q1(con, "SELECT count(*) FROM (SELECT user_id FROM users GROUP BY 1 HAVING count(*) > 1)")
        > 0
    )
    # clock skew: received_at >= event_at - 5 min
    assert (
        q1(con, "SELECT count(*) FROM events WHERE received_at < event_at - INTERVAL 5 MINUTE") == 0
    )
    # one register event per user at registered_at on its first device
    assert q1(con, "SELECT count(*) FROM events WHERE event_name = 'register'") == q1(
        con, "SELECT count(DISTINCT user_id) FROM users"
    )
    assert (
        q1(
            con,
            """SELECT count(*) FROM events e JOIN users u USING (user_id)
        WHERE e.event_name = 'register' AND e.event_at <> u.registered_at""",
        )
        == 0
    )
    # most clicks are followed by an app_open with that send_id within 30 minutes
    clicks = q1(con, "SELECT count(*) FROM message_events WHERE event_type = 'clicked'")
    followed = q1(
        con,
        """SELECT count(*) FROM message_events m WHERE event_type = 'clicked'
        AND EXISTS
        (SELECT 1 FROM events e WHERE e.event_name = 'app_open' AND
        json_extract_string(e.properties, '$.send_id') = m.send_id
         AND e.event_at BETWEEN m.event_at AND m.event_at + INTERVAL 30 MINUTE)""",
    )
    assert clicks > 0 and followed >= 0.9 * clicks
    # anonymous events exist on identified devices and on never-identified devices
    assert (
        q1(
            con,
            "SELECT count(*) FROM events WHERE user_id IS NULL "
            "AND device_id IN (SELECT device_id FROM events WHERE user_id IS NOT NULL)",
        )
        > 0
    )
    assert (
        q1(
            con,
            "SELECT count(*) FROM events WHERE device_id NOT IN (SELECT device_id "
            "FROM events WHERE user_id IS NOT NULL)",
        )
        > 0
    )


def test_truth_arms(gen_root):
    out, truth = run(gen_root, "default", defects="default", expected=True)
    con = con_for(out)
    assert truth["arms"]
    for cid, c in truth["arms"].items():
        n = dict(
            con.execute(
                "SELECT variant_id, count(*) FROM campaign_assignments "
                f"WHERE campaign_id = '{cid}' GROUP BY 1"
            ).fetchall()
        )
        for vid, v in c["variants"].items():
            assert v["n_assigned"] == n.get(vid, 0)
            if v["n_assigned"]:
                assert 0 <= v["true_conversion_rate"] <= 1
            if not v["is_control"] and v["n_assigned"]:
                assert (
                    abs(
                        v["true_conversion_rate"] - v["true_natural_rate"] - v["true_absolute_lift"]
                    )
                    < 1e-12
                )
    for ch in ("organic", "paid_social", "unknown"):
        assert 0 < truth["natural_return_daily_hazard"][ch] < 1
        assert 0 < truth["lapse_daily_hazard"][ch] < 1


def test_cli(tmp_path):
    out = tmp_path / "cli"
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "recall.generator",
            "--out",
            str(out),
            "--users",
            "300",
            "--days",
            "20",
            "--seed",
            "3",
            "--defects",
            "duplicates,late",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert r.returncode == 0, r.stderr
    t = json.load(open(out / "_truth.json"))
    assert set(t["params"]["defects"]) == {"late", "duplicates"}
    assert t["defects"]["unknown_users"] == 0
    assert r.stdout == ""


# ------------------------------------------------------------------ natural return truth
PLAN_CSV = os.path.join(
    os.path.dirname(__file__), "..", "..", "seeds", "reference", "tracking_plan.csv"
)
NRR_FIELDS = {"user_days", "expected_returns", "variance", "rate"}


def recount_natural_returns(out, as_of):
    """Independent recount from the raw Parquet of a run without defects (metrics.md §0-§1,
    default thresholds): {(state, channel): (user_days, returns)} over the (user, d) pairs with
    d <= as_of, the user silent/churned on d - 1 and not assigned to a treatment arm on or
    before d. Active days: events whose name counts_as_active in seeds/reference/tracking_plan.csv,
    credited to the device's identified user when anonymous, plus the registration day."""
    con = con_for(out)
    con.execute(f"CREATE VIEW plan AS SELECT * FROM read_csv('{PLAN_CSV}', header=true)")
    # without defects every identified device belongs to exactly one user
    assert (
        q1(
            con,
            """SELECT count(*) FROM (SELECT device_id FROM events WHERE user_id IS NOT NULL
                      GROUP BY 1 HAVING count(DISTINCT user_id) > 1)""",
        )
        == 0
    )
    rows = con.execute(f"""
        WITH reg AS (
            SELECT user_id, min(registered_at)::DATE AS reg_day,
                   coalesce(min(acquisition_channel), 'unknown') AS channel
            FROM users GROUP BY 1),
        dev AS (SELECT device_id, min(user_id) AS user_id FROM events WHERE user_id IS NOT NULL
        GROUP BY 1),
        act AS (
            SELECT coalesce(e.user_id, dev.user_id) AS user_id, e.event_at::DATE AS day
            FROM events e LEFT JOIN dev USING (device_id)
            WHERE e.event_name IN (SELECT event_name FROM plan WHERE counts_as_active)
              AND coalesce(e.user_id, dev.user_id) IS NOT NULL
            UNION
            SELECT user_id, reg_day FROM reg),
        treat AS (
            SELECT a.user_id, min(a.assigned_at::DATE) AS first_treat
            FROM campaign_assignments a JOIN campaign_variants v USING (campaign_id, variant_id)
            WHERE NOT v.is_control GROUP BY 1),
        cal AS (SELECT unnest(generate_series(DATE '{truth_start(out)}', DATE '{as_of}',
                                              INTERVAL 1 DAY))::DATE AS d),
        grid AS (
            SELECT r.user_id, r.reg_day, r.channel, c.d,
                   (p.user_id IS NOT NULL) AS prev_active, (t.user_id IS NOT NULL) AS active
            FROM reg r JOIN cal c ON c.d > r.reg_day
            LEFT JOIN act p ON p.user_id = r.user_id AND p.day = c.d - 1
            LEFT JOIN act t ON t.user_id = r.user_id AND t.day = c.d),
        st AS (
            SELECT *, (d - 1) - max(CASE WHEN prev_active THEN d - 1 END)
                          OVER (PARTITION BY user_id ORDER BY d ROWS UNBOUNDED PRECEDING) AS di
            FROM grid)
        SELECT CASE WHEN di >= 30 THEN 'churned' ELSE 'silent' END AS state, channel,
               count(*) AS user_days, count(*) FILTER (WHERE active) AS returns
        FROM st LEFT JOIN treat USING (user_id)
        WHERE (d - 1) - reg_day >= 7 AND di >= 7 AND (treat.first_treat IS NULL
        OR d < treat.first_treat)
        GROUP BY ALL""").fetchall()
    return {(s, ch): (int(n), int(r)) for s, ch, n, r in rows}


def truth_start(out):
    return json.load(open(os.path.join(out, "_truth.json")))["params"]["start_date"]


def test_natural_return_rates_truth(gen_root):
    out, truth = run(gen_root, "default", defects="default", expected=True)
    nrr = truth["natural_return_rates"]
    keys = ["organic", "paid_search", "paid_social", "app_store", "referral", "partner", "unknown"]
    assert list(nrr) == ["silent", "churned"]
    for state, cells in nrr.items():
        assert list(cells) == keys
        for ch, c in cells.items():
            assert set(c) == NRR_FIELDS, (state, ch)
            assert isinstance(c["user_days"], int) and c["user_days"] >= 0
            assert 0 <= c["variance"] <= c["expected_returns"] <= c["user_days"]
            if c["user_days"]:
                assert c["rate"] == pytest.approx(c["expected_returns"] / c["user_days"], rel=1e-12)
                assert 0 < c["rate"] < 1
            else:
                assert c["rate"] is None and c["expected_returns"] == 0
    # enough exposure in this small world: every channel has silent user-days
    assert all(c["user_days"] > 0 for c in nrr["silent"].values())
    assert sum(c["user_days"] for c in nrr["churned"].values()) > 0
    # an observed-silent user is still latently engaged with some probability, so the
    # observable rate of a channel is above its latent lapsed -> engaged hazard; churned
    # users are (almost) all lapsed, so their rate is close to the hazard
    for ch in keys:
        assert nrr["silent"][ch]["rate"] > truth["natural_return_daily_hazard"][ch]
    # deterministic; a landed subset covers fewer days (as_of earlier), never more pairs
    _, again = run(gen_root, "default_again", defects="default", expected=True)
    assert again["natural_return_rates"] == nrr
    _, landed = run(gen_root, "landed", defects="default", land_through="2026-02-05", expected=True)
    for state in nrr:
        for ch in keys:
            landed_days = landed["natural_return_rates"][state][ch]["user_days"]
            assert landed_days <= nrr[state][ch]["user_days"]
    # 10 days (as_of = day 8): nobody can be churned yet -> zero cells with null rates
    _, short = run(gen_root, "short", days=10, defects="none")
    assert all(
        c["user_days"] == 0 and c["rate"] is None
        for c in short["natural_return_rates"]["churned"].values()
    )


def test_natural_return_rates_recounted_from_raw(gen_root):
    # Without defects, the population recounted from the written tables (events, users,
    # assignments) must equal the truth's user_days exactly, and the returns observed on it
    # must match expected_returns within 4 standard deviations (R - expected_returns is a
    # martingale with variance `variance`; cells with expected_returns < 10 are too small
    # for the normal approximation and only have their user_days checked).
    out, truth = run(gen_root, "none", defects="none")
    got = recount_natural_returns(out, truth["as_of_date"])
    nrr = truth["natural_return_rates"]
    tested = 0
    for state, cells in nrr.items():
        for ch, c in cells.items():
            n, r = got.get((state, ch), (0, 0))
            assert n == c["user_days"], (state, ch, n, c["user_days"])
            if c["expected_returns"] >= 10:
                z = (r - c["expected_returns"]) / c["variance"] ** 0.5
                assert abs(z) <= 4, (state, ch, r, c["expected_returns"], z)
                tested += 1
    assert tested >= 3
    assert set(got) <= {(s, ch) for s in nrr for ch in nrr[s]}


# ------------------------------------------------------------------ campaign / cross-system defects
CAMP = dict(users=3000, days=60, seed=11)


def campaign_measures(out, none_out=None):
    """Campaign-table and cross-system defect classes measured straight from the Parquet.
    Returns {class: count} plus "by_arm": {class: {(campaign, variant): n}} for the delivery
    classes. Cross-system measures are raw counts (compare with a defect-free world)."""
    con = con_for(out)
    # the exposure population: the earliest assignment of known campaign and arm per pair (R42)
    con.execute("""CREATE VIEW asg AS SELECT * FROM (SELECT a.*, v.is_control, row_number() OVER
        (PARTITION BY a.campaign_id, a.user_id ORDER BY a.assigned_at, a.variant_id) rk
        FROM campaign_assignments a JOIN campaign_variants v USING (campaign_id, variant_id))
            WHERE rk = 1""")
    con.execute("CREATE VIEW treat AS SELECT * FROM asg WHERE NOT is_control")
    con.execute("CREATE VIEW ctrl AS SELECT * FROM asg WHERE is_control")
    q = {
        "duplicate_sends": """SELECT campaign_id, variant_id, count(*) FROM
            (SELECT campaign_id, user_id,
            any_value(variant_id) variant_id FROM message_sends WHERE status = 'sent' GROUP BY 1, 2
            HAVING count(*) > 1) GROUP BY 1, 2""",
        "missed_sends": """SELECT campaign_id, variant_id, count(*) FROM treat t WHERE NOT EXISTS
            (SELECT 1 FROM message_sends s WHERE s.campaign_id = t.campaign_id
            AND s.user_id = t.user_id)
            GROUP BY 1, 2""",
        "early_sends": """SELECT campaign_id, variant_id, count(*) FROM message_sends
            WHERE sent_at < scheduled_at - INTERVAL 60 MINUTE GROUP BY 1, 2""",
        "late_sends": """SELECT campaign_id, variant_id, count(*) FROM message_sends
            WHERE sent_at > scheduled_at + INTERVAL 60 MINUTE GROUP BY 1, 2""",
        "contaminated_controls": """SELECT campaign_id, variant_id, count(*) FROM ctrl c
            WHERE EXISTS
            (SELECT 1 FROM message_sends s WHERE s.campaign_id = c.campaign_id
            AND s.user_id = c.user_id
             AND s.status = 'sent') GROUP BY 1, 2""",
    }
    m = {"by_arm": {}}
    for k, sql in q.items():
        rows = con.execute(sql).fetchall()
        m["by_arm"][k] = {(c, v): n for c, v, n in rows}
        m[k] = sum(n for _, _, n in rows)
    m["clicks_without_app_open"] = q1(
        con,
        """SELECT count(*) FROM message_events m
        WHERE event_type = 'clicked'
        AND send_id IN (SELECT send_id FROM message_sends) AND NOT EXISTS (SELECT 1 FROM events e
        WHERE e.event_name = 'app_open'
        AND json_extract_string(e.properties, '$.send_id') = m.send_id)""",
    )
    m["purchases_without_order"] = q1(
        con,
        """SELECT count(DISTINCT event_id) FROM events e
        WHERE event_name = 'purchase'
        AND json_extract_string(properties, '$.order_id') NOT IN (SELECT order_id FROM orders)""",
    )
    m["orders_without_purchase"] = q1(
        con,
        """SELECT count(*) FROM (SELECT order_id FROM orders
        GROUP BY 1
        HAVING bool_and(status = 'paid')) o WHERE order_id NOT IN (SELECT
        json_extract_string(properties, '$.order_id')
        FROM events WHERE event_name = 'purchase')""",
    )
    m["callbacks_without_send"] = q1(
        con,
        "SELECT count(*) FROM message_events WHERE send_id "
        "NOT IN (SELECT send_id FROM message_sends)",
    )
    m["sends_without_assignment"] = q1(
        con,
        """SELECT count(*) FROM message_sends s WHERE NOT EXISTS
        (SELECT 1 FROM campaign_assignments a JOIN campaign_variants v
        USING (campaign_id, variant_id)
         WHERE a.campaign_id = s.campaign_id AND a.user_id = s.user_id)""",
    )
    m["duplicate_assignments"] = q1(
        con,
        """SELECT count(*) - count(DISTINCT (campaign_id, user_id))
        FROM campaign_assignments JOIN campaign_variants USING (campaign_id, variant_id)""",
    )
    m["unknown_campaign_assignments"] = q1(
        con,
        """SELECT count(*) FROM campaign_assignments a WHERE
        NOT EXISTS
        (SELECT 1 FROM campaign_variants v WHERE v.campaign_id = a.campaign_id
            AND v.variant_id = a.variant_id)""",
    )
    m["callbacks_out_of_order"] = q1(
        con,
        """SELECT count(*) FROM message_events c
        JOIN message_events d USING (send_id)
        WHERE c.event_type = 'clicked' AND d.event_type = 'delivered'
            AND c.event_at < d.event_at""",
    )
    m["control_assignments"] = m["off_target_assignments"] = q1(con, "SELECT count(*) FROM ctrl")
    m["implausible_dates"] = sum(
        q1(con, f"SELECT count(*) FROM {table} WHERE year({column}) IN (1900, 2999)")
        for table, column in (
            ("users", "registered_at"),
            ("orders", "ordered_at"),
            ("message_sends", "scheduled_at"),
            ("events", "event_at"),
        )
    )
    m["ios_events_by_day"] = dict(
        con.execute("""SELECT event_at::DATE::VARCHAR, count(*)
        FROM events
        WHERE platform = 'ios' GROUP BY 1""").fetchall()
    )
    return m


def crun(root, name, **kw):
    args = dict(CAMP)
    args.update(kw)
    return run(root, name, **args)


@pytest.mark.parametrize("cls", CAMPAIGN_CLASSES)
def test_each_campaign_defect_class_is_counted_exactly(gen_root, cls):
    none_out, tn = crun(gen_root, "c_none", defects="none")
    out, truth = crun(gen_root, f"c_{cls}", defects=cls, defect_rate=0.05)
    mn, m = campaign_measures(none_out), campaign_measures(out)
    counted = truth["defects"][cls]
    if cls == "missing_platform_day":
        day = counted["date"]
        assert counted["platform"] == "ios" and day >= "2026-01-09"
        assert counted["rows_dropped"] > 0
        assert m["ios_events_by_day"].get(day, 0) == 0
        assert mn["ios_events_by_day"][day] == counted["rows_dropped"]
        assert {d: n for d, n in m["ios_events_by_day"].items()} == {
            d: n for d, n in mn["ios_events_by_day"].items() if d != day
        }
        return
    assert counted > 0, cls
    assert m[cls] - mn[cls] == counted, (cls, m[cls], mn[cls], counted)
    # no other campaign measure moves
    for k in CAMPAIGN_CLASSES:
        if k not in (cls, "missing_platform_day", "off_target_assignments"):
            assert m[k] == mn[k], (cls, k, m[k], mn[k])
    # the delivery classes, per arm, equal the planted delivery_defects
    for cid, arms in truth["delivery_defects"].items():
        assert set(arms) == set(truth["arms"][cid]["variants"])
        for vid, cnt in arms.items():
            assert set(cnt) == set(DELIVERY)
            for k in DELIVERY:
                exp = m["by_arm"][k].get((cid, vid), 0) - mn["by_arm"][k].get((cid, vid), 0)
                assert cnt[k] == (exp if k == cls else 0), (cls, cid, vid, k)
    # events untouched unless the class drops them; planted arm truth unchanged
    ev_changed = cls in ("clicks_without_app_open", "orders_without_purchase", "implausible_dates")
    assert (truth["raw_rows"]["events"] != tn["raw_rows"]["events"]) == ev_changed
    if cls != "off_target_assignments":
        assert truth["arms"] == tn["arms"]
        assert m["control_assignments"] == mn["control_assignments"]
    else:
        assert m["control_assignments"] - mn["control_assignments"] == counted
        # the extra control users are included in the control truth, and were active just
        # before the start (observed state active, not the target state)
        con = con_for(out)
        for cid, c in truth["arms"].items():
            n = q1(
                con,
                f"SELECT count(*) FROM campaign_assignments WHERE campaign_id = '{cid}' "
                "AND variant_id = 'control'",
            )
            assert c["variants"]["control"]["n_assigned"] == n
        con.execute(
            "CREATE VIEW base_asg AS SELECT * "
            f"FROM read_parquet('{none_out}/campaign_assignments/*.parquet')"
        )
        not_active = q1(
            con,
            """WITH dev AS (SELECT DISTINCT device_id, user_id FROM events
            WHERE user_id IS NOT NULL),
            extra AS (SELECT * FROM campaign_assignments EXCEPT ALL SELECT * FROM base_asg),
            act AS (SELECT coalesce(e.user_id, dev.user_id) user_id, e.event_at FROM events e
                    LEFT JOIN dev USING (device_id) WHERE e.event_name <> 'app_uninstall')
            SELECT count(*) FROM extra x JOIN users u USING (user_id)
            WHERE u.registered_at >= x.assigned_at - INTERVAL 7 DAY
               OR NOT EXISTS (SELECT 1 FROM act WHERE act.user_id = x.user_id
                              AND act.event_at BETWEEN x.assigned_at - INTERVAL 3 DAY
                                  AND x.assigned_at)""",
        )
        assert not_active == 0


def test_delivery_classes_together_are_disjoint_and_exact(gen_root):
    none_out, _ = crun(gen_root, "c_none", defects="none")
    out, truth = crun(gen_root, "c_delivery", defects=",".join(DELIVERY), defect_rate=0.05)
    mn, m = campaign_measures(none_out), campaign_measures(out)
    for k in DELIVERY:
        assert truth["defects"][k] > 0 and m[k] - mn[k] == truth["defects"][k], k
    # the same users as when each class is alone (own random streams)
    for k in DELIVERY:
        _, t1 = crun(gen_root, f"c_{k}", defects=k, defect_rate=0.05)
        assert t1["defects"][k] == truth["defects"][k]
    # land-through: counts only what landed
    _, tl = crun(
        gen_root,
        "c_delivery_lt",
        defects=",".join(DELIVERY),
        defect_rate=0.05,
        land_through="2026-02-10",
    )
    ml = campaign_measures(_cache["c_delivery_lt"][0])
    for k in DELIVERY:
        assert ml[k] == tl["defects"][k] <= truth["defects"][k]


def test_all_defects_run(gen_root):
    out, truth = crun(gen_root, "c_all", defects="all", defect_rate=0.05)
    assert truth["params"]["defects"] == list(DEFECTS)
    assert all(
        (v > 0) if not isinstance(v, dict) else any(x for x in v.values() if isinstance(x, int))
        for v in truth["defects"].values()
    )
    out2, truth2 = crun(gen_root, "c_all_again", defects="all", defect_rate=0.05)
    assert _equal_tables(out, out2) and truth == truth2


# ------------------------------------------------------------------ copy tests
def _copy_pairs(arms: dict) -> list[tuple[dict, dict]]:
    """Pairs of treatment arms of a campaign that differ in copy only."""
    attrs = ("channel", "hook_type", "offer_value")
    treat = [v for v in arms.values() if not v["is_control"]]
    return [
        (x, y)
        for i, x in enumerate(treat)
        for y in treat[i + 1 :]
        if all(x[a] == y[a] for a in attrs) and x["copy_id"] != y["copy_id"]
    ]


def test_copy_ids_and_planted_copy_tests(gen_root):
    # 50 days: cmp_001 (template 0, better copy) and cmp_002 (template 1, null copy test)
    out, truth = run(gen_root, "default", defects="default", expected=True)
    con = con_for(out)
    rows = con.execute(
        "SELECT campaign_id, variant_id, hook_type, copy_id FROM campaign_variants "
        "WHERE NOT is_control"
    ).fetchall()
    # copy_id names the message text: the arms of a campaign with the same hook share it,
    # except the second copy of a copy test
    by_hook = {}
    for cid, _, hook, copy in rows:
        by_hook.setdefault((cid, hook), set()).add(copy)
    assert sorted(len(c) for c in by_hook.values()) == [1, 2, 2]
    pairs = {cid: _copy_pairs(c["variants"]) for cid, c in truth["arms"].items()}
    assert [len(p) for p in pairs.values()] == [1, 1]
    (better, base), (null_a, null_b) = pairs["cmp_001"][0][::-1], pairs["cmp_002"][0]
    assert (better["copy_effect_multiplier"], base["copy_effect_multiplier"]) == (1.4, 1.0)
    assert better["response_prob_if_delivered"] == pytest.approx(
        1.4 * base["response_prob_if_delivered"], rel=1e-12
    )
    assert null_a["response_prob_if_delivered"] == null_b["response_prob_if_delivered"]
    assert null_a["copy_effect_multiplier"] == null_b["copy_effect_multiplier"] == 1.0
    # apart from the second copy of each copy test, the arms of a hook share one copy
    for cid, c in truth["arms"].items():
        seconds = [v for v in c["variants"].values() if (v["copy_id"] or "").endswith("-b")]
        assert seconds == [y for _, y in pairs[cid]]


def test_copy_tests_complete_in_the_demo():
    from recall.generator.world import make_campaigns

    def copy_tests(days):
        """(kind, window end day) of each copy test of the campaigns of a `days` world."""
        out = []
        for cp in make_campaigns(days):
            arms = {}
            for v in cp["variants"][1:]:
                arms.setdefault((v["channel"], v["hook_type"], v["offer_value"]), []).append(v)
            for same in arms.values():
                if len(same) == 2:
                    assert same[0]["copy_id"] != same[1]["copy_id"]
                    m = {v["copy_effect_multiplier"] for v in same}
                    out.append(("null" if m == {1.0} else "better", cp["start_day"] + cp["window"]))
        return out

    # the 5000 x 90 demo: both copy tests land and their windows close inside the period
    assert sorted(kind for kind, end in copy_tests(90) if end <= 90) == ["better", "better", "null"]
    # a 40-day world: the better copy test completes (day 27), the null one lands open
    assert copy_tests(40) == [("better", 27), ("null", 42)]


# ------------------------------------------------------------------ per-user uplift truth
UPLIFT_COLUMNS = [
    "campaign_id",
    "user_id",
    "variant_id",
    "assigned_variant_id",
    "p_natural",
    "p_treated",
    "value_per_conversion",
    "reward_cost",
]


def test_uplift_truth_per_user(gen_root):
    out, truth = run(gen_root, "default", defects="default", expected=True)
    con = con_for(out)
    con.execute(f"CREATE VIEW up AS SELECT * FROM read_parquet('{out}/_truth_uplift.parquet')")
    assert [c[0] for c in con.execute("DESCRIBE up").fetchall()] == UPLIFT_COLUMNS
    # one row per assigned user (control included) x treatment arm of the campaign
    assert (
        q1(
            con,
            """SELECT count(*) FROM (
            SELECT a.campaign_id, a.user_id, v.variant_id, a.variant_id
            FROM campaign_assignments a JOIN campaign_variants v USING (campaign_id)
            WHERE NOT v.is_control
            EXCEPT ALL
            SELECT campaign_id, user_id, variant_id, assigned_variant_id FROM up)""",
        )
        == 0
    )
    n_arms = {
        cid: sum(not v["is_control"] for v in c["variants"].values())
        for cid, c in truth["arms"].items()
    }
    n_users = {
        cid: sum(v["n_assigned"] for v in c["variants"].values())
        for cid, c in truth["arms"].items()
    }
    assert q1(con, "SELECT count(*) FROM up") == sum(n_users[c] * n_arms[c] for c in n_arms)
    # the arm truth is the mean of the per-user figures over the arm's assigned users
    for cid, c in truth["arms"].items():
        for vid, v in c["variants"].items():
            natural, treated, n = con.execute(
                f"""SELECT avg(p_natural), avg(CASE WHEN variant_id = assigned_variant_id
                    THEN p_treated END), count(DISTINCT user_id)
                FROM up WHERE campaign_id = '{cid}' AND assigned_variant_id = '{vid}'"""
            ).fetchone()
            assert n == v["n_assigned"]
            assert natural == pytest.approx(v["true_natural_rate"], rel=1e-9)
            if v["is_control"]:
                assert v["true_conversion_rate"] == pytest.approx(natural, rel=1e-9)
            else:
                assert v["true_conversion_rate"] == pytest.approx(treated, rel=1e-9)
                assert v["true_absolute_lift"] == pytest.approx(treated - natural, rel=1e-9)
    # probabilities; value only for purchase campaigns; a coupon cost only for coupon arms
    # of purchase campaigns, at most the offer value
    rows = con.execute(
        """SELECT c.conversion_event, v.hook_type, v.offer_value,
            min(least(p_natural, p_treated)), max(greatest(p_natural, p_treated)),
            count(value_per_conversion), count(*), min(reward_cost), max(reward_cost),
            count(*) FILTER (WHERE p_treated < p_natural)
        FROM up JOIN campaign_variants v USING (campaign_id, variant_id)
        JOIN campaigns c USING (campaign_id) GROUP BY ALL"""
    ).fetchall()
    negative = 0
    for event, hook, offer, lo, hi, n_value, n, cost_lo, cost_hi, n_negative in rows:
        assert 0 <= lo and hi <= 1
        assert n_value == (n if event == "purchase" else 0)
        if event == "purchase" and hook == "coupon":
            assert 0 < cost_hi <= float(offer)
        else:
            assert cost_lo == cost_hi == 0
        negative += n_negative
    # heterogeneous effects: some users would convert less if messaged
    assert negative > 0
    m = truth["uplift_model"]
    assert 0 < m["suppress_low_responsiveness"] < 1 and 0 < m["cannibalise_high_value_coupon"] < 1


def test_uplift_truth_by_cell():
    # closed form (world._arm_probabilities) on hand-made users: a high-value user sent a
    # coupon in a purchase campaign loses more natural purchases than the message adds
    import numpy as np

    from recall.generator import world

    users = type("U", (), {})()
    users.rho = np.array([1.0, 1.0, 0.3])
    users.p_buy = np.array([0.02, 0.30, 0.02])
    users.has_phone = np.ones(3, bool)
    users.has_email = np.ones(3, bool)
    cp = dict(conversion_event="purchase")
    arm = dict(channel="push", hook_type="coupon", offer_value=100, effect=0.05)
    attrs = (np.ones(3, bool), np.zeros(3, bool), np.zeros(3, bool))
    n = np.array([0.10, 0.50, 0.10])
    got = world._arm_probabilities(cp, arm, np.arange(3), attrs, n, users)
    r = 0.9 * 0.92  # push: 10% invalid tokens, 92% delivered
    # user 0: e = 0.05, s = 0
    assert got["p_treated"][0] == pytest.approx(r * (1 - 0.95 * 0.9) + (1 - r) * 0.1)
    # user 1: e = 0.05, s = 0.6 (cannibalised): P = r (1 - 0.95 (1 - 0.4 x 0.5)) + (1 - r) 0.5
    assert got["p_treated"][1] == pytest.approx(r * (1 - 0.95 * 0.8) + (1 - r) * 0.5)
    assert got["p_treated"][1] < n[1]
    # user 2: e = 0.015, s = 0.4 (low responsiveness)
    assert got["p_treated"][2] == pytest.approx(r * (1 - 0.985 * (1 - 0.6 * 0.1)) + (1 - r) * 0.1)
    # coupon cost per conversion: offer x share of conversions through the message
    assert got["reward"][0] == pytest.approx(100 * r * 0.05 / got["p_treated"][0])


def test_truth_files_are_not_raw_data(gen_root):
    # the staging sources, load_raw (postgres/spark) and the landing gate read table folders
    # only: the top-level truth files of a landing folder are never read as raw data
    import glob as globlib
    from pathlib import Path

    import yaml

    from recall.load_raw import table_files

    out, _ = run(gen_root, "default", defects="default", expected=True)
    truth_files = {os.path.join(out, "_truth_uplift.parquet"), os.path.join(out, "_truth.json")}
    assert all(os.path.exists(f) for f in truth_files)
    root = Path(__file__).resolve().parents[2]
    globs = []
    for path in (root / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            globs += [t["config"]["meta"]["raw_glob"] for t in source["tables"]]
    assert len(globs) == len(TABLES)
    globs += [os.path.relpath(table_files(Path(out), t), out) for t in TABLES]
    read = {f for g in globs for f in globlib.glob(os.path.join(out, g))}
    assert read and not read & truth_files
    assert all(os.path.relpath(f, out).split(os.sep)[0] in TABLES for f in read)
