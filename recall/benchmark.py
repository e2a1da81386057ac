"""Benchmark of the recall dbt project: full build, incremental run and a DuckDB floor.

    python -m recall.benchmark --users 100000 --days 180 [--seed 42] [--workdir DIR]
                               [--regenerate] [--threads 2] [--skip-generate]
                               [--with-unit-tests] [--skip-fixed-cost]

Each dbt step runs the scheduled load, `dbt build --exclude-resource-type unit_test`
(PRODUCTION_BUILD_FLAGS; --with-unit-tests times plain `dbt build`).

Steps (progress on stderr, results as markdown on stdout and JSON in WORKDIR/benchmark.json):

1. generate    raw_full: the whole simulated period; raw_hist: the same world landed through
               the day before the last landing day (--land-through). Folders whose
               _truth.json params match are reused unless --regenerate.
2. full        fresh WORKDIR/full.duckdb, `dbt build` (seeds included) on raw_full.
3. incremental fresh WORKDIR/incr.duckdb, `dbt build` on raw_hist (untimed setup), then
               `dbt build` on raw_full (timed): one new landing day plus late events.
4. floor       DuckDB alone, in a fresh file with the profile's threads and memory_limit:
               read the raw events once, keep the earliest received_at copy of each
               event_id, count events per user and UTC date of event_at (anonymous
               events dropped), write that as a table.
5. fixed cost  the same dbt command on a tiny landing (300 users x 20 days) built once
               (untimed), then run again with nothing new landed (timed): what dbt alone
               spends walking this project's nodes, whatever the data. No incremental
               build can be faster, so fixed cost ÷ full is the least incremental ÷ full
               this project can reach, and both targets together need an incremental of
               at most 0.10 × 3 × floor (the joint limit).

Every step runs in its own subprocess, waited for with os.wait4, so the peak RSS reported is
that process's own (dbt runs DuckDB in-process: it is the warehouse's peak memory).
Per-node times come from each step's run_results.json; "start-up" is the wall time not
covered by any node (process start, project parse, graph compile, connection, teardown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from recall import pipeline

REPO = Path(__file__).resolve().parent.parent

# Targets: build ÷ floor <= 3, incremental ÷ full <= 0.10, peak memory < 6 GB.
TARGET_BUILD_OVER_FLOOR = 3.0
TARGET_INCR_OVER_FULL = 0.10
TARGET_PEAK_GB = 6.0

# The scheduled (production) load: dbt build without the dbt unit tests. Their
# inputs are static, so they prove the SQL logic, not the data, and dbt's
# documentation recommends running them in development and CI only (make build
# and make test run them). --with-unit-tests times plain `dbt build`.
PRODUCTION_BUILD_FLAGS = pipeline.SCHEDULED_LOAD_FLAGS

DEFAULT_MEMORY_LIMIT = "4.5GB"  # profiles/profiles.yml: env RECALL_MEMORY_LIMIT, default 4.5GB
KIND_GROUPS = {
    "model": "models",
    "seed": "seeds",
    "test": "tests",
    "operation": "hooks",
    "snapshot": "snapshots",
    "unit_test": "unit tests",
}

# The floor: what DuckDB alone needs to turn the raw events into user-days.
FLOOR_SQL = """
create or replace table user_days as
with first_copies as (
    select
        event_id,
        arg_min(struct_pack(user_id := user_id, event_at := event_at), received_at) as first_copy
    from read_parquet('{glob}', hive_partitioning = false)
    group by event_id
)
select
    first_copy.user_id as user_id,
    cast(first_copy.event_at as date) as event_date,
    count(*) as events
from first_copies
where first_copy.user_id is not null
group by all
"""


# --------------------------------------------------------------------------- helpers


def log(msg: str) -> None:
    print(f"[benchmark {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def kib_to_gb(kib: int | float | None) -> float | None:
    """ru_maxrss is KiB on Linux; GB here is 10^9 bytes, as in DuckDB's memory_limit '6GB'."""
    return None if kib is None else kib * 1024 / 1e9


def ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return num / den


def run_measured(
    cmd: list[str],
    *,
    env: dict | None = None,
    cwd: str | Path | None = None,
    log_path: str | Path | None = None,
) -> dict:
    """Run cmd to completion; wall time, exit code and the child's own peak RSS (KiB)."""
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL
    try:
        started_epoch = time.time()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    finally:
        if log_path:
            out.close()
    rc = os.waitstatus_to_exitcode(status)
    proc.returncode = rc  # already reaped: keep Popen from waiting again
    return {
        "wall_s": wall,
        "peak_rss_kib": int(usage.ru_maxrss),
        "returncode": rc,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "started_epoch": started_epoch,
    }


