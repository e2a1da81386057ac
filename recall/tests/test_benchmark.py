"""Pure parts of recall.benchmark, on hand-worked inputs (no dbt, no generator)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recall import benchmark as B
from recall import pipeline

T0 = dt.datetime(2026, 1, 1, 0, 0, 0)


def _t(seconds):
    return (T0 + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _node(uid, spans, execution_time, status="success", thread="Thread-1 (worker)"):
    return {
        "status": status,
        "unique_id": uid,
        "execution_time": execution_time,
        "thread_id": thread,
        "message": "OK",
        "adapter_response": {},
        "timing": [
            {"name": n, "started_at": _t(s), "completed_at": _t(e)}
            for n, (s, e) in zip(("compile", "execute"), spans, strict=True)
        ],
    }


# Seconds after T0. Spans [0,1], [1,3], [2,4] merge to [0,4] (4 s); [5,9] and [9,9.5] merge to
# [5,9.5] (4.5 s): 8.5 s covered by nodes. Wall 12 s -> start-up 3.5 s.
RUN_RESULTS = {
    "metadata": {"dbt_version": "1.11.0", "invocation_started_at": _t(-3)},
    "elapsed_time": 9.5,
    "args": {"which": "build"},
    "results": [
        _node("operation.recall.recall-on-run-start-0", [(0, 0.5), (0.5, 1)], 1.0, thread="main"),
        _node("seed.recall.channel_costs", [(1, 1.2), (1.2, 3)], 2.0),
        _node(
            "model.recall.stg_tracking__events",
            [(2, 2.5), (2.5, 4)],
            2.0,
            thread="Thread-2 (worker)",
        ),
        _node("model.recall.fct_user_days", [(5, 6), (6, 9)], 4.0),
        _node(
            "test.recall.not_null_dim_users_user_id.abc123",
            [(9, 9.1), (9.1, 9.5)],
            0.5,
            status="pass",
        ),
        {
            "status": "fail",
            "unique_id": "test.recall.unique_dim_users_user_id.def456",
            "execution_time": 0.0,
            "timing": [],
            "message": "Got 2 results",
        },
    ],
}


def test_union_seconds_merges_overlaps_and_touching_spans():
    assert B.union_seconds([]) == 0.0
    assert B.union_seconds([(0, 1), (1, 3), (2, 4), (5, 9), (9, 9.5)]) == pytest.approx(8.5)
    assert B.union_seconds([(5, 6), (0, 2), (1, 1.5)]) == pytest.approx(3.0)


def test_parse_run_results_per_node_groups_and_startup():
    p = B.parse_run_results(RUN_RESULTS, wall_s=12.0)
    times = {n["name"]: n["execution_time_s"] for n in p["nodes"]}
    assert times == {
        "recall-on-run-start-0": 1.0,
        "channel_costs": 2.0,
        "stg_tracking__events": 2.0,
        "fct_user_days": 4.0,
        "not_null_dim_users_user_id": 0.5,
        "unique_dim_users_user_id": 0.0,
    }
    assert p["groups"] == {
        "hooks": {"count": 1, "seconds": 1.0},
        "seeds": {"count": 1, "seconds": 2.0},
        "models": {"count": 2, "seconds": 6.0},
        "tests": {"count": 2, "seconds": 0.5},
    }
    assert p["nodes_sum_s"] == pytest.approx(9.5)
    assert p["nodes_covered_s"] == pytest.approx(8.5)
    assert p["startup_s"] == pytest.approx(3.5)
    assert p["dbt_elapsed_s"] == 9.5
    assert [n["name"] for n in p["problems"]] == ["unique_dim_users_user_id"]
    assert [m["name"] for m in B.top_models(p)] == ["fct_user_days", "stg_tracking__events"]
    assert B.parse_run_results(RUN_RESULTS)["startup_s"] is None


def test_breakdown_lists_startup_groups_and_top_models():
    full = B.parse_run_results(RUN_RESULTS, wall_s=12.0)
    text = B.format_breakdown(full, None)
    assert "| dbt start-up (wall − time covered by nodes) | 3.5 | n/a |" in text
    assert "| models (Σ node time, n=2) | 6.0 | n/a |" in text
    lines = text.splitlines()
    i = lines.index("| fct_user_days | 4.00 | n/a |")
    assert lines[i + 1] == "| stg_tracking__events | 2.00 | n/a |"


def _summary(**kw):
    s = {
        "users": 100000,
        "days": 180,
        "raw_events": 5716038,
        "full_build_s": 60.0,
        "incremental_s": 5.0,
        "floor_s": 15.0,
        "build_over_floor": 4.0,
        "incremental_over_full": 5.0 / 60.0,
        "peak_memory_gb": 2.5,
    }
    s.update(kw)
    return s


def test_targets_pass_fail_and_boundaries():
    res = {c["metric"]: c["result"] for c in B.evaluate_targets(_summary())}
    assert res == {"build ÷ floor": "FAIL", "incremental ÷ full": "pass", "peak memory GB": "pass"}
    res = {
        c["metric"]: c["result"]
        for c in B.evaluate_targets(
            _summary(build_over_floor=3.0, incremental_over_full=0.10, peak_memory_gb=6.0)
        )
    }
    assert res == {"build ÷ floor": "pass", "incremental ÷ full": "pass", "peak memory GB": "FAIL"}
    res = {
        c["metric"]: c["result"]
        for c in B.evaluate_targets(
            _summary(build_over_floor=None, incremental_over_full=None, peak_memory_gb=None)
        )
    }
    assert set(res.values()) == {"n/a"}


def test_summary_table_formatting():
    lines = B.format_summary_table(_summary()).splitlines()
    assert lines[0] == (
        "| users | days | raw events | full build s | incremental s | floor s "
        "| build ÷ floor | incremental ÷ full | peak memory GB |"
    )
    assert lines[1] == "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    assert lines[2] == (
        "| 100,000 | 180 | 5,716,038 | 60.0 | 5.0 | 15.0 | 4.00 (≤ 3: FAIL) "
        "| 0.083 (≤ 0.1: pass) | 2.50 (< 6: pass) |"
    )
    row = B.format_summary_table(_summary(incremental_s=None, incremental_over_full=None))
    assert "| n/a | 15.0 |" in row and "n/a (≤ 0.1: n/a)" in row
    t = B.format_targets(_summary())
    assert "| build ÷ floor | 4.000 | ≤ 3 | FAIL |" in t


def test_ratio_and_units():
    assert B.ratio(6.0, 2.0) == 3.0
    assert B.ratio(None, 2.0) is None and B.ratio(1.0, 0.0) is None
    assert B.kib_to_gb(6_000_000_000 / 1024) == pytest.approx(6.0)


def test_hist_land_through_and_params_match(tmp_path):
    assert B.hist_land_through("2026-01-01", 30) == "2026-01-29"
    for d in ("dt=2025-12-31", "dt=2026-01-30", "dt=2026-01-02"):
        (tmp_path / "events" / d).mkdir(parents=True)
    assert B.last_landing_day(tmp_path) == "2026-01-30"
    assert B.hist_land_through("2026-01-01", 30, "2026-01-30") == "2026-01-29"
    (tmp_path / "_truth.json").write_text(
        json.dumps(
            {
                "params": {
                    "users": 10,
                    "days": 30,
                    "seed": 42,
                    "land_through": None,
                    "defects": ["x"],
                }
            }
        )
    )
    params = B.truth_params(tmp_path)
    assert B.params_match(params, {"users": 10, "days": 30, "seed": 42, "land_through": None})
    assert not B.params_match(params, {"users": 10, "days": 30, "seed": 7, "land_through": None})
    assert not B.params_match(B.truth_params(tmp_path / "nope"), {"users": 10})


def _ts(s):
    return dt.datetime.fromisoformat(s)


# (event_id, user_id, event_at, received_at). Worked by hand, keeping the earliest received copy:
#   e1 u1 01-01                      -> u1 01-01
#   e2 u1 event 01-01 23:30, landed 01-02 -> u1 01-01 (day of event_at, not of landing)
#   e3 u1 01-02                      -> u1 01-02
#   e4 u2 01-01 first; retry as u3 01-02 later -> u2 01-01 only
#   e5 anonymous                     -> dropped
#   e6 u2 01-02                      -> u2 01-02
#   e7 u3 twice (later copy written first) -> u3 01-02 once
#   e8 anonymous first, u1 copy later -> dropped (the kept copy is anonymous)
# => u1 01-01: 2, u1 01-02: 1, u2 01-01: 1, u2 01-02: 1, u3 01-02: 1
ROWS = [
    ("e1", "u1", "2026-01-01 10:00", "2026-01-01 10:00"),
    ("e2", "u1", "2026-01-01 23:30", "2026-01-02 00:10"),
    ("e3", "u1", "2026-01-02 08:00", "2026-01-02 08:00"),
    ("e4", "u2", "2026-01-01 12:00", "2026-01-01 12:00"),
    ("e4", "u3", "2026-01-02 09:00", "2026-01-02 09:00"),
    ("e5", None, "2026-01-01 13:00", "2026-01-01 13:00"),
    ("e6", "u2", "2026-01-02 05:00", "2026-01-02 05:00"),
    ("e7", "u3", "2026-01-02 11:00", "2026-01-02 12:00"),
    ("e7", "u3", "2026-01-02 11:00", "2026-01-02 11:05"),
    ("e8", None, "2026-01-01 14:00", "2026-01-01 14:00"),
    ("e8", "u1", "2026-01-01 14:00", "2026-01-02 01:00"),
]


def _landing(root: Path):
    schema = pa.schema(
        [
            ("event_id", pa.string()),
            ("event_name", pa.string()),
            ("user_id", pa.string()),
            ("event_at", pa.timestamp("us")),
            ("received_at", pa.timestamp("us")),
        ]
    )
    by_dt = {}
    for eid, uid, ev, rc in ROWS:
        by_dt.setdefault(rc[:10], []).append(
            {
                "event_id": eid,
                "event_name": "app_open",
                "user_id": uid,
                "event_at": _ts(ev),
                "received_at": _ts(rc),
            }
        )
    for day, rows in by_dt.items():
        d = root / "events" / f"dt={day}"
        d.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), d / "part-00000.parquet")


def test_floor_sql_dedups_by_earliest_copy_and_drops_anonymous(tmp_path):
    _landing(tmp_path / "raw")
    assert B.count_parquet_rows(tmp_path / "raw" / "events") == len(ROWS)
    db = tmp_path / "floor.duckdb"
    out = B.run_floor(tmp_path / "raw", db, threads=1, memory_limit="1GB")
    assert out["user_days"] == 5 and out["events"] == 6 and out["seconds"] >= 0
    con = duckdb.connect(str(db), read_only=True)
    got = con.execute(
        "select user_id, cast(event_date as varchar), events from user_days order by 1, 2"
    ).fetchall()
    con.close()
    assert got == [
        ("u1", "2026-01-01", 2),
        ("u1", "2026-01-02", 1),
        ("u2", "2026-01-01", 1),
        ("u2", "2026-01-02", 1),
        ("u3", "2026-01-02", 1),
    ]


def test_floor_worker_in_subprocess_reports_own_rss(tmp_path):
    _landing(tmp_path / "raw")
    r = B.run_measured(
        [
            sys.executable,
            "-c",
            "import sys; from recall.benchmark import floor_worker_main; "
            "floor_worker_main(sys.argv[1:])",
            str(tmp_path / "raw"),
            str(tmp_path / "f.duckdb"),
            "1",
            "1GB",
        ],
        cwd=B.REPO,
        log_path=tmp_path / "out.txt",
    )
    assert r["returncode"] == 0 and r["peak_rss_kib"] > 1000 and r["wall_s"] > 0
    line = [ln for ln in (tmp_path / "out.txt").read_text().splitlines() if ln.startswith("{")][-1]
    assert json.loads(line)["user_days"] == 5


def test_startup_split_before_first_node_and_after_last():
    started = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp() - 3.0
    p = B.parse_run_results(RUN_RESULTS, wall_s=13.0, started_epoch=started)
    # process starts at -3 s, first node at 0 s, last node ends at 9.5 s, process ends at 10 s
    assert p["before_first_node_s"] == pytest.approx(3.0)
    assert p["after_last_node_s"] == pytest.approx(0.5)
    assert p["startup_s"] == pytest.approx(13.0 - 8.5)
    assert (
        "| … of which before the first node (start, parse, compile) | 3.0 | n/a |"
        in B.format_breakdown(p, None)
    )


def test_unit_tests_are_their_own_group():
    rr = {
        "elapsed_time": 1.0,
        "results": [
            _node(
                "unit_test.recall.int_device_users.test_latest_wins",
                [(0, 0.2), (0.2, 0.5)],
                0.5,
                status="fail",
            ),
            _node("model.recall.int_device_users", [(0.5, 0.6), (0.6, 1.5)], 1.0),
        ],
    }
    p = B.parse_run_results(rr, wall_s=2.0)
    assert p["groups"] == {
        "unit tests": {"count": 1, "seconds": 0.5},
        "models": {"count": 1, "seconds": 1.0},
    }
    assert p["startup_s"] == pytest.approx(0.5)
    assert [n["name"] for n in p["problems"]] == ["int_device_users.test_latest_wins"]
    assert "| unit tests (Σ node time, n=1) | 0.5 | n/a |" in B.format_breakdown(p, None)


@pytest.mark.warehouse  # dbt parses and lists the project (about a minute)
def test_scheduled_load_flags_drop_exactly_the_unit_tests(tmp_path):
    # The benchmark times the scheduled load; make load and make pipeline run
    # it through recall.pipeline, and it leaves out the dbt unit tests and
    # nothing else.
    assert B.PRODUCTION_BUILD_FLAGS is pipeline.SCHEDULED_LOAD_FLAGS
    makefile = (B.REPO / "Makefile").read_text()
    for target in ("load", "pipeline"):
        recipe = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert "-m recall.pipeline" in recipe and "--unit-tests" not in recipe, recipe
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(B.REPO / "profiles"),
        RECALL_DB_PATH=str(tmp_path / "ls.duckdb"),
        RECALL_RAW_DIR=str(tmp_path / "raw"),
    )

    def listed(*flags):
        out = subprocess.run(
            [
                B.dbt_executable(),
                "ls",
                "--project-dir",
                str(B.REPO),
                "--target-path",
                str(tmp_path / "target"),
                "--log-path",
                str(tmp_path / "logs"),
                "--output",
                "json",
                "--output-keys",
                "unique_id resource_type",
                *flags,
            ],
            env=env,
            cwd=B.REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        return {r["unique_id"]: r["resource_type"] for r in rows}

    everything = listed()
    scheduled = listed(*B.PRODUCTION_BUILD_FLAGS)
    dropped = {uid: kind for uid, kind in everything.items() if uid not in scheduled}
    assert dropped and set(dropped.values()) == {"unit_test"}
    assert "unit_test" not in set(scheduled.values())


def test_bounds_from_the_fixed_cost():
    # full 120 s, floor 20 s, fixed cost 25 s: no incremental beats 25 s, so
    # incremental ÷ full >= 25 / 120; both targets need incremental <= 0.1 x 3
    # x 20 = 6 s, which the fixed cost alone exceeds.
    b = B.bounds({"full_build_s": 120.0, "floor_s": 20.0, "dbt_fixed_cost_s": 25.0})
    assert b["least_incremental_over_full"] == pytest.approx(25 / 120)
    assert b["joint_incremental_limit_s"] == pytest.approx(6.0)
    assert b["both_targets_reachable"] is False
    b = B.bounds({"full_build_s": 120.0, "floor_s": 20.0, "dbt_fixed_cost_s": 6.0})
    assert b["both_targets_reachable"] is True
    b = B.bounds({"full_build_s": None, "floor_s": 20.0, "dbt_fixed_cost_s": None})
    assert b["least_incremental_over_full"] is None
    assert b["both_targets_reachable"] is None
    table = B.format_bounds({"full_build_s": 120.0, "floor_s": 20.0, "dbt_fixed_cost_s": 25.0})
    assert "| least incremental ÷ full (fixed cost ÷ full) | 0.208 |" in table
    assert "(0.1 × 3 × floor) | 6.0 |" in table
    assert "| both time targets reachable under dbt | no: dbt's fixed cost" in table
