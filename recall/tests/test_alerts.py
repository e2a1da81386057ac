"""The alert command (recall.quality.alerts): one JSON line per failing dbt test or
gate expectation, a Slack-compatible POST to a real local HTTP receiver, exit
codes 0 / 1 / 2 / 3, and the faults of issue 19 (points 6 and 7): stale or
missing run results, a dbt run stopped at start, every node skipped, webhook
URL schemes, redirects, secrets in messages, mrkdwn escaping."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from recall.tests.conftest import generate, run_dbt

ROOT = Path(__file__).resolve().parents[2]
FIELDS = [
    "source",
    "check",
    "check_type",
    "severity",
    "status",
    "table",
    "column",
    "partition",
    "slice",
    "failures",
    "observed",
    "threshold",
    "message",
    "link",
    "unique_id",
    "where",
    "failing_rows",
]


def _test_node(
    name, model, column, severity="ERROR", store_failures=False, meta=None, generic="not_null"
):
    """A test node as dbt 1.11 writes it into manifest.json (the fields that matter)."""
    uid = f"test.recall.{name}.0123456789"
    node = {
        "database": "w",
        "schema": "main_dbt_test__audit",
        "name": name,
        "resource_type": "test",
        "package_name": "recall",
        "path": f"{name}.sql",
        "original_file_path": "models/_models.yml",
        "unique_id": uid,
        "fqn": ["recall", name],
        "alias": name,
        "config": {
            "enabled": True,
            "alias": None,
            "schema": "dbt_test__audit",
            "database": None,
            "tags": [],
            "meta": meta or {},
            "group": None,
            "materialized": "test",
            "severity": severity,
            "store_failures": store_failures,
            "store_failures_as": None,
            "where": None,
            "limit": None,
            "fail_calc": "count(*)",
            "warn_if": "!= 0",
            "error_if": "!= 0",
        },
        "tags": [],
        "description": "",
        "columns": {},
        "meta": {},
        "depends_on": {"macros": [f"macro.dbt.test_{generic}"], "nodes": [f"model.recall.{model}"]},
        "column_name": column,
        "file_key_name": f"models.{model}",
        "attached_node": f"model.recall.{model}",
    }
    if generic:
        node["test_metadata"] = {
            "name": generic,
            "namespace": None,
            "kwargs": {
                "column_name": column,
                "model": f"{{{{ get_where_subquery(ref('{model}')) }}}}",
            },
        }
    return uid, node


def _result(uid, status, failures, message=None, relation_name=None):
    """A result entry as dbt 1.11 writes it into run_results.json."""
    return {
        "status": status,
        "timing": [
            {
                "name": "compile",
                "started_at": "2026-12-02T17:42:06.111513Z",
                "completed_at": "2026-12-02T17:42:06.122212Z",
            },
            {
                "name": "execute",
                "started_at": "2026-12-02T17:42:06.122529Z",
                "completed_at": "2026-12-02T17:42:06.166121Z",
            },
        ],
        "thread_id": "Thread-2 (worker)",
        "execution_time": 0.05,
        "adapter_response": {"_message": "OK"},
        "message": message,
        "failures": failures,
        "unique_id": uid,
        "compiled": True,
        "compiled_code": "select 1",
        "relation_name": relation_name,
        "batch_results": None,
    }


@pytest.fixture(scope="module")
def dbt_artifacts(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("dbt_target")
    ok_uid, ok = _test_node("not_null_fct_user_days_user_id", "fct_user_days", "user_id")
    warn_uid, warn = _test_node(
        "assert_tracking_volume_within_baseline",
        "rpt_tracking_completeness_daily",
        "event_count",
        severity="warn",
        store_failures=True,
        meta={"slice": "platform=ios"},
        generic="",
    )
    warn["test_metadata"] = None
    fail_uid, fail = _test_node(
        "unique_fct_orders_order_id",
        "fct_orders",
        "order_id",
        generic="unique",
        store_failures=True,
    )
    err_uid, err = _test_node(
        "accepted_values_dim_users_platform", "dim_users", "platform", generic="accepted_values"
    )
    skip_uid, skip = _test_node("not_null_dim_users_user_id", "dim_users", "user_id")
    models = {
        f"model.recall.{m}": {
            "resource_type": "model",
            "name": m,
            "alias": m,
            "unique_id": f"model.recall.{m}",
            "config": {},
        }
        for m in (
            "fct_user_days",
            "rpt_tracking_completeness_daily",
            "fct_orders",
            "dim_users",
            "int_broken",
        )
    }
    manifest = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
            "dbt_version": "1.11.16",
            "project_name": "recall",
            "adapter_type": "duckdb",
        },
        "nodes": {
            ok_uid: ok,
            warn_uid: warn,
            fail_uid: fail,
            err_uid: err,
            skip_uid: skip,
            **models,
        },
        "sources": {},
        "macros": {},
        "exposures": {},
        "metrics": {},
        "groups": {},
        "selectors": {},
        "disabled": {},
        "parent_map": {},
        "child_map": {},
        "group_map": {},
        "saved_queries": {},
        "semantic_models": {},
        "unit_tests": {},
    }
    run_results = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
            "dbt_version": "1.11.16",
            "generated_at": "2026-12-02T17:42:22.827284Z",
            "invocation_id": "10cfa8f2",
            "env": {},
        },
        "results": [
            _result("model.recall.fct_user_days", "success", None, "OK"),
            _result(ok_uid, "pass", 0),
            _result(
                warn_uid,
                "warn",
                3,
                "Got 3 results, configured to warn if != 0",
                '"w"."main_dbt_test__audit"."assert_tracking_volume_within_baseline"',
            ),
            _result(
                fail_uid,
                "fail",
                2,
                "Got 2 results, configured to fail if != 0",
                '"w"."main_dbt_test__audit"."unique_fct_orders_order_id"',
            ),
            _result(err_uid, "error", None, "Binder Error: column platform not found"),
            _result("model.recall.int_broken", "error", None, "Parser Error: syntax error"),
            _result(skip_uid, "skipped", None),
        ],
        "elapsed_time": 3.2,
        "args": {"which": "build"},
    }
    (d / "manifest.json").write_text(json.dumps(manifest))
    (d / "run_results.json").write_text(json.dumps(run_results))
    # the same project with only the passing test and the warning
    only_warn = dict(run_results, results=run_results["results"][:3])
    (d / "run_results_warn.json").write_text(json.dumps(only_warn))
    only_pass = dict(run_results, results=run_results["results"][:2])
    (d / "run_results_pass.json").write_text(json.dumps(only_pass))
    return d


@pytest.fixture(scope="module")
def gate_result(tmp_path_factory) -> Path:
    """A real gate result: a small landing whose campaigns table has a text
    attribution_window_days (error) and a duplicated campaign row (warning)."""
    base = tmp_path_factory.mktemp("alerts_gate")
    raw = base / "raw"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "recall.generator",
            "--out",
            str(base / "full"),
            "--users",
            "400",
            "--days",
            "20",
            "--seed",
            "3",
            "--quiet",
            "--no-expected",
            "--defects",
            "none",
        ],
        cwd=ROOT,
        check=True,
    )
    shutil.copytree(base / "full" / "campaigns", raw / "campaigns")
    for f in (raw / "campaigns").glob("*.parquet"):
        t = pq.read_table(f)
        t = pa.concat_tables([t, t.slice(0, 1)])
        i = t.schema.get_field_index("attribution_window_days")
        t = t.set_column(
            i, "attribution_window_days", pc.cast(t["attribution_window_days"], pa.string())
        )
        pq.write_table(t, f)
    out = base / "quality"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "recall.quality.gate",
            "--raw-dir",
            str(raw),
            "--out",
            str(out),
            "--tables",
            "campaigns",
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    return out / "results.json"


def alerts(*args, env=None) -> tuple[int, list[dict], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "recall.quality.alerts", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, **(env or {})),
    )
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    return proc.returncode, lines, proc.stderr


def dbt_args(d: Path, run_results="run_results.json"):
    return ["--run-results", d / run_results, "--manifest", d / "manifest.json"]


class Receiver:
    """A real HTTP server on 127.0.0.1 (port 0) recording the POSTs (and GETs)
    it gets; with `location`, it answers every POST with a 302 redirect there."""

    def __init__(self, status=200, location=None):
        self.posts = []
        self.gets = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((self.path, self.headers["Content-Type"], body))
                self.send_response(302 if location else status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def do_GET(self):
                receiver.gets.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/recall"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_dbt_alert_lines(dbt_artifacts):
    code, lines, _ = alerts(*dbt_args(dbt_artifacts), "--no-gate")
    assert code == 1
    assert all(list(line) == FIELDS for line in lines)
    by_check = {line["check"]: line for line in lines}
    # passing test, successful model and skipped test: no alert
    assert set(by_check) == {
        "assert_tracking_volume_within_baseline",
        "unique_fct_orders_order_id",
        "accepted_values_dim_users_platform",
        "int_broken",
    }
    warn = by_check["assert_tracking_volume_within_baseline"]
    assert (
        warn["severity"],
        warn["status"],
        warn["failures"],
        warn["table"],
        warn["slice"],
        warn["check_type"],
    ) == ("warn", "warn", 3, "rpt_tracking_completeness_daily", "platform=ios", "singular")
    assert warn["link"] == '"w"."main_dbt_test__audit"."assert_tracking_volume_within_baseline"'
    assert warn["threshold"] == {"severity": "warn", "warn_if": "!= 0", "error_if": "!= 0"}
    fail = by_check["unique_fct_orders_order_id"]
    assert (
        fail["severity"],
        fail["table"],
        fail["column"],
        fail["failures"],
        fail["check_type"],
    ) == ("error", "fct_orders", "order_id", 2, "unique")
    assert fail["link"].endswith('"unique_fct_orders_order_id"')
    broken = by_check["accepted_values_dim_users_platform"]
    assert broken["severity"] == "error" and "Binder Error" in broken["message"]
    assert broken["link"] is None and broken["column"] == "platform"
    assert by_check["int_broken"]["check_type"] == "model"


@pytest.mark.warehouse  # gate_result generates a world and runs the gate
def test_gate_alert_lines(gate_result):
    code, lines, _ = alerts("--no-dbt", "--gate-results", gate_result)
    assert code == 1
    results = json.loads(gate_result.read_text())["results"]
    assert len(lines) == sum(not r["success"] for r in results) >= 2
    by_check = {line["check"]: line for line in lines}
    wrong_type = by_check["campaigns.attribution_window_days.type"]
    assert (
        wrong_type["source"],
        wrong_type["severity"],
        wrong_type["table"],
        wrong_type["column"],
        wrong_type["observed"],
    ) == ("gate", "error", "campaigns", "attribution_window_days", "str")
    dup = by_check["campaigns.campaign_id.unique"]
    assert dup["severity"] == "warn" and dup["failures"] == 2
    assert dup["threshold"] == {"mostly": None, "max_unexpected_percent": 0.0}
    assert Path(dup["link"]).is_file() and dup["link"].endswith(".html")


def test_exit_codes(dbt_artifacts, tmp_path):
    code, lines, _ = alerts(*dbt_args(dbt_artifacts, "run_results_pass.json"), "--no-gate")
    assert (code, lines) == (0, [])
    code, lines, _ = alerts(*dbt_args(dbt_artifacts, "run_results_warn.json"), "--no-gate")
    assert code == 0 and [line["severity"] for line in lines] == ["warn"]
    missing = tmp_path / "no_such_run_results.json"
    code, lines, err = alerts(
        "--run-results", missing, "--manifest", dbt_artifacts / "manifest.json", "--no-gate"
    )
    assert code == 2 and lines == [] and str(missing) in err
    bad = tmp_path / "manifest.json"
    bad.write_text("{not json")
    code, _, err = alerts(
        "--run-results", dbt_artifacts / "run_results.json", "--manifest", bad, "--no-gate"
    )
    assert code == 2 and str(bad) in err and "not valid JSON" in err
    wrong = tmp_path / "results.json"
    wrong.write_text(json.dumps({"nodes": {}}))
    code, _, err = alerts("--no-dbt", "--gate-results", wrong)
    assert code == 2 and str(wrong) in err
    code, _, err = alerts("--no-dbt", "--no-gate")
    assert code == 2
    code, _, _ = alerts("--bogus-flag")
    assert code == 2


@pytest.mark.warehouse  # gate_result generates a world and runs the gate
def test_webhook_receives_one_slack_post(dbt_artifacts, gate_result):
    with Receiver() as hook:
        code, lines, err = alerts(
            *dbt_args(dbt_artifacts), "--gate-results", gate_result, "--webhook-url", hook.url
        )
    assert code == 1, err
    assert len(hook.posts) == 1
    path, content_type, body = hook.posts[0]
    assert path == "/hooks/recall" and content_type == "application/json"
    payload = json.loads(body)
    assert set(payload) == {"text", "blocks"}
    assert payload["text"].startswith(f"recall data quality: {len(lines)} alert(s)")
    assert payload["blocks"][0]["type"] == "header"
    sections = payload["blocks"][1:]
    assert len(sections) == len(lines)
    assert all(b["type"] == "section" and b["text"]["type"] == "mrkdwn" for b in sections)
    assert any("unique_fct_orders_order_id" in b["text"]["text"] for b in sections)
    assert any("campaigns.attribution_window_days.type" in b["text"]["text"] for b in sections)


def test_webhook_from_environment_batches_and_failures(dbt_artifacts):
    with Receiver() as hook:
        code, lines, _ = alerts(
            *dbt_args(dbt_artifacts),
            "--no-gate",
            "--batch-size",
            "3",
            env={"RECALL_ALERT_WEBHOOK_URL": hook.url},
        )
    assert code == 1 and len(lines) == 4
    assert [len(json.loads(b)["blocks"]) - 1 for _, _, b in hook.posts] == [3, 1]
    # no alert: nothing is posted
    with Receiver() as hook:
        code, lines, _ = alerts(
            *dbt_args(dbt_artifacts, "run_results_pass.json"),
            "--no-gate",
            "--webhook-url",
            hook.url,
        )
    assert (code, lines, hook.posts) == (0, [], [])
    # a webhook that refuses the payload: alerts still printed, exit 3
    with Receiver(status=500) as hook:
        code, lines, err = alerts(*dbt_args(dbt_artifacts), "--no-gate", "--webhook-url", hook.url)
    assert code == 3 and len(lines) == 4 and "127.0.0.1" in err


# ---------------------------------------------------------------- issue 19, point 6
# The fixture's run results were written at 2026-12-02T17:42:22Z (generated_at;
# it has no invocation_started_at). A run that started dbt later must not
# re-emit them.
LATER_RUN = "2026-12-07T13:27:31Z"
STALE_CHECKS = {
    "assert_tracking_volume_within_baseline",
    "unique_fct_orders_order_id",
    "accepted_values_dim_users_platform",
    "int_broken",
}

# dbt 1.11.16's logs/dbt.log for `dbt build` on a landing without the orders
# folder: the on-run-start hook check_raw_contract raises, dbt exits 2 and
# writes no run_results.json. Captured from a real run (200 users x 10 days),
# reduced to the invocation banner, its first line and its last nine lines
# (an earlier invocation before it, as dbt appends to its log).
STOPPED_AT_START_LOG = """