def tail(path: str | Path, n: int = 40) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def count_parquet_rows(folder: str | Path) -> int:
    import pyarrow.parquet as pq

    files = glob.glob(os.path.join(str(folder), "**", "*.parquet"), recursive=True)
    return sum(pq.read_metadata(f).num_rows for f in files)


# --------------------------------------------------------------------------- run_results


def _ts(s: str | None) -> float | None:
    if not s:
        return None
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def union_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of [start, end] intervals (nodes overlap across threads)."""
    total, cur_s, cur_e = 0.0, None, None
    for s, e in sorted(i for i in intervals if i[1] >= i[0]):
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


def parse_run_results(
    rr: dict, wall_s: float | None = None, started_epoch: float | None = None
) -> dict:
    """Per-node execution times, totals per resource type, and the start-up remainder.

    nodes_covered_s is the union of the nodes' [compile start, execute end] spans (with
    several threads nodes overlap, so it is less than the sum of their times);
    startup_s = wall_s - nodes_covered_s is everything dbt spent outside any node.
    """
    nodes = []
    spans = []
    for r in rr.get("results", []):
        uid = r.get("unique_id", "")
        kind = uid.split(".", 1)[0]
        parts = uid.split(".")
        # unit_test.<project>.<model>.<test>; test.<project>.<name>.<hash>; model.<project>.<name>
        name = (".".join(parts[2:]) if kind == "unit_test" else parts[2]) if len(parts) > 2 else uid
        starts = [_ts(t.get("started_at")) for t in r.get("timing") or []]
        ends = [_ts(t.get("completed_at")) for t in r.get("timing") or []]
        starts = [s for s in starts if s is not None]
        ends = [e for e in ends if e is not None]
        if starts and ends:
            spans.append((min(starts), max(ends)))
        nodes.append(
            {
                "unique_id": uid,
                "name": name,
                "kind": kind,
                "status": r.get("status"),
                "execution_time_s": float(r.get("execution_time") or 0.0),
                "message": r.get("message"),
            }
        )
    groups: dict[str, dict] = {}
    for n in nodes:
        g = groups.setdefault(KIND_GROUPS.get(n["kind"], n["kind"]), {"count": 0, "seconds": 0.0})
        g["count"] += 1
        g["seconds"] += n["execution_time_s"]
    covered = union_seconds(spans)
    startup = None if wall_s is None else max(0.0, wall_s - covered)
    # Split of the start-up remainder: before the first node (process start, parse, compile,
    # connection) and after the last one (teardown, artifacts), when the start time is known.
    before = after = None
    if started_epoch is not None and spans:
        before = max(0.0, min(s for s, _ in spans) - started_epoch)
        if wall_s is not None:
            after = max(0.0, started_epoch + wall_s - max(e for _, e in spans))
    problems = [n for n in nodes if n["status"] in ("error", "fail", "runtime error")]
    return {
        "nodes": nodes,
        "groups": groups,
        "nodes_sum_s": sum(n["execution_time_s"] for n in nodes),
        "nodes_covered_s": covered,
        "dbt_elapsed_s": rr.get("elapsed_time"),
        "wall_s": wall_s,
        "startup_s": startup,
        "before_first_node_s": before,
        "after_last_node_s": after,
        "problems": problems,
    }


def top_models(parsed: dict, n: int = 10) -> list[dict]:
    models = [x for x in parsed["nodes"] if x["kind"] == "model"]
    return sorted(models, key=lambda x: -x["execution_time_s"])[:n]


# --------------------------------------------------------------------------- floor


def floor_sql(raw_dir: str | Path) -> str:
    pattern = os.path.join(str(raw_dir), "events", "*", "*.parquet").replace("'", "''")
    return FLOOR_SQL.format(glob=pattern)


def run_floor(
    raw_dir: str | Path,
    db_path: str | Path,
    threads: int = 2,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> dict:
    """Run the floor query in this process (fresh database file); return time and rows."""
    import duckdb

    for p in (str(db_path), str(db_path) + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    t0 = time.perf_counter()
    con = duckdb.connect(str(db_path))
    con.execute(f"set threads = {int(threads)}")
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute(floor_sql(raw_dir))
    con.execute("checkpoint")
    seconds = time.perf_counter() - t0
    rows, events = con.execute(
        "select count(*), coalesce(sum(events), 0) from user_days"
    ).fetchone()
    con.close()
    return {"seconds": seconds, "user_days": int(rows), "events": int(events)}


def floor_worker_main(argv: list[str]) -> None:
    raw_dir, db_path, threads, memory_limit = argv
    print(json.dumps(run_floor(raw_dir, db_path, int(threads), memory_limit)), flush=True)


# --------------------------------------------------------------------------- report


def _f(x, fmt="{:.1f}", none="n/a"):
    return none if x is None else fmt.format(x)


def evaluate_targets(summary: dict) -> list[dict]:
    """Each target with its value and 'pass' / 'FAIL' / 'n/a'."""
    checks = [
        ("build ÷ floor", summary.get("build_over_floor"), "≤", TARGET_BUILD_OVER_FLOOR),
        ("incremental ÷ full", summary.get("incremental_over_full"), "≤", TARGET_INCR_OVER_FULL),
        ("peak memory GB", summary.get("peak_memory_gb"), "<", TARGET_PEAK_GB),
    ]
    out = []
    for name, value, op, target in checks:
        if value is None:
            result = "n/a"
        elif op == "≤":
            result = "pass" if value <= target else "FAIL"
        else:
            result = "pass" if value < target else "FAIL"
        out.append({"metric": name, "value": value, "op": op, "target": target, "result": result})
    return out


def bounds(summary: dict) -> dict:
    """What the dbt fixed cost implies for the two time targets.

    least_incremental_over_full: no incremental build is faster than dbt walking the
    project's nodes with nothing to do, so incremental ÷ full >= fixed ÷ full.
    joint_incremental_limit_s: meeting both targets needs full <= 3 × floor and
    incremental <= 0.10 × full, so incremental <= 0.10 × 3 × floor.
    both_targets_reachable: False when the fixed cost alone exceeds that limit.
    """
    fixed = summary.get("dbt_fixed_cost_s")
    floor = summary.get("floor_s")
    limit = None if floor is None else TARGET_INCR_OVER_FULL * TARGET_BUILD_OVER_FLOOR * floor
    return {
        "dbt_fixed_cost_s": fixed,
        "least_incremental_over_full": ratio(fixed, summary.get("full_build_s")),
        "joint_incremental_limit_s": limit,
        "both_targets_reachable": (None if fixed is None or limit is None else fixed <= limit),
    }


def format_bounds(summary: dict) -> str:
    b = bounds(summary)
    reach = {
        None: "n/a",
        True: "yes, on fixed cost alone",
        False: "no: dbt's fixed cost alone is longer",
    }[b["both_targets_reachable"]]
    return "\n".join(
        [
            "| bound | value |",
            "|---|---:|",
            f"| dbt fixed cost s (same command, tiny warehouse, nothing new landed) "
            f"| {_f(b['dbt_fixed_cost_s'])} |",
            f"| least incremental ÷ full (fixed cost ÷ full) "
            f"| {_f(b['least_incremental_over_full'], '{:.3f}')} |",
            f"| longest incremental meeting both targets s "
            f"({TARGET_INCR_OVER_FULL:g} × {TARGET_BUILD_OVER_FLOOR:g} × floor) "
            f"| {_f(b['joint_incremental_limit_s'])} |",
            f"| both time targets reachable under dbt | {reach} |",
        ]
    )


def format_summary_table(summary: dict) -> str:
    t = {c["metric"]: c for c in evaluate_targets(summary)}

    def with_target(metric: str, fmt: str) -> str:
        c = t[metric]
        return f"{_f(c['value'], fmt)} ({c['op']} {c['target']:g}: {c['result']})"

    header = [
        "users",
        "days",
        "raw events",
        "full build s",
        "incremental s",
        "floor s",
        "build ÷ floor",
        "incremental ÷ full",
        "peak memory GB",
    ]
    row = [
        f"{summary['users']:,}",
        str(summary["days"]),
        _f(summary.get("raw_events"), "{:,}"),
        _f(summary.get("full_build_s")),
        _f(summary.get("incremental_s")),
        _f(summary.get("floor_s")),
        with_target("build ÷ floor", "{:.2f}"),
        with_target("incremental ÷ full", "{:.3f}"),
        with_target("peak memory GB", "{:.2f}"),
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" for _ in header) + "|",
        "| " + " | ".join(row) + " |",
    ]
    return "\n".join(lines)


def format_breakdown(full: dict | None, incr: dict | None, n: int = 10) -> str:
    """Start-up, per-group totals and the top models of the full and incremental runs."""
    lines = ["| where the time goes | full build s | incremental s |", "|---|---:|---:|"]

    def g(parsed: dict | None, key: str) -> float | None:
        return None if not parsed else parsed["groups"].get(key, {}).get("seconds")

    def c(parsed: dict | None, key: str) -> int | None:
        return None if not parsed else parsed["groups"].get(key, {}).get("count")

    lines.append(f"| wall time | {_f(full and full['wall_s'])} | {_f(incr and incr['wall_s'])} |")
    if (full and full.get("cpu_s") is not None) or (incr and incr.get("cpu_s") is not None):
        lines.append(
            "| CPU time of the dbt process (user + system) "
            f"| {_f(full and full.get('cpu_s'))} | {_f(incr and incr.get('cpu_s'))} |"
        )
    lines.append(
        "| dbt start-up (wall − time covered by nodes) "
        f"| {_f(full and full['startup_s'])} | {_f(incr and incr['startup_s'])} |"
    )
    if (full and full.get("before_first_node_s") is not None) or (
        incr and incr.get("before_first_node_s") is not None
    ):
        lines.append(
            f"| … of which before the first node (start, parse, compile) "
            f"| {_f(full and full.get('before_first_node_s'))} "
            f"| {_f(incr and incr.get('before_first_node_s'))} |"
        )
    for key in ("hooks", "seeds", "models", "tests", "unit tests"):
        if (full and key in full["groups"]) or (incr and key in incr["groups"]):
            lines.append(
                f"| {key} (Σ node time, n={c(full, key) or c(incr, key)}) "
                f"| {_f(g(full, key))} | {_f(g(incr, key))} |"
            )
    lines.append(
        "| time covered by nodes (threads overlap) "
        f"| {_f(full and full['nodes_covered_s'])} "
        f"| {_f(incr and incr['nodes_covered_s'])} |"
    )
    lines.append("")
    base = full or incr
    if base:
        incr_t = {x["unique_id"]: x["execution_time_s"] for x in (incr or {"nodes": []})["nodes"]}
        full_t = {x["unique_id"]: x["execution_time_s"] for x in (full or {"nodes": []})["nodes"]}
        order = top_models(full) if full else top_models(incr)
        lines += [
            "| top models (by full build) | full build s | incremental s |",
            "|---|---:|---:|",
        ]
        for m in order[:n]:
            lines.append(
                f"| {m['name']} | {_f(full_t.get(m['unique_id']), '{:.2f}')} "
                f"| {_f(incr_t.get(m['unique_id']), '{:.2f}')} |"
            )
    return "\n".join(lines)


def format_targets(summary: dict) -> str:
    lines = ["| target | value | goal | result |", "|---|---:|---:|---|"]
    for c in evaluate_targets(summary):
        lines.append(
            f"| {c['metric']} | {_f(c['value'], '{:.3f}')} | {c['op']} {c['target']:g} "
            f"| {c['result']} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- steps


def dbt_tree_fingerprint() -> str:
    """Hash of the files dbt reads, to notice a tree edited while the benchmark runs."""
    import hashlib

    h = hashlib.sha1()
    paths = [REPO / "dbt_project.yml", REPO / "profiles" / "profiles.yml"]
    for d in ("models", "macros", "seeds", "tests", "analyses"):
        paths += sorted(p for p in (REPO / d).rglob("*") if p.is_file())
    for p in paths:
        if p.is_file():
            h.update(str(p.relative_to(REPO)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


def dbt_executable() -> str:
    cand = Path(sys.executable).parent / "dbt"
    if cand.exists():
        return str(cand)
    found = shutil.which("dbt")
    if not found:
        raise SystemExit("dbt not found next to this Python nor on PATH")
    return found


def _generator_supports(flag: str) -> bool:
    r = subprocess.run(
        [sys.executable, "-m", "recall.generator", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return flag in r.stdout


def truth_params(folder: Path) -> dict | None:
    try:
        with open(folder / "_truth.json") as f:
            return json.load(f).get("params")
    except (OSError, ValueError):
        return None


def params_match(params: dict | None, want: dict) -> bool:
    return params is not None and all(params.get(k) == v for k, v in want.items())


def last_landing_day(raw_dir: Path) -> str | None:
    """The latest dt=YYYY-MM-DD partition of raw_dir/events."""
    days = sorted(d.name[3:] for d in (raw_dir / "events").glob("dt=*") if d.is_dir())
    return days[-1] if days else None


def hist_land_through(start_date: str, days: int, last_day: str | None = None) -> str:
    """The day before the last landing day: that of raw_full when known, else the period's
    last day (landing days run start .. start + days - 1)."""
    last = (
        dt.date.fromisoformat(last_day)
        if last_day
        else dt.date.fromisoformat(start_date) + dt.timedelta(days=days - 1)
    )
    return (last - dt.timedelta(days=1)).isoformat()


def generate_step(
    folder: Path,
    users: int,
    days: int,
    seed: int,
    land_through: str | None,
    regenerate: bool,
    no_expected: bool,
) -> dict:
    want = {"users": users, "days": days, "seed": seed, "land_through": land_through}
    if not regenerate and params_match(truth_params(folder), want):
        log(f"  reusing {folder} (params match)")
        return {"reused": True, "seconds": None, "peak_rss_kib": None}
    cmd = [
        sys.executable,
        "-m",
        "recall.generator",
        "--out",
        str(folder),
        "--users",
        str(users),
        "--days",
        str(days),
        "--seed",
        str(seed),
        "--quiet",
    ]
    if land_through:
        cmd += ["--land-through", land_through]
    if no_expected:
        cmd += ["--no-expected"]
    folder.parent.mkdir(parents=True, exist_ok=True)
    r = run_measured(cmd, cwd=REPO, log_path=folder.parent / f"generate_{folder.name}.log")
    if r["returncode"] != 0:
        raise SystemExit(
            f"generator failed for {folder}:\n"
            + tail(folder.parent / f"generate_{folder.name}.log")
        )
    log(f"  generated {folder} in {r['wall_s']:.1f}s, peak {kib_to_gb(r['peak_rss_kib']):.2f} GB")
    return {"reused": False, "seconds": r["wall_s"], "peak_rss_kib": r["peak_rss_kib"]}


def dbt_env(raw_dir: Path, db_path: Path, threads: int, memory_limit: str) -> dict:
    env = dict(os.environ)
    env.update(
        RECALL_RAW_DIR=str(raw_dir),
        RECALL_DB_PATH=str(db_path),
        RECALL_THREADS=str(threads),
        RECALL_MEMORY_LIMIT=memory_limit,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


def dbt_build(
    name: str,
    workdir: Path,
    raw_dir: Path,
    db_path: Path,
    threads: int,
    memory_limit: str,
    reuse_target_of: str | None = None,
    extra_flags: list[str] | None = None,
) -> dict:
    """`dbt build` with its own log folder and a fresh target folder (so it
    parses anew), or, with reuse_target_of, the target folder of an earlier
    step: a scheduled incremental run keeps the project's target/ between
    runs, so dbt re-parses only what changed."""
    target = workdir / f"target_{reuse_target_of or name}"
    logs = workdir / f"logs_{name}"
    for d in (logs,) if reuse_target_of else (target, logs):
        shutil.rmtree(d, ignore_errors=True)
    cmd = [
        dbt_executable(),
        "build",
        "--profiles-dir",
        str(REPO / "profiles"),
        "--project-dir",
        str(REPO),
        "--target-path",
        str(target),
        "--log-path",
        str(logs),
        "--threads",
        str(threads),
        *(extra_flags or []),
    ]
    log_file = workdir / f"dbt_{name}.log"
    r = run_measured(
        cmd, env=dbt_env(raw_dir, db_path, threads, memory_limit), cwd=REPO, log_path=log_file
    )
    parsed = None
    rr_path = target / "run_results.json"
    if rr_path.exists():
        with open(rr_path) as f:
            parsed = parse_run_results(json.load(f), r["wall_s"], r["started_epoch"])
        parsed["cpu_s"] = r["cpu_s"]
    r.update(parsed=parsed, log=str(log_file))
    if r["returncode"] != 0:
        r["error_tail"] = tail(log_file, 60)
    return r


def fresh_db(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()


def floor_step(workdir: Path, raw_dir: Path, threads: int, memory_limit: str) -> dict:
    db = workdir / "floor.duckdb"
    fresh_db(db)
    out = workdir / "floor.out"
    cmd = [
        sys.executable,
        "-c",
        "import sys; from recall.benchmark import floor_worker_main; "
        "floor_worker_main(sys.argv[1:])",
        str(raw_dir),
        str(db),
        str(threads),
        memory_limit,
    ]
    r = run_measured(cmd, cwd=REPO, log_path=out)
    if r["returncode"] != 0:
        raise SystemExit("floor query failed:\n" + tail(out))
    lines = [ln for ln in Path(out).read_text().splitlines() if ln.startswith("{")]
    r.update(json.loads(lines[-1]))
    return r


TINY_WORLD = {"users": 300, "days": 20, "seed": 1}


def fixed_cost_step(workdir: Path, threads: int, memory_limit: str, flags: list[str]) -> dict:
    """dbt's own cost of the timed command: build a tiny landing once (untimed), then
    time the same command again with nothing new landed (its target folder kept, as a
    scheduled run keeps it). Returns the timed run, with its node count."""
    raw = workdir / "raw_tiny"
    generate_step(
        raw,
        TINY_WORLD["users"],
        TINY_WORLD["days"],
        TINY_WORLD["seed"],
        None,
        False,
        _generator_supports("--no-expected"),
    )
    db = workdir / "tiny.duckdb"
    fresh_db(db)
    setup = dbt_build("tiny_setup", workdir, raw, db, threads, memory_limit, extra_flags=flags)
    if setup["returncode"] != 0:
        raise SystemExit("fixed-cost setup build failed:\n" + tail(setup["log"]))
    r = dbt_build(
        "tiny_again",
        workdir,
        raw,
        db,
        threads,
        memory_limit,
        reuse_target_of="tiny_setup",
        extra_flags=flags,
    )
    if r["returncode"] != 0:
        raise SystemExit("fixed-cost build failed:\n" + tail(r["log"]))
    r["nodes"] = len(r["parsed"]["nodes"]) if r.get("parsed") else None
    return r


# --------------------------------------------------------------------------- main


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m recall.benchmark",
        description="Benchmark the recall dbt project on generated data.",
    )
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--days", type=int, required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--workdir", default=None, help="default: bench/<users>x<days> in the repo")
    p.add_argument("--regenerate", action="store_true", help="regenerate even if params match")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--skip-generate", action="store_true", help="use WORKDIR/raw_full and raw_hist as they are"
    )
    p.add_argument("--top", type=int, default=10, help="models to list in the breakdown")
    p.add_argument(
        "--with-unit-tests",
        action="store_true",
        help="time plain `dbt build` (with the dbt unit tests) instead of the "
        "scheduled load, `dbt build " + " ".join(PRODUCTION_BUILD_FLAGS) + "`",
    )
    p.add_argument(
        "--skip-fixed-cost",
        action="store_true",
        help="skip step 5, dbt's fixed cost on a tiny warehouse",
    )
    a = p.parse_args(argv)
    if a.days < 2:
        p.error("--days must be at least 2 (the incremental step needs a day to add)")
    return a


def _start_report(a: argparse.Namespace, workdir: Path, memory_limit: str) -> dict:
    """The report's header: parameters, start time and load, git state, dbt tree."""
    report: dict = {
        "users": a.users,
        "days": a.days,
        "seed": a.seed,
        "threads": a.threads,
        "memory_limit": memory_limit,
        "workdir": str(workdir),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # Other processes on the machine skew every timing: note the load.
        "loadavg_at_start": os.getloadavg(),
    }
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--",
                "models",
                "macros",
                "seeds",
                "tests",
                "dbt_project.yml",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
        report["git"] = {"head": rev, "dbt_tree_dirty": bool(dirty)}
    except OSError:
        pass
    report["dbt_tree_at_start"] = dbt_tree_fingerprint()
    return report


