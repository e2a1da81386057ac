"""The oracle: figures the warehouse must reproduce exactly, computed straight from the
written Parquet with DuckDB, following metrics.md §0 and rulings R1-R8 (reporting time
zone UTC). Deliberately plain SQL, one rule per clause, independent of the generator's
internal arrays."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import duckdb

from .schema import TRACKING_PLAN

PLAN = ", ".join(f"'{n}'" for n in TRACKING_PLAN)
ACTIVE = ", ".join(f"'{n}'" for n, (a, _, _) in TRACKING_PLAN.items() if a)


def compute_expected(out: str, as_of: str) -> dict:
    con = duckdb.connect()
    tmp = tempfile.mkdtemp(prefix="recall_oracle_", dir="/tmp")
    con.execute(f"SET temp_directory='{tmp}'")
    con.execute("SET memory_limit='3GB'")
    con.execute("SET preserve_insertion_order=false")
    ev_glob = os.path.join(out, "events", "*", "*.parquet")
    us_glob = os.path.join(out, "users", "*.parquet")
    con.execute(
        f"CREATE VIEW raw_events AS SELECT * FROM read_parquet('{ev_glob}', hive_partitioning=true)"
    )
    con.execute(f"CREATE VIEW users AS SELECT * FROM read_parquet('{us_glob}')")
    # R3: deduplicate by event_id, keep the earliest received_at (ties: dt, then a fixed order).
    # Rows whose event_id occurs once are kept as they are; only repeated ids are ranked
    # (same result as ranking every id, much cheaper on 100M rows).
    con.execute(
        "CREATE TEMP TABLE dup_ids AS SELECT event_id FROM raw_events "
        "GROUP BY event_id HAVING count(*) > 1"
    )
    cols = "event_id, event_name, user_id, device_id, event_at, received_at, properties"
    con.execute(f"""
        CREATE TEMP TABLE dedup AS
        SELECT {cols} FROM raw_events WHERE event_id NOT IN (SELECT event_id FROM dup_ids)
        UNION ALL
        SELECT {cols} FROM raw_events WHERE event_id IN (SELECT event_id FROM dup_ids)
        QUALIFY row_number() OVER (PARTITION BY event_id
              ORDER BY received_at, dt, event_name, user_id, device_id, session_id, event_at,
                       platform, app_version, properties) = 1""")
    raw_n = con.execute("SELECT count(*) FROM raw_events").fetchone()[0]
    dedup_n = con.execute("SELECT count(*) FROM dedup").fetchone()[0]
    con.execute(
        "CREATE TEMP TABLE reg AS SELECT user_id, min(registered_at)::DATE AS reg_day "
        "FROM users GROUP BY user_id"
    )
    # R4/R2/R5: quarantine rules
    con.execute(f"""
        CREATE TEMP TABLE clean AS
        SELECT e.event_id, e.event_name, e.user_id, e.device_id, e.event_at
        FROM dedup e LEFT JOIN reg r ON e.user_id = r.user_id
        WHERE e.event_name IN ({PLAN})
          AND e.event_at <= e.received_at + INTERVAL 5 MINUTE
          AND e.properties IS NOT NULL
          AND CASE WHEN json_valid(e.properties)
                   THEN json_type(e.properties) = 'OBJECT' ELSE false END
          AND (e.user_id IS NULL OR (r.user_id IS NOT NULL AND e.event_at::DATE >= r.reg_day))""")
    clean_n = con.execute("SELECT count(*) FROM clean").fetchone()[0]
    end = (dt.date.fromisoformat(as_of) + dt.timedelta(days=1)).isoformat()
    # R5: device -> user of its latest identified clean event (event_at, event_id) up to as_of
    con.execute(f"""
        CREATE TEMP TABLE dev_user AS
        SELECT device_id, user_id FROM clean
        WHERE user_id IS NOT NULL AND event_at < TIMESTAMP '{end}'
        QUALIFY row_number() OVER (PARTITION BY device_id
                                   ORDER BY event_at DESC, event_id DESC) = 1""")
    con.execute(f"""
        CREATE TEMP TABLE credited AS
        SELECT coalesce(c.user_id, d.user_id) AS user_id, c.event_at::DATE AS day, c.event_name
        FROM clean c LEFT JOIN dev_user d ON c.device_id = d.device_id
        JOIN reg r ON r.user_id = coalesce(c.user_id, d.user_id)
        WHERE c.event_at < TIMESTAMP '{end}' AND c.event_at::DATE >= r.reg_day""")
    credited_n = con.execute("SELECT count(*) FROM credited").fetchone()[0]
    # R8: active days = registration day + days with an active clean credited event
    con.execute(f"""
        CREATE TEMP TABLE active_days AS
        SELECT DISTINCT user_id, day FROM (
            SELECT user_id, day FROM credited WHERE event_name IN ({ACTIVE})
            UNION ALL
            SELECT user_id, reg_day FROM reg WHERE reg_day <= DATE '{as_of}')""")
    first = con.execute("SELECT min(reg_day) FROM reg").fetchone()[0]
    rows = con.execute("SELECT day, count(*) FROM active_days GROUP BY day").fetchall()
    per = {d.isoformat(): int(n) for d, n in rows}
    dau = {}
    if first is not None:
        d = first
        stop = dt.date.fromisoformat(as_of)
        while d <= stop:
            dau[d.isoformat()] = per.get(d.isoformat(), 0)
            d += dt.timedelta(days=1)
    aud = con.execute("SELECT count(*) FROM active_days").fetchone()[0]
    con.close()
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return dict(
        clean_events=int(clean_n),
        duplicate_rows_removed=int(raw_n - dedup_n),
        daily_active_users=dau,
        active_user_days=int(aud),
        credited_event_count=int(credited_n),
    )
