"""The scheduled load: lock check, landing gate, dbt build, publish, alerts.

    python -m recall.pipeline [--no-gate] [--no-alerts] [--no-publish]
                              [--unit-tests] [--db PATH] [--target-path DIR]
                              [-- extra dbt build arguments]

Steps, in order:
1. lock: the warehouse file ($RECALL_DB_PATH, default target/recall.duckdb)
   is opened read-write and closed again. When another process holds it (a
   load, or a reader that opened the warehouse itself), one line names the
   file and the holder's PID, and nothing else runs.
2. gate (unless --no-gate): `python -m recall.quality.gate --out
   <target>/quality`. Its findings do not stop the load: the alerts report
   them.
3. dbt: `dbt build --exclude-resource-type unit_test --target-path <target>`
   followed by the extra arguments (--unit-tests: plain `dbt build`, unit
   tests included, as `make build` runs it). dbt's output is held back until
   its first node starts; if dbt stops before that on the warehouse's lock
   (a load that started between step 1 and here), the one lock line of step
   1 replaces dbt's tracebacks, otherwise the held lines are shown as they
   were.
4. publish (unless --no-publish; only when dbt exited 0): recall.publish
   copies the marts to $RECALL_PUBLISH_PATH (default
   target/recall_published.duckdb), replaced atomically.
5. alerts (unless --no-alerts): `python -m recall.quality.alerts` on the run
   results, manifest and gate results of this run, with --since the time dbt
   started, so results left by an earlier run are refused, not re-sent.

Every step that can run runs (the alerts also after a failed dbt build: they
report it); the exit code is the first of these that applies:

    75  the warehouse file is locked by another process: nothing ran (retry
        later; EX_TEMPFAIL)
     4  dbt build failed (stopped at start, a model failed, or a data test
        at severity error failed): nothing was published
     5  publish failed: the previously published file is unchanged
     6  the gate or the alert command could not run (its exit 2: a missing
        or unreadable input, a bad option)
     3  the alerts could not be delivered to the webhook
     1  an error-level alert (or, with --no-alerts, a failed error-level
        gate expectation)
     2  usage error of this command
     0  every step that ran succeeded; warn-level findings (a data test at
        severity warn) do not fail the pipeline
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from recall import publish

OK = 0
ERROR_ALERT = 1
USAGE = 2
UNDELIVERED = 3
DBT_FAILED = 4
PUBLISH_FAILED = 5
STEP_BROKEN = 6
LOCKED = 75  # EX_TEMPFAIL
# dbt build's flags in the scheduled load: the dbt unit tests are left out
# (static inputs: they prove the SQL, not the day's data; make build and make
# test run them). The benchmark times the same command.
SCHEDULED_LOAD_FLAGS = ["--exclude-resource-type", "unit_test"]
# The order in which a failure decides the exit code.
PRIORITY = (LOCKED, DBT_FAILED, PUBLISH_FAILED, STEP_BROKEN, UNDELIVERED, ERROR_ALERT)

# A line of dbt's output showing that a node or hook has started, so the
# warehouse connection is open: "1 of 577 START sql table model ...".
STARTED_RE = re.compile(r"\b\d+ of \d+ START\b")


def dbt_executable() -> str:
    """dbt of this Python's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def run_command(cmd: list[str], env: dict[str, str]) -> int:
    """Run a step, its output going where ours goes."""
    sys.stdout.flush()
    return subprocess.run(cmd, env=env).returncode


def run_dbt(cmd: list[str], env: dict[str, str]) -> tuple[int, str | None]:
    """Run dbt, holding its output back until its first node starts. Returns
    (exit code, the lock line) where the lock line is set when dbt stopped
    before that on the warehouse's lock; its held output is then dropped."""
    sys.stdout.flush()
    held: list[str] | None = []
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if held is None:
            sys.stdout.write(line)
            continue
        held.append(line)
        if STARTED_RE.search(line):
            sys.stdout.write("".join(held))
            sys.stdout.flush()
            held = None
    code = proc.wait()
    if held is not None:
        locked = publish.lock_line("".join(held), "pipeline") if code else None
        if locked:
            return code, locked
        sys.stdout.write("".join(held))
    sys.stdout.flush()
    return code, None