def _generate_worlds(a: argparse.Namespace, raw_full: Path, raw_hist: Path, report: dict) -> None:
    """Step 1: the full landing and the history landing (all but the last day)."""
    if a.skip_generate:
        log("[1/5] generate: skipped (--skip-generate)")
        for f in (raw_full, raw_hist):
            if not (f / "events").is_dir():
                raise SystemExit(f"--skip-generate but {f}/events is missing")
        report["generate"] = {"skipped": True}
    else:
        log(
            f"[1/5] generate {a.users} users x {a.days} days (seed {a.seed}) into {raw_full.parent}"
        )
        no_expected = _generator_supports("--no-expected")
        g_full = generate_step(raw_full, a.users, a.days, a.seed, None, a.regenerate, no_expected)
        start = (truth_params(raw_full) or {}).get("start_date", "2026-01-01")
        land = hist_land_through(start, a.days, last_landing_day(raw_full))
        log(f"  history landed through {land}")
        g_hist = generate_step(raw_hist, a.users, a.days, a.seed, land, a.regenerate, no_expected)
        report["generate"] = {
            "raw_full": g_full,
            "raw_hist": g_hist,
            "hist_land_through": land,
            "oracle_skipped": no_expected,
        }
    raw_events = count_parquet_rows(raw_full / "events")
    hist_events = count_parquet_rows(raw_hist / "events")
    report["raw_events"], report["raw_events_hist"] = raw_events, hist_events
    log(
        f"  raw events: {raw_events:,} (history {hist_events:,}, new in last landing "
        f"{raw_events - hist_events:,})"
    )


