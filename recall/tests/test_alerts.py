"""The alert command (recall.quality.alerts): one JSON line per failing dbt test or
gate expectation, a Slack-compatible POST to a real local HTTP receiver, and exit
codes 0 / 1 / 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

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
    """A real HTTP server on 127.0.0.1 (port 0) recording the POSTs it gets."""

    def __init__(self, status=200):
        self.posts = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((self.path, self.headers["Content-Type"], body))
                self.send_response(status)
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
