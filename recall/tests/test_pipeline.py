"""recall.pipeline, the scheduled load of make pipeline: its exit code reflects
every step (issue 19, point 6), and a warehouse held by another process is
one line naming the file and the holder's PID (point 9)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from recall import pipeline
from recall.tests.conftest import copy_landing, generate, run_pipeline

# Holds a DuckDB file open (read-write, or read-only as a BI tool would) until
# its stdin closes.
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("mode", ["rw", "ro"])
def test_held_warehouse_is_one_line_naming_file_and_pid(tmp_path, mode):
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "ready\n"
        proc = run_pipeline(tmp_path)
    finally:
        holder.communicate("")
    assert proc.returncode == pipeline.LOCKED == 75
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"warehouse {db} is in use by PID {holder.pid} " in lines[0]
    # Nothing ran: no gate results, no dbt target folder.
    assert not (tmp_path / "target").exists()


# A stand-in for dbt: prints what dbt prints before and after its first node,
# or the lock error dbt dies with when a load took the warehouse between the
# pipeline's check and dbt's start; then creates a tiny warehouse with a mart
# when asked to succeed.
FAKE_DBT = """#!{python}
import sys, duckdb
mode = {mode!r}
print("Running with dbt=1.11")
print("Found 83 models")
if mode == "lock":
    print("Encountered an error:")
    for _ in range(3):
        print("Traceback (most recent call last):")
        print('_duckdb.IOException: IO Error: Could not set lock on file "/x/w.duckdb": '
              "Conflicting lock is held in /usr/bin/python3.11 (PID 4242). However, ...")
    sys.exit(2)
print("1 of 2 START sql table model marts.m")
if mode == "model error":
    print("Database Error in model m")
    sys.exit(1)
con = duckdb.connect("w.duckdb")
con.execute("create schema if not exists marts")
con.execute("create or replace table marts.m as select 1 as x")
con.close()
print("Done. PASS=1 WARN=1")
"""


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """Run pipeline.main in tmp_path with a fake dbt of the given mode and
    the gate and alert commands replaced by canned exit codes; returns a
    function (mode, gate code, alerts code, *args) -> (exit code, calls)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RECALL_DB_PATH", "w.duckdb")
    monkeypatch.setenv("RECALL_PUBLISH_PATH", "bi/published.duckdb")

    def go(mode: str, gate: int = 0, alerts: int = 0, *args: str):
        script = tmp_path / "fake_dbt"
        script.write_text(FAKE_DBT.format(python=sys.executable, mode=mode))
        script.chmod(0o755)
        monkeypatch.setattr(pipeline, "dbt_executable", lambda: str(script))
        calls = []

        def run_command(cmd, env):
            calls.append(cmd)
            return gate if "recall.quality.gate" in cmd else alerts

        monkeypatch.setattr(pipeline, "run_command", run_command)
        return pipeline.main(list(args)), calls

    return go


def test_dbt_dying_on_the_lock_is_one_line(fake, capsys):
    code, calls = fake("lock")
    out, err = capsys.readouterr()
    assert code == pipeline.LOCKED
    assert out == ""
    assert err.splitlines() == [
        "pipeline: the warehouse /x/w.duckdb is in use by PID 4242 (/usr/bin/python3.11); "
        "nothing was loaded. Retry when that process has finished."
    ]
    assert [c[2] for c in calls] == ["recall.quality.gate"]  # no alerts after it


def test_dbt_failure_fails_the_pipeline_and_publishes_nothing(fake, capsys):
    code, calls = fake("model error")
    out, err = capsys.readouterr()
    assert code == pipeline.DBT_FAILED == 4
    # dbt's output is shown whole; the alerts still run, to report it.
    assert "Found 83 models" in out and "Database Error in model m" in out
    assert [c[2] for c in calls] == ["recall.quality.gate", "recall.quality.alerts"]
    assert "dbt 1, publish skipped, alerts 0 -> exit 4" in err
    assert not Path("bi").exists()


@pytest.mark.parametrize(
    ("gate", "alerts", "args", "expected"),
    [
        (0, 0, (), 0),  # warn-level findings only
        (1, 1, (), 1),  # an error-level gate expectation, reported by the alerts
        (1, 0, ("--no-alerts",), 1),  # ... and without the alerts
        (0, 3, (), 3),  # the webhook refused the alerts
        (2, 0, (), 6),  # the gate could not run
        (0, 2, (), 6),  # the alert command could not run (e.g. a missing input)
        (2, 3, (), 6),
    ],
)
def test_exit_code_reflects_every_step(fake, capsys, gate, alerts, args, expected):
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    code, calls = fake("ok", gate, alerts, *args)
    capsys.readouterr()
    assert code == expected
    assert Path("bi/published.duckdb").exists()
    if "--no-alerts" in args:
        assert len(calls) == 1
        return
    alert_cmd = calls[-1]
    assert alert_cmd[2] == "recall.quality.alerts"
    since = dt.datetime.fromisoformat(alert_cmd[alert_cmd.index("--since") + 1])
    assert started <= since <= dt.datetime.now(dt.UTC)
    assert alert_cmd[alert_cmd.index("--gate-results") + 1] == str(
        Path("target", "quality", "results.json").resolve()
    )


def test_no_gate_tells_the_alerts_not_to_read_old_gate_results(fake, capsys):
    code, calls = fake("ok", 0, 0, "--no-gate")
    assert code == 0
    assert len(calls) == 1 and "--no-gate" in calls[0] and "--gate-results" not in calls[0]


# One mart and the five models it reads: quick to build.
SELECT = ("--select", "+dim_campaign_variants", "--indirect-selection", "cautious")


@pytest.mark.warehouse
def test_pipeline_on_a_clean_world_and_on_a_missing_table(tmp_path):
    clean = tmp_path / "clean"
    generate(clean / "raw", 200, 10, 7, "--defects", "none", "--no-expected")
    # Without the gate and the alerts (their exit codes are tested above with
    # canned ones; the gate's 17 partitions and tables would double the time).
    proc = run_pipeline(clean, "--no-gate", "--no-alerts", "--", *SELECT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    assert proc.stderr.splitlines()[-1] == "pipeline: dbt 0, publish 0 -> exit 0"
    assert (clean / "bi" / "published.duckdb").exists()

    # The same world without its users table: dbt stops at start, and the
    # pipeline says so in its exit code (make pipeline exited 0 here).
    broken = tmp_path / "broken"
    copy_landing(clean / "raw", broken / "raw", skip=("users",))
    (broken / "target").mkdir(parents=True)
    shutil.copy2(clean / "target" / "partial_parse.msgpack", broken / "target")
    proc = run_pipeline(broken, "--no-gate", "--no-alerts", "--", *SELECT)
    assert proc.returncode == pipeline.DBT_FAILED, proc.stdout[-3000:] + proc.stderr
    assert "Raw table 'users' is missing" in proc.stdout
    assert proc.stderr.splitlines()[-1] == "pipeline: dbt 2, publish skipped -> exit 4"
    assert not (broken / "bi").exists()