def _full_build(
    workdir: Path, raw_full: Path, threads: int, memory_limit: str, flags: list[str]
) -> dict:
    """Step 2: dbt build on the full landing into a fresh warehouse."""
    load = os.getloadavg()[0]
    if load > 0.5:
        log(
            f"  note: 1-minute load average is {load:.1f} before the timed steps; "
            "other processes skew the timings"
        )
    log("[2/5] full build: dbt build on raw_full into a fresh full.duckdb")
    fresh_db(workdir / "full.duckdb")
    full = dbt_build(
        "full", workdir, raw_full, workdir / "full.duckdb", threads, memory_limit, extra_flags=flags
    )
    log(
        f"  full build: rc={full['returncode']} {full['wall_s']:.1f}s, "
        f"peak {kib_to_gb(full['peak_rss_kib']):.2f} GB"
    )
    return full


def _incremental_build(
    workdir: Path, raw_full: Path, raw_hist: Path, threads: int, memory_limit: str, flags: list[str]
) -> tuple[dict, dict | None]:
    """Step 3: build the history (untimed), then time the build that adds the last landing.
    Returns (setup, incremental); incremental is None when the setup failed."""
    log("[3/5] incremental: setup build on raw_hist (untimed)")
    fresh_db(workdir / "incr.duckdb")
    setup = dbt_build(
        "incr_setup",
        workdir,
        raw_hist,
        workdir / "incr.duckdb",
        threads,
        memory_limit,
        extra_flags=flags,
    )
    log(f"  setup: rc={setup['returncode']} {setup['wall_s']:.1f}s")
    if setup["returncode"] != 0:
        log("  setup failed: incremental run skipped")
        return setup, None
    log("[3/5] incremental: dbt build on raw_full (timed)")
    incr = dbt_build(
        "incr",
        workdir,
        raw_full,
        workdir / "incr.duckdb",
        threads,
        memory_limit,
        reuse_target_of="incr_setup",
        extra_flags=flags,
    )
    log(
        f"  incremental: rc={incr['returncode']} {incr['wall_s']:.1f}s, "
        f"peak {kib_to_gb(incr['peak_rss_kib']):.2f} GB"
    )
    return setup, incr