============================== 12:01:02.000001 | 11111111-2222-3333-4444-555555555555 ==============================
\x1b[0m12:01:02.000001 [info ] [MainThread]: Running with dbt=1.11.16
\x1b[0m12:01:09.000001 [error] [MainThread]: Encountered an error:
IO Error: an earlier invocation's error
\x1b[0m12:01:09.000002 [debug] [MainThread]: Command `dbt build` failed at 12:01:09 after 7 seconds


============================== 13:27:31.581439 | 0eb077da-34f9-4cef-844d-c0fafce8ea5d ==============================
\x1b[0m13:27:31.581439 [info ] [MainThread]: Running with dbt=1.11.16
\x1b[0m13:27:46.765542 [info ] [MainThread]: Finished running 1 project hook in 0 hours 0 minutes and 0.82 seconds (0.82s).
\x1b[0m13:27:46.766306 [error] [MainThread]: Encountered an error:
Compilation Error in operation recall-on-run-start-1 (./dbt_project.yml)
  Raw table 'orders' is missing: no file matches /tmp/x/raw/orders/*.parquet (set RECALL_RAW_DIR to the landing root; see spec/raw-contract.md for the layout).
\x20\x20
  > in macro duckdb__check_raw_table (macros/config/check_raw_contract.sql)
  > called by macro check_raw_contract (macros/config/check_raw_contract.sql)
  > called by operation recall-on-run-start-1 (./dbt_project.yml)
\x1b[0m13:27:46.767792 [debug] [MainThread]: Resource report: {"command_name": "build", "command_success": false}
\x1b[0m13:27:46.769133 [debug] [MainThread]: Command `dbt build` failed at 13:27:46.768974 after 15.31 seconds
\x1b[0m13:27:46.769639 [debug] [MainThread]: Flushing usage events
"""  # noqa: E501


def test_stale_or_missing_run_results_are_refused(dbt_artifacts, tmp_path):
    # Without --since (manual use): the file is read whatever its age.
    code, lines, _ = alerts(*dbt_args(dbt_artifacts), "--no-gate")
    assert code == 1 and {line["check"] for line in lines} == STALE_CHECKS
    # With --since after the file's time: one dbt_run error, none of its alerts.
    no_log = tmp_path / "logs" / "dbt.log"
    code, lines, err = alerts(
        *dbt_args(dbt_artifacts), "--no-gate", "--since", LATER_RUN, "--dbt-log", no_log
    )
    assert code == 1
    assert [(x["source"], x["check"], x["severity"]) for x in lines] == [
        ("dbt", "dbt_run", "error")
    ]
    assert lines[0]["message"] == (
        f"dbt produced no results for this run: it stopped at start or never ran; see {no_log}"
    )
    notice = err.strip().splitlines()
    assert len(notice) == 1 and str(dbt_artifacts / "run_results.json") in notice[0]
    assert "2026-12-02T17:42:22.827284+00:00" in notice[0] and "not re-emitted" in notice[0]
    # A missing file with --since: the same alert, not an input error.
    missing = tmp_path / "target" / "run_results.json"
    code, lines, err = alerts(
        "--run-results", missing, "--manifest", dbt_artifacts / "manifest.json",
        "--no-gate", "--since", LATER_RUN, "--dbt-log", no_log,
    )  # fmt: skip
    assert code == 1 and [x["check"] for x in lines] == ["dbt_run"]
    assert str(missing) in err and "do not exist" in err
    # Results from this run (invocation_started_at, preferred to generated_at,
    # equal to --since): read as usual.
    fresh = json.loads((dbt_artifacts / "run_results.json").read_text())
    fresh["metadata"]["invocation_started_at"] = "2026-12-07T13:27:31.000000Z"
    fresh["metadata"]["generated_at"] = "2026-12-07T13:29:02.000000Z"
    (tmp_path / "fresh.json").write_text(json.dumps(fresh))
    code, lines, err = alerts(
        "--run-results", tmp_path / "fresh.json", "--manifest", dbt_artifacts / "manifest.json",
        "--no-gate", "--since", LATER_RUN,
    )  # fmt: skip
    assert code == 1 and {x["check"] for x in lines} == STALE_CHECKS and err == ""
    # ... but one second later they are from an earlier run.
    code, lines, err = alerts(
        "--run-results", tmp_path / "fresh.json", "--manifest", dbt_artifacts / "manifest.json",
        "--no-gate", "--since", "2026-12-07T13:27:32+00:00", "--dbt-log", no_log,
    )  # fmt: skip
    assert [x["check"] for x in lines] == ["dbt_run"] and "2026-12-07T13:27:31+00:00" in err
    code, _, err = alerts(*dbt_args(dbt_artifacts), "--no-gate", "--since", "yesterday")
    assert code == 2 and "--since" in err


def test_run_stopped_at_start_names_its_cause(dbt_artifacts, tmp_path):
    log = tmp_path / "dbt.log"
    log.write_text(STOPPED_AT_START_LOG)  # written now: after --since
    code, lines, err = alerts(
        *dbt_args(dbt_artifacts), "--no-gate", "--since", LATER_RUN, "--dbt-log", log
    )
    assert code == 1 and len(lines) == 1, lines
    alert = lines[0]
    assert (alert["check"], alert["check_type"], alert["severity"], alert["link"]) == (
        "dbt_run",
        "run",
        "error",
        str(log),
    )
    assert alert["message"] == (
        "dbt produced no results for this run, it stopped at start: Raw table 'orders' is "
        "missing: no file matches /tmp/x/raw/orders/*.parquet (set RECALL_RAW_DIR to the "
        "landing root; see spec/raw-contract.md for the layout). (Compilation Error in "
        f"operation recall-on-run-start-1); see {log}"
    )
    # The same from dbt's console output, as a scheduler captures it.
    console = tmp_path / "dbt_console.log"
    console.write_text(
        "\x1b[0m13:27:31  Running with dbt=1.11.16\n"
        + STOPPED_AT_START_LOG.split("1 project hook in")[1]
        .replace(".766306 [error] [MainThread]:", " ")
        .replace(".767792 [debug] [MainThread]:", " ")
    )
    code, lines, _ = alerts(
        *dbt_args(dbt_artifacts), "--no-gate", "--since", LATER_RUN, "--dbt-log", console
    )
    assert code == 1 and lines[0]["message"] == alert["message"].replace(str(log), str(console))
    # A log last written before this run: dbt never ran, no earlier cause quoted.
    os.utime(log, (1_700_000_000, 1_700_000_000))  # 2023-11-14
    code, lines, _ = alerts(
        *dbt_args(dbt_artifacts), "--no-gate", "--since", LATER_RUN, "--dbt-log", log
    )
    assert code == 1 and "Raw table" not in lines[0]["message"]
    assert lines[0]["message"].startswith("dbt produced no results for this run: it stopped")


# A hook whose SQL fails (here an extra on-run-start hook
# `select * from no_such_table_xyz`): dbt 1.11.16 does write run_results.json,
# the hook with status error, nodes skipped. Captured from a real run, reduced
# to the fields the alert command reads.
HOOK_FAILED_RESULTS = [
    ("operation.recall.recall-on-run-start-0", "success", "recall.on-run-start.0 passed"),
    ("operation.recall.recall-on-run-start-1", "success", "recall.on-run-start.1 passed"),
    (
        "operation.recall.recall-on-run-start-2",
        "error",
        "recall.on-run-start.2 failed, error:\n Catalog Error: Table with name "
        'no_such_table_xyz does not exist!\nDid you mean "pg_tables"?',
    ),
    ("model.recall.fct_user_days", "skipped", None),
    ("test.recall.not_null_fct_user_days_user_id.0123456789", "skipped", None),
]


def _run_results(tmp_path, name, results, manifest_dir):
    """A run_results.json of this run (dated now) holding (uid, status, message)."""
    metadata = json.loads((manifest_dir / "run_results.json").read_text())["metadata"]
    metadata = dict(metadata, generated_at="2099-01-01T00:00:00Z")
    rr = {
        "metadata": metadata,
        "results": [
            {"unique_id": uid, "status": status, "message": message, "failures": None}
            for uid, status, message in results
        ],
    }
    path = tmp_path / name
    path.write_text(json.dumps(rr))
    return ["--run-results", path, "--manifest", manifest_dir / "manifest.json"]


def test_failed_hook_and_every_node_skipped_are_error_alerts(dbt_artifacts, tmp_path):
    manifest = json.loads((dbt_artifacts / "manifest.json").read_text())
    for n in range(3):
        uid = f"operation.recall.recall-on-run-start-{n}"
        name = f"recall-on-run-start-{n}"
        manifest["nodes"][uid] = {"resource_type": "operation", "name": name, "unique_id": uid}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "run_results.json").write_text((dbt_artifacts / "run_results.json").read_text())
    args = _run_results(tmp_path, "hook.json", HOOK_FAILED_RESULTS, tmp_path)
    code, lines, _ = alerts(*args, "--no-gate", "--since", LATER_RUN)
    assert code == 1
    assert [(x["check"], x["check_type"], x["severity"], x["unique_id"]) for x in lines] == [
        ("dbt_run", "on-run-start", "error", "operation.recall.recall-on-run-start-2")
    ]
    assert lines[0]["message"] == (
        "dbt stopped at start: on-run-start hook recall-on-run-start-2 failed: Catalog "
        'Error: Table with name no_such_table_xyz does not exist! Did you mean "pg_tables"?'
    )
    # Every node skipped, no error to say why: not "no alerts".
    skipped = [r for r in HOOK_FAILED_RESULTS if r[1] != "error"]
    args = _run_results(tmp_path, "skipped.json", skipped, tmp_path)
    for since in ([], ["--since", LATER_RUN]):
        code, lines, _ = alerts(*args, "--no-gate", *since)
        assert code == 1
        assert [(x["check"], x["check_type"], x["severity"]) for x in lines] == [
            ("dbt_run", "run", "error")
        ]
        assert lines[0]["message"].startswith("dbt skipped every one of its 2 nodes")
    # A scheduled run (--since) in which dbt ran its hooks and no node.
    args = _run_results(tmp_path, "hooks_only.json", skipped[:2], tmp_path)
    code, lines, _ = alerts(*args, "--no-gate", "--since", LATER_RUN)
    assert code == 1 and [x["check"] for x in lines] == ["dbt_run"]
    assert lines[0]["message"].startswith("dbt ran no node")
    # Some nodes skipped after a passing run of the rest: no dbt_run alert.
    partly = [*skipped[:3], ("test.recall.not_null_fct_user_days_user_id.0123456789", "pass", None)]
    args = _run_results(tmp_path, "partly.json", partly, tmp_path)
    code, lines, _ = alerts(*args, "--no-gate", "--since", LATER_RUN)
    assert (code, lines) == (0, [])


@pytest.mark.warehouse  # a real dbt 1.11 run on a landing without orders (~25 s)
def test_real_run_stopped_at_start(dbt_artifacts, tmp_path):
    raw = tmp_path / "raw"
    generate(raw, 200, 10, 1, "--no-expected")
    shutil.rmtree(raw / "orders")
    target = tmp_path / "target"
    target.mkdir()
    stale = (dbt_artifacts / "run_results.json").read_text()
    (target / "run_results.json").write_text(stale)  # an earlier run's, with alerts
    since = datetime.now(UTC).isoformat()
    proc = run_dbt(
        ["build", "--exclude-resource-type", "unit_test"],
        raw,
        tmp_path / "w.duckdb",
        tmp_path,
        check=False,
    )
    assert proc.returncode == 2, proc.stdout[-3000:]
    # dbt 1.11 leaves the earlier run's file as it was
    assert (target / "run_results.json").read_text() == stale
    code, lines, err = alerts(
        "--run-results", target / "run_results.json", "--manifest", target / "manifest.json",
        "--no-gate", "--since", since, "--dbt-log", tmp_path / "logs" / "dbt.log",
    )  # fmt: skip
    assert code == 1 and [x["check"] for x in lines] == ["dbt_run"], lines
    assert "Raw table 'orders' is missing" in lines[0]["message"]
    assert "not re-emitted" in err


# ---------------------------------------------------------------- issue 19, point 7
SECRET_PATH = "/services/T0000/B0000/XXXXsecretXXXX"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"file:///tmp{SECRET_PATH}", "scheme is 'file'"),
        (f"ftp://hooks.example.com{SECRET_PATH}", "scheme is 'ftp'"),
        (f"hooks.example.com{SECRET_PATH}", "has no scheme"),
        (f"user:XXXXsecretXXXX@hooks.example.com{SECRET_PATH}", "has no scheme"),
        (f"https://{SECRET_PATH}", "has no host"),
    ],
)
def test_webhook_url_must_be_http(dbt_artifacts, url, says):
    for how in (["--webhook-url", url], []):
        env = {} if how else {"RECALL_ALERT_WEBHOOK_URL": url}
        code, lines, err = alerts(*dbt_args(dbt_artifacts), "--no-gate", *how, env=env)
        assert (code, lines) == (2, []), err
        assert says in err and "XXXXsecretXXXX" not in err and "T0000" not in err


def test_redirect_is_a_delivery_failure(dbt_artifacts):
    with Receiver(location="/moved/elsewhere") as hook:
        code, lines, err = alerts(*dbt_args(dbt_artifacts), "--no-gate", "--webhook-url", hook.url)
    assert code == 3 and len(lines) == 4
    assert len(hook.posts) == 1 and hook.gets == []  # not followed (urllib: a GET)
    host = hook.url.split("/hooks")[0]
    assert f"answered HTTP 302 (a redirect to {host})" in err
    assert "/moved" not in err and "/hooks" not in err


def test_webhook_url_secrets_never_printed(dbt_artifacts):
    def check(url, *extra, status=500, wanted=None):
        code, lines, err = alerts(
            *dbt_args(dbt_artifacts), "--no-gate", *extra, "--webhook-url", url
        )
        for secret in ("XXXXsecretXXXX", "T0000", "hunter2", "bob", "tok3n"):
            assert secret not in err and all(secret not in json.dumps(x) for x in lines), err
        if wanted:
            assert wanted in err, err
        return code

    with Receiver(status=500) as hook:
        port = hook.server.server_address[1]
        origin = f"http://127.0.0.1:{port}"
        base = f"http://bob:hunter2@127.0.0.1:{port}"
        # refused payload; user:password, path and query in the URL
        assert check(f"{base}{SECRET_PATH}?tok3n=1", wanted=f"on {origin} answered HTTP 500") == 3
        # an exception whose text quotes the path (http.client.InvalidURL)
        assert check(f"{origin}{SECRET_PATH}/with space", wanted=f"on {origin}") == 3
        # a mistyped option: argparse quotes the arguments it did not expect
        assert check(f"{origin}/x", "--webhookurl", f"{base}{SECRET_PATH}") == 2
    # nobody listening any more: connection refused
    assert check(f"{origin}{SECRET_PATH}?tok3n=1", wanted=f"on {origin} could not be reached") == 3


def test_payload_escapes_raw_values(dbt_artifacts, tmp_path):
    manifest = json.loads((dbt_artifacts / "manifest.json").read_text())
    uid, node = _test_node(
        "dq_tracking_volume",
        "rpt_tracking_completeness_daily",
        "event_count",
        severity="warn",
        meta={"slice": "platform=<!channel>", "partition": "<http://evil.example|click> & more"},
    )
    manifest["nodes"][uid] = node
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "run_results.json").write_text((dbt_artifacts / "run_results.json").read_text())
    args = _run_results(
        tmp_path,
        "rr.json",
        [
            (uid, "warn", "Got 3 results <!everyone>"),
            ("operation.recall.recall-on-run-start-0", "error", "hook <!here> failed"),
        ],
        tmp_path,
    )
    with Receiver() as hook:
        code, lines, err = alerts(*args, "--no-gate", "--webhook-url", hook.url)
    assert code == 1, err
    # stdout stays raw (machine-readable) ...
    warn = next(x for x in lines if x["check"] == "dq_tracking_volume")
    assert warn["slice"] == "platform=<!channel>"
    assert warn["partition"] == "<http://evil.example|click> & more"
    # ... the payload is escaped: no mention, no link, & as an entity
    texts = [b["text"]["text"] for b in json.loads(hook.posts[0][2])["blocks"][1:]]
    assert texts[0] == (
        "*WARN* `dq_tracking_volume` on rpt_tracking_completeness_daily.event_count "
        "dt=&lt;http://evil.example|click&gt; &amp; more [platform=&lt;!channel&gt;]: "
        "Got 3 results &lt;!everyone&gt; (dbt)"
    )
    assert texts[1] == (
        "*ERROR* `dbt_run` on ?: dbt stopped at start: on-run-start hook "
        "recall-on-run-start-0 failed: hook &lt;!here&gt; failed (dbt)"
    )
    assert not any("<" in t or ">" in t for t in texts)
