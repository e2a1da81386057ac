"""Alert stream: one JSON line per failing check, optionally posted to a webhook.

    python -m recall.quality.alerts [--run-results target/run_results.json]
                                    [--manifest target/manifest.json]
                                    [--gate-results target/quality/results.json]
                                    [--no-dbt] [--no-gate]
                                    [--webhook-url URL] [--batch-size 40]

Sources
- dbt (1.11 artifacts): every node of run_results.json whose status is `warn`,
  `fail` or `error`, described from manifest.json (test name and type, the model and
  column it tests, severity and warn_if / error_if thresholds, meta).
  Severity: status `warn` -> warn; `fail` -> the test's configured severity (error
  unless configured `warn`); `error` (the test or model could not run) -> error.
  Passing tests, successful models and skipped nodes give no alert.
- the landing gate's results.json: every failed expectation, with its severity.

Alert line fields (ALERT_FIELDS): source (dbt | gate), check, check_type, severity,
status, table, column, partition, slice, failures, observed, threshold, message,
link (dbt: the relation holding the stored failing rows, when the test stores
failures; gate: the Data Docs page, a path), unique_id (dbt node id), where
(dbt tests that store failures, read from the warehouse file given by --db,
default $RECALL_DB_PATH: up to five failing rows' day, slice, platform, event
name, campaign and arm, share and status), failing_rows (their number).
partition and slice, when the test's meta does not give them, come from the
first of those rows.

Webhook: when --webhook-url or RECALL_ALERT_WEBHOOK_URL is set and there are
alerts, they are POSTed as a Slack-compatible JSON payload {"text", "blocks"}:
one POST per run, or one per --batch-size alerts (Slack allows 50 blocks).

Exit code: 0 no error-level alert; 1 at least one error-level alert; 2 usage error
or an input file missing / unreadable / not in the expected format; 3 the webhook
could not be reached or refused the payload (alerts were still printed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ALERT_FIELDS = [
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
# Columns of stored failing rows that say where a check failed, and how badly.
WHERE_COLUMNS = [
    "date_day",
    "check_name",
    "slice",
    "platform",
    "event_name",
    "campaign_id",
    "variant_id",
    "share",
    "volume_ratio",
    "status",
]
WHERE_ROWS = 5
WEBHOOK_ENV = "RECALL_ALERT_WEBHOOK_URL"
ALERTING_STATUSES = {"warn", "fail", "error"}


class InputError(Exception):
    pass


def read_json(path: Path, what: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{what} {path} cannot be read: {e}") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{what} {path} is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise InputError(f"{what} {path} is not a JSON object")
    return data


# ------------------------------------------------------------------ dbt
def _model_name(node: dict, nodes: dict) -> str | None:
    """The model a test is attached to (or the first it depends on)."""
    parent = node.get("attached_node") or next(
        iter(node.get("depends_on", {}).get("nodes") or []), None
    )
    if not parent:
        return None
    target = nodes.get(parent) or {}
    return target.get("alias") or target.get("name") or parent.split(".")[-1]


def dbt_alerts(
    run_results: dict, manifest: dict, rr_path: str | Path, mf_path: str | Path
) -> list[dict]:
    if not isinstance(run_results.get("results"), list):
        raise InputError(
            f"run results {rr_path} has no 'results' list (not a dbt run_results.json)"
        )
    if not isinstance(manifest.get("nodes"), dict):
        raise InputError(f"manifest {mf_path} has no 'nodes' object (not a dbt manifest.json)")
    nodes = manifest["nodes"]
    out = []
    for result in run_results["results"]:
        status = str(result.get("status", "")).lower()
        if status not in ALERTING_STATUSES:
            continue
        uid = result.get("unique_id", "")
        node = nodes.get(uid) or {}
        config = node.get("config") or {}
        resource = node.get("resource_type") or uid.split(".")[0]
        configured = str(config.get("severity") or "error").lower()
        if status == "warn":
            severity = "warn"
        elif status == "fail":
            severity = "warn" if configured == "warn" else "error"
        else:
            severity = "error"
        meta = config.get("meta") or node.get("meta") or {}
        test_metadata = node.get("test_metadata") or {}
        kwargs = test_metadata.get("kwargs") or {}
        if resource == "test":
            table = _model_name(node, nodes)
            column = node.get("column_name") or kwargs.get("column_name")
            check_type = test_metadata.get("name") or "singular"
            threshold = {
                "severity": configured,
                "warn_if": config.get("warn_if"),
                "error_if": config.get("error_if"),
            }
        else:
            table = node.get("alias") or node.get("name") or uid.split(".")[-1]
            column, check_type, threshold = None, resource or "node", None
        failures = result.get("failures")
        out.append(
            {
                "source": "dbt",
                "check": node.get("name") or uid.split(".")[-1],
                "check_type": check_type,
                "severity": severity,
                "status": status,
                "table": table,
                "column": column,
                "partition": meta.get("partition") or meta.get("day"),
                "slice": meta.get("slice"),
                "failures": failures,
                "observed": failures if failures is not None else None,
                "threshold": threshold,
                "message": result.get("message"),
                "link": result.get("relation_name"),
                "unique_id": uid,
                "where": None,
                "failing_rows": None,
            }
        )
    return out


def _relation_parts(relation: str) -> list[str]:
    """'"db"."schema"."name"' -> ['db', 'schema', 'name'] (quotes dropped)."""
    parts, current, quoted = [], "", False
    for ch in relation:
        if ch == '"':
            quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def add_stored_failures(alerts: list[dict], db_path: str | None) -> None:
    """Say where each stored-failure test failed: read its failing rows from
    the warehouse file (read-only). Alerts without a stored relation, or when
    the file is missing, keep where = None."""
    if not db_path or not Path(db_path).exists():
        return
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for alert in alerts:
            if alert["source"] != "dbt" or not alert["link"]:
                continue
            schema, name = _relation_parts(str(alert["link"]))[-2:]
            table = f'"{schema}"."{name}"'
            try:
                columns = [
                    row[0]
                    for row in con.execute(
                        "select column_name from information_schema.columns "
                        "where table_schema = ? and table_name = ? "
                        "order by ordinal_position",
                        [schema, name],
                    ).fetchall()
                ]
                if not columns:
                    continue
                keep = [c for c in WHERE_COLUMNS if c in columns]
                alert["failing_rows"] = con.execute(f"select count(*) from {table}").fetchone()[0]
                if not keep:
                    continue
                order = ", ".join(f'"{c}"' for c in keep)
                rows = con.execute(
                    f"select {order} from {table} order by {order} limit {WHERE_ROWS}"
                ).fetchall()
            except duckdb.Error:
                continue
            alert["where"] = [
                {
                    c: (v if isinstance(v, (int, float, str)) or v is None else str(v))
                    for c, v in zip(keep, row, strict=True)
                }
                for row in rows
            ]
            first = alert["where"][0] if alert["where"] else {}
            if alert["partition"] is None and first.get("date_day"):
                alert["partition"] = first["date_day"]
            if alert["slice"] is None:
                alert["slice"] = first.get("slice") or first.get("platform")
    finally:
        con.close()


# ------------------------------------------------------------------ gate
def gate_alerts(gate: dict, path: Path) -> list[dict]:
    if not isinstance(gate.get("results"), list):
        raise InputError(f"gate results {path} has no 'results' list (not a landing gate result)")
    base = Path(path).parent
    out = []
    for r in gate["results"]:
        if r.get("success", True):
            continue
        docs = r.get("docs")
        failures = r.get("unexpected_count")
        mostly = r.get("mostly")
        out.append(
            {
                "source": "gate",
                "check": r.get("check"),
                "check_type": r.get("expectation"),
                "severity": "error" if r.get("severity") == "error" else "warn",
                "status": "fail",
                "table": r.get("table"),
                "column": r.get("column"),
                "partition": r.get("partition"),
                "slice": None,
                "failures": failures,
                "observed": (
                    r.get("unexpected_percent") if failures is not None else r.get("observed_value")
                ),
                "threshold": {
                    "mostly": mostly,
                    "max_unexpected_percent": (
                        round((1 - mostly) * 100, 6) if mostly is not None else 0.0
                    ),
                },
                "message": r.get("exception") or r.get("rule"),
                "link": str(base / docs) if docs else None,
                "unique_id": None,
                "where": None,
                "failing_rows": failures,
            }
        )
    return out


# ------------------------------------------------------------------ webhook
def _line(alert: dict) -> str:
    where = alert["table"] or "?"
    if alert["column"]:
        where += f".{alert['column']}"
    if alert["partition"]:
        where += f" dt={alert['partition']}"
    if alert["slice"]:
        where += f" [{alert['slice']}]"
    bad = (
        f"{alert['failures']} failing" if alert["failures"] is not None else str(alert["observed"])
    )
    link = (
        f" <{alert['link']}>"
        if alert["link"] and "://" in str(alert["link"])
        else (f" ({alert['link']})" if alert["link"] else "")
    )
    return (
        f"*{alert['severity'].upper()}* `{alert['check']}` on {where}: {bad}"
        f" ({alert['source']}){link}"
    )


def slack_payload(alerts: list[dict], part: int = 1, parts: int = 1) -> dict:
    errors = sum(a["severity"] == "error" for a in alerts)
    head = f"recall data quality: {len(alerts)} alert(s), {errors} error(s)" + (
        f" (part {part}/{parts})" if parts > 1 else ""
    )
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": head[:150]}}]
    for a in alerts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _line(a)[:3000]}})
    return {"text": head, "blocks": blocks}


def post(url: str, payload: dict, timeout: float = 10.0) -> int:
    req = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status


def send(url: str, alerts: list[dict], batch_size: int) -> None:
    batches = [alerts[i : i + batch_size] for i in range(0, len(alerts), batch_size)]
    for n, batch in enumerate(batches, 1):
        post(url, slack_payload(batch, n, len(batches)))


# ------------------------------------------------------------------ CLI
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m recall.quality.alerts",
        description="Emit one JSON-line alert per failing check.",
    )
    p.add_argument("--run-results", default="target/run_results.json")
    p.add_argument("--manifest", default="target/manifest.json")
    p.add_argument("--gate-results", default="target/quality/results.json")
    p.add_argument(
        "--db",
        default=os.environ.get("RECALL_DB_PATH"),
        help="warehouse file holding the stored failing rows (default $RECALL_DB_PATH)",
    )
    p.add_argument("--no-dbt", action="store_true", help="do not read the dbt artifacts")
    p.add_argument("--no-gate", action="store_true", help="do not read the gate's results")
    p.add_argument(
        "--webhook-url",
        default=os.environ.get(WEBHOOK_ENV),
        help=f"Slack-compatible webhook (default ${WEBHOOK_ENV})",
    )
    p.add_argument("--batch-size", type=int, default=40, help="alerts per POST (max 49)")
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    if a.no_dbt and a.no_gate:
        print("alerts: --no-dbt and --no-gate leave nothing to read", file=sys.stderr)
        return 2
    if not 1 <= a.batch_size <= 49:
        print("alerts: --batch-size must be between 1 and 49", file=sys.stderr)
        return 2
    try:
        alerts = []
        if not a.no_dbt:
            alerts += dbt_alerts(
                read_json(a.run_results, "run results"),
                read_json(a.manifest, "manifest"),
                a.run_results,
                a.manifest,
            )
            add_stored_failures(alerts, a.db)
        if not a.no_gate:
            alerts += gate_alerts(read_json(a.gate_results, "gate results"), a.gate_results)
    except InputError as e:
        print(f"alerts: {e}", file=sys.stderr)
        return 2
    for alert in alerts:
        print(json.dumps({k: alert[k] for k in ALERT_FIELDS}, default=str))
    sys.stdout.flush()
    if a.webhook_url and alerts:
        try:
            send(a.webhook_url, alerts, a.batch_size)
        except (urllib.error.URLError, OSError, ValueError) as e:
            host = urllib.parse.urlsplit(a.webhook_url).netloc or "(unparsable URL)"
            print(f"alerts: posting to the webhook on {host} failed: {e}", file=sys.stderr)
            return 3
    return 1 if any(x["severity"] == "error" for x in alerts) else 0


if __name__ == "__main__":
    sys.exit(main())