def exit_code(failures: set[int]) -> int:
    return next((c for c in PRIORITY if c in failures), OK)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    p = argparse.ArgumentParser(
        prog="python -m recall.pipeline",
        description="The scheduled load: lock check, gate, dbt build, publish, alerts.",
        epilog="Arguments after -- are passed to dbt build.",
    )
    p.add_argument("--no-gate", action="store_true", help="skip the landing gate")
    p.add_argument("--no-alerts", action="store_true", help="skip the alert command")
    p.add_argument("--no-publish", action="store_true", help="do not publish the marts")
    p.add_argument(
        "--unit-tests", action="store_true", help="run the dbt unit tests too (make build)"
    )
    p.add_argument(
        "--db",
        default=os.environ.get(publish.DB_ENV) or publish.DEFAULT_DB,
        help=f"the warehouse (default ${publish.DB_ENV} or {publish.DEFAULT_DB})",
    )
    p.add_argument(
        "--target-path",
        default=os.environ.get("DBT_TARGET_PATH") or "target",
        help="dbt's target folder, where the run results are (default $DBT_TARGET_PATH or target)",
    )
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return USAGE if e.code else OK
    db = Path(a.db)
    # Absolute: dbt reads a relative --target-path from the project folder,
    # the gate and the alerts from the working folder.
    target = Path(a.target_path).resolve()
    env = dict(os.environ, **{publish.DB_ENV: str(db)})
    py = sys.executable

    # 1. lock
    try:
        locked = publish.lock_holder(db, "pipeline")
    except Exception as e:  # a damaged file: let dbt say what it is
        print(f"pipeline: warning: opening {db} failed: {e}", file=sys.stderr)
        locked = None
    if locked:
        print(locked, file=sys.stderr)
        return LOCKED

    failures: set[int] = set()
    steps: list[str] = []

    # 2. gate
    gate_code = None
    if not a.no_gate:
        gate_code = run_command(
            [py, "-m", "recall.quality.gate", "--out", str(target / "quality")], env
        )
        steps.append(f"gate {gate_code}")
        if gate_code not in (0, 1):
            failures.add(STEP_BROKEN)
        elif gate_code == 1 and a.no_alerts:
            failures.add(ERROR_ALERT)

    # 3. dbt
    since = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cmd = [dbt_executable(), "build"]
    if not a.unit_tests:
        cmd += SCHEDULED_LOAD_FLAGS
    cmd += ["--target-path", str(target), *extra]
    try:
        dbt_code, locked = run_dbt(cmd, env)
    except OSError as e:
        print(f"pipeline: cannot run dbt: {e}", file=sys.stderr)
        dbt_code, locked = 127, None
    if locked:
        print(locked, file=sys.stderr)
        return LOCKED
    steps.append(f"dbt {dbt_code}")
    if dbt_code != 0:
        failures.add(DBT_FAILED)

    # 4. publish
    if a.no_publish:
        pass
    elif dbt_code != 0:
        steps.append("publish skipped")
    else:
        steps.append(f"publish {publish.main(['--db', str(db)])}")
        if not steps[-1].endswith(" 0"):
            failures.add(PUBLISH_FAILED)

    # 5. alerts
    if not a.no_alerts:
        cmd = [
            py,
            "-m",
            "recall.quality.alerts",
            "--run-results",
            str(target / "run_results.json"),
            "--manifest",
            str(target / "manifest.json"),
            "--db",
            str(db),
            "--since",
            since.isoformat(),
        ]
        if a.no_gate:
            cmd.append("--no-gate")
        else:
            cmd += ["--gate-results", str(target / "quality" / "results.json")]
        alerts_code = run_command(cmd, env)
        steps.append(f"alerts {alerts_code}")
        failures.add({0: OK, 1: ERROR_ALERT, 3: UNDELIVERED}.get(alerts_code, STEP_BROKEN))

    code = exit_code(failures - {OK})
    print(f"pipeline: {', '.join(steps)} -> exit {code}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
