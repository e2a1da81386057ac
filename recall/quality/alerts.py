"""Alert stream: one JSON line per failing check, optionally posted to a webhook.

    python -m recall.quality.alerts [--run-results target/run_results.json]
                                    [--manifest target/manifest.json]
                                    [--gate-results target/quality/results.json]
                                    [--db WAREHOUSE] [--no-dbt] [--no-gate]
                                    [--since ISO-8601-UTC] [--dbt-log logs/dbt.log]
                                    [--webhook-url URL] [--batch-size 40]

Sources
- dbt (1.11 artifacts): every node of run_results.json whose status is `warn`,
  `fail` or `error`, described from manifest.json (test name and type, the model and
  column it tests, severity and warn_if / error_if thresholds, meta).
  Severity: status `warn` -> warn; `fail` -> the test's configured severity (error
  unless configured `warn`); `error` (the test or model could not run) -> error.
  Passing tests, successful models and skipped nodes give no alert.
- the landing gate's results.json: every failed expectation, with its severity.

The dbt run itself (check `dbt_run`, always severity error):
- `--since T`: the time (ISO-8601, UTC when no offset is given) the run these
  alerts belong to started dbt; the scheduled pipeline passes it. run_results.json
  is from this run when its metadata.invocation_started_at (generated_at when
  dbt does not write it) is not before T. When it is older, or missing, dbt
  produced no results for this run: its old alerts are NOT re-emitted; stderr says
  so in one line (the file and its time) and one `dbt_run` alert (check_type
  `run`) says why, from the last invocation in --dbt-log (default logs/dbt.log,
  dbt's log in the project folder) when that log was written since T. dbt 1.11
  writes no run_results.json at all when it stops at start: an on-run-start hook
  raising an error (a missing raw table, a bad var), a held warehouse lock; the
  alert quotes the log's error ("Raw table 'orders' is missing: ..."). Without
  --since (manual use) the file is read whatever its age, and a missing file is
  an input error (exit 2).
- an on-run-start / on-run-end hook whose result is `error` (a hook whose SQL
  failed: dbt then skips the nodes that depend on it): one `dbt_run` alert
  (check_type `on-run-start` / `on-run-end`) quoting the hook's message.
- every node skipped (and no error to say why), or, with --since, no node run:
  one `dbt_run` alert (check_type `run`): nothing was built or tested.

Alert line fields (ALERT_FIELDS): source (dbt | gate), check, check_type, severity,
status, table, column, partition, slice, failures, observed, threshold, message,
link (dbt: the relation holding the stored failing rows, when the test stores
failures, or for `dbt_run` the dbt log; gate: the Data Docs page, a path),
unique_id (dbt node id), where (dbt tests that store failures, read from the
warehouse file given by --db, default $RECALL_DB_PATH: up to five failing rows'
day, slice, platform, event name, campaign and arm, share and status),
failing_rows (their number). partition and slice, when the test's meta does not
give them, come from the first of those rows. The JSON lines on stdout carry the
raw values (machine-readable, not escaped).

Webhook: when --webhook-url or RECALL_ALERT_WEBHOOK_URL is set and there are
alerts, they are POSTed as a Slack-compatible JSON payload {"text", "blocks"}:
one POST per run, or one per --batch-size alerts (Slack allows 50 blocks).
- Only https:// and http:// URLs with a host are accepted; anything else is a
  usage error at start (exit 2), before any input is read.
- Redirects are not followed: a 3xx answer is a delivery failure (exit 3), as
  is any answer outside 2xx, a refused connection or a timeout.
- The URL is a secret (Slack's path is the token): no message prints more of it
  than scheme://host[:port]; its path, query and user:password never reach
  stdout, stderr or the payload, nor do exception texts quoting them.
- Every value in the payload's mrkdwn text that comes from data (check, table,
  column, partition, slice, counts, message, link) is escaped for Slack
  (`&` -> `&amp;`, `<` -> `&lt;`, `>` -> `&gt;`), so a raw value such as
  `<!channel>` or `<http://x|y>` cannot ping a channel or add a link.

Exit code: 0 no error-level alert; 1 at least one error-level alert (a `dbt_run`
alert included); 2 usage error (bad option, webhook URL not http(s), --since not
a timestamp) or an input file missing / unreadable / not in the expected format;
3 the webhook could not be reached, redirected or refused the payload (alerts
were still printed).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
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
WEBHOOK_SCHEMES = ("https", "http")
DBT_RUN = "dbt_run"
NO_RESULTS = "dbt produced no results for this run: it stopped at start or never ran"


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
def _dict(value) -> dict:
    """value when it is a JSON object, else {} (a malformed artifact never crashes)."""
    return value if isinstance(value, dict) else {}


def _model_name(node: dict, nodes: dict) -> str | None:
    """The model a test is attached to (or the first it depends on)."""
    depends_on = _dict(node.get("depends_on")).get("nodes")
    parent = node.get("attached_node") or next(
        iter(depends_on if isinstance(depends_on, list) else []), None
    )
    if not isinstance(parent, str) or not parent:
        return None
    target = _dict(nodes.get(parent))
    return target.get("alias") or target.get("name") or parent.split(".")[-1]


def dbt_alerts(
    run_results: dict,
    manifest: dict,
    rr_path: str | Path,
    mf_path: str | Path,
    expect_nodes: bool = False,
) -> list[dict]:
    """One alert per failing node; `dbt_run` alerts for a failed hook, for every
    node skipped, and (expect_nodes: a scheduled run) for no node run at all."""
    if not isinstance(run_results.get("results"), list):
        raise InputError(
            f"run results {rr_path} has no 'results' list (not a dbt run_results.json)"
        )
    if not isinstance(manifest.get("nodes"), dict):
        raise InputError(f"manifest {mf_path} has no 'nodes' object (not a dbt manifest.json)")
    nodes = manifest["nodes"]
    results = [r for r in run_results["results"] if isinstance(r, dict)]
    out = []
    for result in results:
        status = str(result.get("status", "")).lower()
        if status not in ALERTING_STATUSES:
            continue
        uid = str(result.get("unique_id") or "")
        node = _dict(nodes.get(uid))
        if uid.startswith("operation.") and status == "error":
            out.append(_hook_alert(uid, node, result))
            continue
        config = _dict(node.get("config"))
        resource = node.get("resource_type") or uid.split(".")[0]
        configured = str(config.get("severity") or "error").lower()
        if status == "warn":
            severity = "warn"
        elif status == "fail":
            severity = "warn" if configured == "warn" else "error"
        else:
            severity = "error"
        meta = _dict(config.get("meta") or node.get("meta"))
        test_metadata = _dict(node.get("test_metadata"))
        kwargs = _dict(test_metadata.get("kwargs"))
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
    built = [r for r in results if not str(r.get("unique_id") or "").startswith("operation.")]
    skipped = [r for r in built if str(r.get("status", "")).lower() == "skipped"]
    if not any(a["severity"] == "error" for a in out):
        if built and len(skipped) == len(built):
            message = (
                f"dbt skipped every one of its {len(built)} nodes: nothing was built or tested"
            )
        elif expect_nodes and not built:
            message = "dbt ran no node: nothing was built or tested (an empty selection?)"
        else:
            return out
        out.append(dbt_run_alert(f"{message}; see the dbt log", "run"))
    return out


def dbt_run_alert(
    message: str, check_type: str, link: str | None = None, unique_id: str | None = None
) -> dict:
    """An error-level alert about the dbt run itself (check `dbt_run`)."""
    return {
        "source": "dbt",
        "check": DBT_RUN,
        "check_type": check_type,
        "severity": "error",
        "status": "error",
        "table": None,
        "column": None,
        "partition": None,
        "slice": None,
        "failures": None,
        "observed": None,
        "threshold": None,
        "message": message,
        "link": link,
        "unique_id": unique_id,
        "where": None,
        "failing_rows": None,
    }


def _hook_alert(uid: str, node: dict, result: dict) -> dict:
    """A failed on-run-start / on-run-end hook, as dbt 1.11 records one whose SQL
    failed: message 'recall.on-run-start.2 failed, error:\n Catalog Error: ...'."""
    name = str(node.get("name") or uid.split(".")[-1])
    kind = "on-run-end" if "on-run-end" in name else "on-run-start"
    text = " ".join(str(result.get("message") or "no message").split())
    text = re.sub(r"^\S+ failed, error: ", "", text)
    stopped = "dbt stopped at start" if kind == "on-run-start" else "dbt's closing hook failed"
    return dbt_run_alert(f"{stopped}: {kind} hook {name} failed: {text}", kind, unique_id=uid)


# ------------------------------------------------------------------ dbt run freshness
def parse_since(text: str) -> datetime:
    """An ISO-8601 timestamp; UTC when it carries no offset."""
    when = datetime.fromisoformat(text.strip())
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def run_results_time(run_results: dict) -> tuple[datetime | None, str]:
    """When the dbt invocation that wrote run_results.json started (dbt >= 1.9
    writes metadata.invocation_started_at), else when it wrote the file."""
    meta = run_results.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    for field in ("invocation_started_at", "generated_at"):
        value = meta.get(field)
        if isinstance(value, str):
            try:
                return parse_since(value), field
            except ValueError:
                continue
    return None, "metadata.invocation_started_at / generated_at"


ANSI = re.compile(r"\x1b\[[0-9;]*m")
# dbt's log file: '13:27:46.766306 [error] [MainThread]: Encountered an error:';
# its console output (as a scheduler captures it): '13:27:46  Encountered an error:'
LOG_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d+ \[(\w+)\s*\] \[[^\]]*\]: ?(.*)$")
CONSOLE_LINE = re.compile(r"^\d\d:\d\d:\d\d  (.*)$")


def _error_entries(text: str) -> list[list[str]]:
    """The error entries of the last invocation in a dbt log (text format:
    one '==== time | invocation id ====' banner per invocation; json format:
    one object per line) or in dbt's captured console output (where an error
    is the 'Encountered an error:' line and the lines after it), each as its
    lines."""
    lines = text.splitlines()
    if any(line.lstrip().startswith("{") for line in lines[-5:]):
        events = []
        for line in lines:
            try:
                info = json.loads(line).get("info") or {}
            except (ValueError, AttributeError):
                continue
            events.append(info)
        last = events[-1].get("invocation_id") if events else None
        return [
            str(e.get("msg") or "").splitlines()
            for e in events
            if e.get("invocation_id") == last and e.get("level") == "error"
        ]
    lines = [ANSI.sub("", line) for line in lines]
    starts = [
        i for i, line in enumerate(lines) if line.startswith("=====") or "Running with dbt=" in line
    ]
    lines = lines[starts[-1] + 1 :] if starts else lines
    entries, current = [], None
    for line in lines:
        m, c = LOG_LINE.match(line), CONSOLE_LINE.match(line)
        if m or c:
            is_error = m.group(1) == "error" if m else c.group(1).startswith("Encountered an error")
            current = [m.group(2) if m else c.group(1)] if is_error else None
            if current is not None:
                entries.append(current)
        elif current is not None:
            current.append(line)
    return entries


def dbt_log_cause(path: Path, since: datetime) -> str | None:
    """The first error of dbt's last invocation, when the log was written since
    `since`; None when there is none (dbt never ran, or was killed)."""
    try:
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) < since:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for entry in _error_entries(text):
        body = [x.strip() for x in entry if x.strip() and not x.strip().startswith(">")]
        if body and body[0].rstrip(":") == "Encountered an error":
            body = body[1:]
        if not body:
            continue
        # 'Compilation Error in operation recall-on-run-start-1 (./dbt_project.yml)'
        # then the hook's own message: the message first, where it came from after.
        head = re.match(r"^(\w[\w ]*Error) in (\w+ \S+)", body[0])
        if head and len(body) > 1:
            cause = f"{' '.join(body[1:])} ({head.group(1)} in {head.group(2)})"
        else:
            cause = " ".join(body)
        return cause[:1000]
    return None


def stale_results_alert(rr_path: Path, since: datetime, log_path: Path) -> tuple[str, dict] | None:
    """With --since: None when run_results.json is from this run; else the
    one-line notice for stderr and the `dbt_run` alert that replaces its alerts."""
    rr_path = Path(rr_path)
    if not rr_path.exists():
        notice = f"run results {rr_path} do not exist: dbt wrote none for this run"
    else:
        try:
            when, field = run_results_time(read_json(rr_path, "run results"))
        except InputError as e:
            when, field = None, str(e)
        if when is not None and when >= since:
            return None
        stamp = when.astimezone(UTC).isoformat() if when else f"unknown ({field})"
        notice = (
            f"run results {rr_path} are from {stamp}, before this run started at "
            f"{since.astimezone(UTC).isoformat()}: their alerts are not re-emitted"
        )
    cause = dbt_log_cause(Path(log_path), since)
    message = f"{NO_RESULTS}; see {log_path}"
    if cause:
        message = (
            f"dbt produced no results for this run, it stopped at start: {cause}; see {log_path}"
        )
    return notice, dbt_run_alert(message, "run", link=str(log_path))


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
        if not isinstance(r, dict) or r.get("success", True):
            continue
        docs = r.get("docs")
        failures = r.get("unexpected_count")
        mostly = r.get("mostly")
        mostly = mostly if isinstance(mostly, int | float) else None
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
                "link": str(base / str(docs)) if docs else None,
                "unique_id": None,
                "where": None,
                "failing_rows": failures,
            }
        )
    return out


# ------------------------------------------------------------------ webhook
def mrkdwn(value) -> str:
    """A raw value made inert in Slack mrkdwn: no mention, link or entity."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _line(alert: dict) -> str:
    """The alert's mrkdwn section; every value from data is escaped."""
    where = mrkdwn(alert["table"] or "?")
    if alert["column"]:
        where += f".{mrkdwn(alert['column'])}"
    if alert["partition"]:
        where += f" dt={mrkdwn(alert['partition'])}"
    if alert["slice"]:
        where += f" [{mrkdwn(alert['slice'])}]"
    if alert["failures"] is not None:
        bad = f"{mrkdwn(alert['failures'])} failing"
    elif alert["observed"] is None and alert["message"]:
        bad = mrkdwn(str(alert["message"])[:1500])
    else:
        bad = mrkdwn(alert["observed"])
    link = alert["link"]
    if link and urllib.parse.urlsplit(str(link)).scheme in WEBHOOK_SCHEMES:
        # a link target cannot hold '|' (Slack's text separator) unencoded
        link = f" <{mrkdwn(str(link).replace('|', '%7C'))}>"
    else:
        link = f" ({mrkdwn(link)})" if link else ""
    return (
        f"*{mrkdwn(alert['severity']).upper()}* `{mrkdwn(alert['check'])}` on {where}: {bad}"
        f" ({mrkdwn(alert['source'])}){link}"
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


def webhook_url_problem(url: str) -> str | None:
    """Why a webhook URL is refused (naming its scheme, never the URL), or None."""
    parts = urllib.parse.urlsplit(url)
    if "://" not in url or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", url.split("://")[0]):
        return "the webhook URL has no scheme: it must start with https:// or http://"
    if parts.scheme not in WEBHOOK_SCHEMES:
        return (
            f"the webhook URL's scheme is {parts.scheme!r}: only https:// and http:// are accepted"
        )
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return f"the webhook URL ({parts.scheme}://...) has an invalid port"
    if not parts.hostname:
        return f"the webhook URL ({parts.scheme}://...) has no host"
    return None


def origin(url: str) -> str:
    """scheme://host[:port] of a URL: all of it that may be printed."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}" if host else "(unparsable URL)"
    except ValueError:
        return "(unparsable URL)"


def redact(text: str, url: str | None) -> str:
    """text with the webhook URL, its path, query, fragment and user:password
    cut out, and any other URL cut to its origin (urllib's errors quote URLs)."""
    if url:
        parts = urllib.parse.urlsplit(url)
        secrets = [url, url.strip(), parts.path, parts.query, parts.fragment]
        secrets += [parts.netloc.rpartition("@")[0], parts.username, parts.password]
        for secret in sorted({x for x in secrets if x and len(x) > 1}, key=len, reverse=True):
            for form in {secret, urllib.parse.quote(secret), urllib.parse.unquote(secret)}:
                text = text.replace(form, "...")
    return re.sub(
        r"\b([A-Za-z][A-Za-z0-9+.-]*)://[^\s'\"<>]+",
        lambda m: origin(m.group(0)) + ("/..." if "/" in m.group(0).split("://", 1)[1] else ""),
        text,
    )


class DeliveryError(Exception):
    """The webhook did not take the payload (message free of the URL's secrets)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: urllib would follow a 302 with a body-less GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx then reaches HTTPDefaultErrorHandler: an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, payload: dict, timeout: float = 10.0) -> int:
    headers = {"Content-Type": "application/json"}
    parts = urllib.parse.urlsplit(url)
    target = url
    if parts.username is not None:
        # user:password@ in the URL: HTTP basic auth (urllib would take it as the host)
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
        target = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    req = urllib.request.Request(
        target,
        data=json.dumps(payload).encode("utf-8"),
        method="POST",
        headers=headers,
    )
    where = origin(url)
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            target = e.headers.get("Location") if e.headers else None
            to = f" to {origin(urllib.parse.urljoin(url, target))}" if target else ""
            raise DeliveryError(
                f"the webhook on {where} answered HTTP {e.code} (a redirect{to}); redirects "
                "are not followed: configure the final URL"
            ) from None
        raise DeliveryError(
            f"the webhook on {where} answered HTTP {e.code} {redact(str(e.reason), url)}"
        ) from None
    except urllib.error.URLError as e:
        reason = e.reason
        text = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
        raise DeliveryError(
            f"the webhook on {where} could not be reached: {redact(str(text), url)}"
        ) from None
    except (http.client.HTTPException, OSError, ValueError) as e:
        raise DeliveryError(
            f"posting to the webhook on {where} failed: {type(e).__name__}: {redact(str(e), url)}"
        ) from None


def send(url: str, alerts: list[dict], batch_size: int) -> None:
    batches = [alerts[i : i + batch_size] for i in range(0, len(alerts), batch_size)]
    for n, batch in enumerate(batches, 1):
        post(url, slack_payload(batch, n, len(batches)))


class _Parser(argparse.ArgumentParser):
    """argparse whose error messages (which quote the arguments, e.g. a mistyped
    option followed by the webhook URL) show URLs as scheme://host only."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {redact(message, None)}\n")


# ------------------------------------------------------------------ CLI
def main(argv: list[str] | None = None) -> int:
    p = _Parser(
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
        "--since",
        help="ISO-8601 UTC time this run started dbt: older (or missing) run results "
        "are refused with a dbt_run error alert instead of re-emitting their alerts",
    )
    p.add_argument(
        "--dbt-log",
        default="logs/dbt.log",
        help="dbt's log, read for the cause when dbt wrote no results (default logs/dbt.log)",
    )
    p.add_argument(
        "--webhook-url",
        default=os.environ.get(WEBHOOK_ENV),
        help=f"Slack-compatible webhook, https:// or http:// (default ${WEBHOOK_ENV})",
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
    webhook = (a.webhook_url or "").strip() or None
    if webhook and (problem := webhook_url_problem(webhook)):
        print(f"alerts: {problem}", file=sys.stderr)
        return 2
    since = None
    if a.since is not None:
        try:
            since = parse_since(a.since)
        except ValueError:
            print(
                f"alerts: --since {a.since!r} is not an ISO-8601 timestamp "
                "(e.g. 2026-12-07T13:27:31Z)",
                file=sys.stderr,
            )
            return 2
    try:
        alerts = []
        if not a.no_dbt:
            stale = stale_results_alert(a.run_results, since, a.dbt_log) if since else None
            if stale:
                notice, alert = stale
                print(f"alerts: {notice}", file=sys.stderr)
                alerts.append(alert)
            else:
                alerts += dbt_alerts(
                    read_json(a.run_results, "run results"),
                    read_json(a.manifest, "manifest"),
                    a.run_results,
                    a.manifest,
                    expect_nodes=since is not None,
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
    if webhook and alerts:
        try:
            send(webhook, alerts, a.batch_size)
        except DeliveryError as e:
            print(f"alerts: {e} (alerts were printed)", file=sys.stderr)
            return 3
        except Exception as e:  # noqa: BLE001 (whatever it is, its text may quote the URL)
            print(
                f"alerts: posting to the webhook on {origin(webhook)} failed: "
                f"{type(e).__name__}: {redact(str(e), webhook)}",
                file=sys.stderr,
            )
            return 3
    return 1 if any(x["severity"] == "error" for x in alerts) else 0


if __name__ == "__main__":
    sys.exit(main())