def summarise(
    users: int,
    days: int,
    raw_events: int,
    full: dict,
    incr: dict | None,
    floor: dict,
    fixed: dict | None,
) -> dict:
    """The headline figures, the targets and the bounds; a failed build counts as missing."""
    ok_full = full["returncode"] == 0
    ok_incr = incr is not None and incr["returncode"] == 0
    full_s = full["wall_s"] if ok_full else None
    incr_s = incr["wall_s"] if ok_incr else None
    peaks = [r["peak_rss_kib"] for r, ok in ((full, ok_full), (incr, ok_incr)) if ok]
    summary = {
        "users": users,
        "days": days,
        "raw_events": raw_events,
        "full_build_s": full_s,
        "incremental_s": incr_s,
        "floor_s": floor["seconds"],
        "build_over_floor": ratio(full_s, floor["seconds"]),
        "incremental_over_full": ratio(incr_s, full_s),
        "peak_memory_gb": kib_to_gb(max(peaks)) if peaks else None,
    }
    summary["dbt_fixed_cost_s"] = fixed["wall_s"] if fixed else None
    summary["dbt_fixed_cost_nodes"] = fixed["nodes"] if fixed else None
    summary["targets"] = evaluate_targets(summary)
    summary["bounds"] = bounds(summary)
    return summary


def format_report(
    a: argparse.Namespace, report: dict, memory_limit: str, flags: list[str], workdir: Path
) -> str:
    """The Markdown report printed at the end of a run."""
    summary, full, setup = report["summary"], report["full"], report["incremental_setup"]
    incr, floor = report["incremental"], report["floor"]
    raw_events, hist_events = report["raw_events"], report["raw_events_hist"]
    out = [
        f"## recall benchmark: {a.users:,} users × {a.days} days (seed {a.seed}, "
        f"{a.threads} threads, memory_limit {memory_limit})",
        "",
        "Timed command: `dbt build"
        + "".join(" " + f for f in flags)
        + "`"
        + (
            ""
            if a.with_unit_tests
            else " (the scheduled load; dbt unit tests run in make build and CI)"
        )
        + ".",
        "",
        format_summary_table(summary),
        "",
        format_targets(summary),
        "",
        format_bounds(summary),
        "",
        format_breakdown(full["parsed"], incr["parsed"] if incr else None, a.top),
        "",
    ]
    gen = report.get("generate", {})
    if gen.get("raw_full") and gen["raw_full"].get("seconds") is not None:
        out.append(
            f"Generation: raw_full {gen['raw_full']['seconds']:.1f}s"
            + (
                f", raw_hist {gen['raw_hist']['seconds']:.1f}s"
                if gen["raw_hist"].get("seconds") is not None
                else " (raw_hist reused)"
            )
        )
    elif gen.get("raw_full"):
        out.append("Generation: reused existing folders")
    out.append(
        f"Peak RSS: full {_f(kib_to_gb(full['peak_rss_kib']), '{:.2f}')} GB, incremental "
        f"{_f(kib_to_gb(incr['peak_rss_kib']) if incr else None, '{:.2f}')} GB, floor "
        f"{_f(kib_to_gb(floor['peak_rss_kib']), '{:.2f}')} GB. Raw events: {raw_events:,} "
        f"(history {hist_events:,}). Floor: {floor['user_days']:,} user-days."
    )
    for name, r in (("full build", full), ("incremental setup", setup), ("incremental", incr)):
        if r is not None and r["returncode"] != 0:
            out += [
                "",
                f"**{name} failed (exit {r['returncode']})**, log {r['log']}:",
                "```",
                r.get("error_tail", "").rstrip(),
                "```",
            ]
    if report["dbt_tree_at_end"] != report["dbt_tree_at_start"]:
        out.append(
            "\n**Warning:** the dbt project files changed while the benchmark ran "
            f"({report['dbt_tree_at_start']} -> {report['dbt_tree_at_end']}); "
            "the steps may not have built the same project."
        )
    for name, r in (("full build", full), ("incremental", incr)):
        if r is not None and r["returncode"] != 0:
            out.append(
                f"\nNote: the {name} failed, so its time is left out of the table "
                f"(it ran {r['wall_s']:.1f}s before dbt exited {r['returncode']})."
            )
    out.append(f"\nJSON: {workdir / 'benchmark.json'}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    a = _parse_args(argv)
    workdir = Path(a.workdir).resolve() if a.workdir else REPO / "bench" / f"{a.users}x{a.days}"
    workdir.mkdir(parents=True, exist_ok=True)
    raw_full, raw_hist = workdir / "raw_full", workdir / "raw_hist"
    memory_limit = os.environ.get("RECALL_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)
    report = _start_report(a, workdir, memory_limit)

    _generate_worlds(a, raw_full, raw_hist, report)
    flags = [] if a.with_unit_tests else PRODUCTION_BUILD_FLAGS
    report["dbt_build_flags"] = flags
    report["full"] = full = _full_build(workdir, raw_full, a.threads, memory_limit, flags)
    setup, incr = _incremental_build(workdir, raw_full, raw_hist, a.threads, memory_limit, flags)
    report["incremental_setup"], report["incremental"] = setup, incr

    log("[4/5] floor: DuckDB alone, dedup + user-days from raw_full events")
    floor = floor_step(workdir, raw_full, a.threads, memory_limit)
    log(
        f"  floor: {floor['seconds']:.1f}s in DuckDB ({floor['wall_s']:.1f}s process), "
        f"peak {kib_to_gb(floor['peak_rss_kib']):.2f} GB, {floor['user_days']:,} user-days"
    )
    report["floor"] = floor

    fixed = None
    if a.skip_fixed_cost:
        log("[5/5] fixed cost: skipped (--skip-fixed-cost)")
    else:
        log("[5/5] fixed cost: the same command on a tiny warehouse, nothing new landed")
        fixed = fixed_cost_step(workdir, a.threads, memory_limit, flags)
        log(f"  fixed cost: {fixed['wall_s']:.1f}s for {fixed['nodes']} nodes")
    report["fixed_cost"] = fixed

    report["dbt_tree_at_end"] = dbt_tree_fingerprint()
    if report["dbt_tree_at_end"] != report["dbt_tree_at_start"]:
        log("  warning: models/macros/seeds/tests changed while the benchmark ran")
    report["summary"] = summarise(a.users, a.days, report["raw_events"], full, incr, floor, fixed)

    with open(workdir / "benchmark.json", "w") as f:
        json.dump(report, f, indent=1, default=str)
    print(format_report(a, report, memory_limit, flags, workdir))
    ok_full = full["returncode"] == 0
    ok_incr = incr is not None and incr["returncode"] == 0
    return 0 if (ok_full and ok_incr) else 1


if __name__ == "__main__":
    sys.exit(main())
