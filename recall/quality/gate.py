"""Landing gate: validate newly landed raw partitions with Great Expectations.

    python -m recall.quality.gate [--raw-dir DIR] [--out DIR] [--dt YYYY-MM-DD ...]
                                  [--tables a,b] [--all] [--quiet]

What is validated (each table's suite: recall/quality/expectations.py):
- events, one checkpoint per Hive partition `events/dt=YYYY-MM-DD/`: the partitions
  given with --dt, or by default every partition not validated yet (new, or whose
  files changed since it was validated);
- the other seven tables (not partitioned), each as a whole, when its files are new
  or changed since it was last validated. A dimension-like table is small and a
  row's relevance to one day is not knowable before the warehouse joins it, so the
  whole table is validated, but only when it changed.
--all validates everything again; --tables restricts the run to some tables.
Channel columns are checked against the channel registry the warehouse reads, the
dbt var `channels` of dbt_project.yml (expectations.registry_channels); after
editing it, run with --all to judge tables already validated against the new list.

The raw Parquet is read with pyarrow and validated as pandas DataFrames (GE's SQL
path to DuckDB returns empty results in 1.24; it is not used). GE runs in an
ephemeral context; nothing is written to the repository.

Output (--out, default target/quality/):
    results.json        one record per expectation of this run (fields: RESULT_FIELDS)
    index.html          the run's findings, linking to the Data Docs pages
    docs/               Great Expectations Data Docs, readable offline (every
                        reference to an internet asset is stripped)
    state.json          fingerprints (file, size, mtime) of what has been validated
Exit code: 0 when no error-level expectation failed, 1 when one did, 2 on a usage
error (unknown table, --dt partition not landed, no landing folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

# recall/quality/__init__.py sets GX_ANALYTICS_ENABLED before Great Expectations loads.
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig

from . import expectations as ex

DEFAULT_OUT = "target/quality"
SITE = "recall_gate"
RESULT_FIELDS = [
    "table",
    "partition",
    "check",
    "expectation",
    "column",
    "severity",
    "success",
    "observed_value",
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "mostly",
    "rule",
    "examples",
    "exception",
    "docs",
]


class UsageError(Exception):
    pass


# ------------------------------------------------------------------ landing folder
def parquet_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.parquet") if p.is_file())


def fingerprint(files: list[Path], root: Path) -> list:
    out = []
    for f in files:
        st = f.stat()
        out.append([str(f.relative_to(root)), st.st_size, st.st_mtime_ns])
    return out


def partitions(raw: Path) -> dict[str, Path]:
    events = raw / "events"
    if not events.is_dir():
        return {}
    out = {}
    for d in sorted(events.iterdir()):
        if d.is_dir() and d.name.startswith("dt="):
            out[d.name[3:]] = d
    return out


def _pandas_type(arrow_type):
    """Nullable pandas dtypes for booleans and integers, so a null does not turn
    them into object/float; strings stay pandas 3's Arrow-backed `str`."""
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_integer(arrow_type):
        return {
            8: pd.Int8Dtype(),
            16: pd.Int16Dtype(),
            32: pd.Int32Dtype(),
            64: pd.Int64Dtype(),
        }.get(arrow_type.bit_width)
    return None


def load_frame(files: list[Path]) -> pd.DataFrame:
    """The rows of some Parquet files as one DataFrame. Files whose schemas differ
    are unioned (a column missing from one file is null there; a column whose type
    differs between files becomes an object column and fails its type check)."""
    tables = [pq.ParquetFile(f).read() for f in files]
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        frames = [t.to_pandas(types_mapper=_pandas_type) for t in tables]
        return pd.concat(frames, ignore_index=True)
    del tables
    return table.to_pandas(types_mapper=_pandas_type, self_destruct=True, split_blocks=True)


def prepare(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns some expectations compare against."""
    if table == "events" and "event_at" in df and pd.api.types.is_datetime64_dtype(df["event_at"]):
        df[ex.SKEWED_EVENT_AT] = df["event_at"] - pd.Timedelta(minutes=ex.CLOCK_SKEW_MINUTES)
    return df


def partition_checks(day: str) -> list:
    """Events of partition dt=day were received on that UTC day (dt is the date of
    received_at, raw-contract.md)."""
    start = dt.datetime.fromisoformat(day)
    end = start + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return [
        ex._tag(
            gxe.ExpectColumnValuesToBeBetween(column="received_at", min_value=start, max_value=end),
            "events.received_at.in_partition_day",
            ex.WARN,
            "received_at falls on the partition's UTC day dt",
        )
    ]


# ------------------------------------------------------------------ state
def load_state(path: Path) -> dict:
    if path.is_file():
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError:
            pass
    return {"events": {}, "tables": {}}


def plan(
    raw: Path, state: dict, days: list[str], tables: list[str], force: bool
) -> tuple[list[tuple], list[str]]:
    """(table, partition or None, files, fingerprint) to validate, plus the
    tables that are absent."""
    todo, absent = [], []
    if "events" in tables:
        parts = partitions(raw)
        if days:
            missing = [d for d in days if d not in parts]
            if missing:
                raise UsageError(
                    f"no events partition {', '.join('dt=' + d for d in missing)} "
                    f"under {raw / 'events'}"
                )
            chosen = days
        else:
            chosen = list(parts)
            if not chosen:
                absent.append("events")
        for day in chosen:
            files = parquet_files(parts[day])
            fp = fingerprint(files, raw)
            if force or days or state["events"].get(day) != fp:
                todo.append(("events", day, files, fp))
    for table in tables:
        if table == "events":
            continue
        folder = raw / table
        files = parquet_files(folder) if folder.is_dir() else []
        if not files:
            absent.append(table)
            continue
        fp = fingerprint(files, raw)
        if force or state["tables"].get(table) != fp:
            todo.append((table, None, files, fp))
    return todo, absent


# ------------------------------------------------------------------ results
def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalars
        try:
            return value.item()
        except (ValueError, TypeError):
            pass
    return str(value)


def _column(kwargs: dict):
    if kwargs.get("column"):
        return kwargs["column"]
    if kwargs.get("column_list"):
        return ",".join(kwargs["column_list"])
    if kwargs.get("column_A"):
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    return None


def _exception(result) -> str | None:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return info.get("exception_message")
    messages = [
        v.get("exception_message")
        for v in info.values()
        if isinstance(v, dict) and v.get("raised_exception")
    ]
    return "; ".join(m for m in messages if m) or None


def records(table: str, partition: str | None, validation: Any, docs: str | None) -> list[dict]:
    """One result record (RESULT_FIELDS) per expectation of a GE validation result."""
    out = []
    for r in validation.results:
        cfg = r.expectation_config
        meta = cfg.meta or {}
        res = r.result or {}
        column = _column(cfg.kwargs)
        if column and ex.SKEWED_EVENT_AT in column:
            column = column.replace(ex.SKEWED_EVENT_AT, "event_at")
        exception = _exception(r)
        out.append(
            {
                "table": table,
                "partition": partition,
                "check": meta.get("check", cfg.type),
                "expectation": cfg.type,
                "column": column,
                "severity": (
                    meta.get("severity")
                    or ex.FROM_GX_SEVERITY.get(str(cfg.severity.value), "error")
                ),
                "success": bool(r.success),
                "observed_value": _jsonable(res.get("observed_value")),
                "element_count": _jsonable(res.get("element_count")),
                "unexpected_count": _jsonable(res.get("unexpected_count")),
                "unexpected_percent": _jsonable(res.get("unexpected_percent")),
                "mostly": cfg.kwargs.get("mostly"),
                "rule": meta.get("rule"),
                "examples": _jsonable((res.get("partial_unexpected_list") or [])[:5]),
                "exception": exception,
                "docs": docs,
            }
        )
    return out


def absent_record(table: str, raw: Path) -> dict:
    return {
        "table": table,
        "partition": None,
        "check": f"{table}.present",
        "expectation": "table_present",
        "column": None,
        "severity": ex.ERROR,
        "success": False,
        "observed_value": f"no Parquet files under {raw / table}",
        "element_count": 0,
        "unexpected_count": None,
        "unexpected_percent": None,
        "mostly": None,
        "rule": "every raw table is landed",
        "examples": [],
        "exception": None,
        "docs": None,
    }


# ------------------------------------------------------------------ data docs
_OFFLINE_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 1.5rem;
color:#222;line-height:1.4}
table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#f2f2f2}
.card{border:1px solid #ddd;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}
.text-danger,.fa-times{color:#b00020}.text-success,.fa-check-circle{color:#11772d}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;background:#eee}
.navbar,nav{margin:.5rem 0}img{max-height:2rem}
.col-md-2,.sidebar{display:none}
code,pre{background:#f6f6f6;padding:0 .2rem}
""".strip()

_EXTERNAL = r"""["']?(?:https?:)?//[^"')\s>]*["']?"""
_STRIP = [
    re.compile(r"<link\b[^>]*\bhref\s*=\s*" + _EXTERNAL + r"[^>]*>", re.I),
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*" + _EXTERNAL + r"[^>]*>\s*</script>", re.I),
    re.compile(r"@import\s+(?:url\()?\s*" + _EXTERNAL + r"\s*\)?\s*;?", re.I),
]
_SRC = re.compile(r"\s(?:src|srcset)\s*=\s*" + _EXTERNAL, re.I)
_URL = re.compile(r"url\(\s*" + _EXTERNAL + r"\s*\)", re.I)


def offline_html(text: str) -> str:
    """Strip every reference to an asset on the internet (CDN stylesheets, scripts,
    fonts, images) and inline a small stylesheet so the page stays readable."""
    for pattern in _STRIP:
        text = pattern.sub("", text)
    text = _SRC.sub("", text)
    text = _URL.sub("none", text)
    if "recall-gate-offline" not in text:
        style = f'<style id="recall-gate-offline">{_OFFLINE_CSS}</style>'
        text = re.sub(r"</head>", style + "</head>", text, count=1, flags=re.I)
    return text


def make_offline(docs: Path) -> None:
    for path in list(docs.rglob("*.html")) + list(docs.rglob("*.css")):
        text = path.read_text(encoding="utf-8")
        new = offline_html(text) if path.suffix == ".html" else _URL.sub("none", text)
        if new != text:
            path.write_text(new, encoding="utf-8")


def write_index(out: Path, run: dict, recs: list[dict]) -> None:
    failed = [r for r in recs if not r["success"]]
    rows = []
    for r in sorted(
        failed,
        key=lambda r: (r["severity"] != "error", r["table"], r["partition"] or "", r["check"]),
    ):
        link = f'<a href="{html.escape(r["docs"])}">page</a>' if r["docs"] else ""
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    r["severity"],
                    r["table"],
                    r["partition"] or "",
                    r["check"],
                    r["column"] or "",
                    r["unexpected_count"]
                    if r["unexpected_count"] is not None
                    else r["observed_value"],
                    r["exception"] or "",
                )
            )
            + f"<td>{link}</td></tr>"
        )
    pages = sorted({(r["table"], r["partition"] or "", r["docs"]) for r in recs if r["docs"]})
    page_items = "".join(
        f'<li><a href="{html.escape(d)}">{html.escape(t)} {html.escape(p)}</a></li>'
        for t, p, d in pages
    )
    body = (
        f"<h1>Landing gate</h1><p>Run {html.escape(run['run_id'])} on "
        f"{html.escape(run['raw_dir'])}: {len(recs)} expectations, {len(failed)} failed "
        f"({sum(r['severity'] == 'error' for r in failed)} error).</p>"
        "<h2>Failed expectations</h2><table><tr><th>severity</th><th>table</th>"
        "<th>partition</th><th>check</th><th>column</th><th>unexpected / observed</th>"
        "<th>exception</th><th>docs</th></tr>" + "".join(rows) + "</table>"
        f"<h2>Data Docs of this run</h2><ul>{page_items}</ul>"
        '<p><a href="docs/index.html">All Data Docs pages</a> · '
        '<a href="results.json">results.json</a></p>'
    )
    _write_page(out / "index.html", "Landing gate", body)
    # GE's own index page is filled in by JavaScript from a CDN; replace it by a
    # static list of every validation page in the site.
    docs = out / "docs"
    if docs.is_dir():
        pages = sorted(
            (p.relative_to(docs) for p in (docs / "validations").rglob("*.html")), reverse=True
        )
        items = "".join(
            f'<li><a href="{html.escape(p.as_posix())}">'
            f"{html.escape(p.parts[1])} {html.escape(p.parts[2])}</a></li>"
            for p in pages
            if len(p.parts) >= 4
        )
        _write_page(
            docs / "index.html",
            "Landing gate Data Docs",
            f"<h1>Landing gate Data Docs</h1><p>Validation pages, newest run first."
            f'</p><ul>{items}</ul><p><a href="../index.html">Latest run</a></p>',
        )


def _write_page(path: Path, title: str, body: str) -> None:
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_OFFLINE_CSS}</style></head><body>{body}</body></html>",
        encoding="utf-8",
    )


# ------------------------------------------------------------------ the run
def _context(docs: Path):
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for name in list(context.get_config().data_docs_sites or {}):
        context.delete_data_docs_site(name)
    context.add_data_docs_site(
        SITE,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


def _validate_batch(
    context,
    source,
    batch_definitions: dict,
    table: str,
    partition: str | None,
    files: list[Path],
    started: dt.datetime,
    run_id: str,
    log,
) -> list[dict]:
    """Run one table's (or events partition's) checkpoint; one batch record per validation
    result, still holding GE's identifier and validation for the docs and the records."""
    t0 = time.perf_counter()
    df = prepare(table, load_frame(files))
    t1 = time.perf_counter()
    if table not in batch_definitions:
        asset = source.add_dataframe_asset(table)
        batch_definitions[table] = asset.add_batch_definition_whole_dataframe(table)
    name = f"{table}" + (f"__{partition}" if partition else "")
    suite = ex.suite(table)
    suite.name = f"raw_{name}"
    if partition:
        for e in partition_checks(partition):
            suite.add_expectation(e)
    suite = context.suites.add(suite)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definitions[table], suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"gate__{name}",
            validation_definitions=[definition],
            actions=[],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
        )
    )
    result = checkpoint.run(
        batch_parameters={"dataframe": df},
        run_id=RunIdentifier(run_name=f"gate-{run_id}", run_time=started),
    )
    t2 = time.perf_counter()
    rows = len(df)
    del df
    log(
        f"gate: {table}{' dt=' + partition if partition else ''}: {rows} rows, "
        f"load {t1 - t0:.1f}s, validate {t2 - t1:.1f}s, "
        f"{'ok' if result.success else 'FAILED'}"
    )
    return [
        {
            "table": table,
            "partition": partition,
            "rows": rows,
            "files": len(files),
            "load_seconds": round(t1 - t0, 3),
            "validate_seconds": round(t2 - t1, 3),
            "_identifier": identifier,
            "_validation": validation,
        }
        for identifier, validation in result.run_results.items()
    ]


def _docs_link(context, identifier, out: Path) -> str | None:
    """The Data Docs page of one validation, relative to out."""
    urls = context.get_docs_sites_urls(
        resource_identifier=identifier, site_name=SITE, only_if_exists=False
    )
    if not (urls and urls[0].get("site_url")):
        return None
    page = Path(urllib.parse.unquote(urllib.parse.urlparse(urls[0]["site_url"]).path))
    return os.path.relpath(page, out)


def _validate_all(
    todo: list, out: Path, started: dt.datetime, run_id: str, log
) -> tuple[list[dict], list[dict], list[tuple], float]:
    """Validate every planned batch, build the Data Docs; (batches, records, validated
    (table, partition, fingerprint), seconds spent on the docs)."""
    docs = out / "docs"
    context = _context(docs)
    source = context.data_sources.add_pandas("raw")
    batch_definitions: dict = {}
    batches, validated = [], []
    for table, partition, files, fp in todo:
        batches += _validate_batch(
            context, source, batch_definitions, table, partition, files, started, run_id, log
        )
        validated.append((table, partition, fp))
    t3 = time.perf_counter()
    # No GE index: building it deletes the pages of earlier runs (the ephemeral
    # context does not know them) and it needs JavaScript from a CDN anyway;
    # write_index writes a static one.
    context.build_data_docs(site_names=[SITE], build_index=False)
    make_offline(docs)
    docs_seconds = time.perf_counter() - t3
    recs = []
    for b in batches:
        identifier = b.pop("_identifier")
        validation = b.pop("_validation")
        b["docs"] = _docs_link(context, identifier, out)
        recs.extend(records(b["table"], b["partition"], validation, b["docs"]))
    return batches, recs, validated, docs_seconds


def run(
    raw: Path,
    out: Path,
    days: list[str],
    tables: list[str],
    force: bool,
    log: Callable[[str], None] = print,
) -> tuple[int, dict]:
    """Validate what is new (or everything with force) under raw; write results.json,
    index.html, the Data Docs and state.json to out. Returns (exit code, run summary)."""
    if not raw.is_dir():
        raise UsageError(f"landing folder {raw} does not exist (set RECALL_RAW_DIR or --raw-dir)")
    out.mkdir(parents=True, exist_ok=True)
    state_path = out / "state.json"
    state = load_state(state_path)
    todo, absent = plan(raw, state, days, tables, force)
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    run_id = started.strftime("%Y%m%dT%H%M%S.%fZ")
    recs = [absent_record(t, raw) for t in absent]
    batches, validated, docs_seconds = [], [], 0.0
    if todo:
        batches, validated_recs, validated, docs_seconds = _validate_all(
            todo, out, started, run_id, log
        )
        recs.extend(validated_recs)
    else:
        log("gate: nothing new to validate")
    for table, partition, fp in validated:
        if partition:
            state["events"][partition] = fp
        else:
            state["tables"][table] = fp
    failed_errors = [r for r in recs if not r["success"] and r["severity"] == ex.ERROR]
    summary = {
        "run_id": run_id,
        "started_at": started.isoformat() + "Z",
        "raw_dir": str(raw),
        "great_expectations": gx.__version__,
        "validated": [{"table": t, "partition": p} for t, p, _ in validated],
        "batches": batches,
        "docs_seconds": round(docs_seconds, 3),
        "expectations": len(recs),
        "failed": sum(not r["success"] for r in recs),
        "failed_errors": len(failed_errors),
        "success": not failed_errors,
    }
    (out / "results.json").write_text(
        json.dumps({"run": summary, "results": recs}, indent=1, default=str)
    )
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    write_index(out, summary, recs)
    return (1 if failed_errors else 0), summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m recall.quality.gate",
        description="Validate newly landed raw data against the raw contract.",
    )
    p.add_argument(
        "--raw-dir",
        default=os.environ.get("RECALL_RAW_DIR", "data/raw"),
        help="landing root (default: $RECALL_RAW_DIR or data/raw)",
    )
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    p.add_argument(
        "--dt",
        action="append",
        default=[],
        metavar="YYYY-MM-DD",
        help="events partition to validate (repeatable); default: those not validated yet",
    )
    p.add_argument(
        "--tables", default=",".join(ex.TABLES), help="comma list of tables (default: all eight)"
    )
    p.add_argument("--all", action="store_true", help="validate everything again")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    tables = [t.strip() for t in a.tables.split(",") if t.strip()]
    unknown = [t for t in tables if t not in ex.TABLES]
    if unknown or not tables:
        p.error(f"unknown tables {unknown}; known: {', '.join(ex.TABLES)}")
    for d in a.dt:
        try:
            dt.date.fromisoformat(d)
        except ValueError:
            p.error(f"--dt {d!r} is not a date YYYY-MM-DD")
    log = (lambda *_: None) if a.quiet else (lambda m: print(m, file=sys.stderr))
    try:
        code, summary = run(
            Path(a.raw_dir).resolve(), Path(a.out).resolve(), a.dt, tables, a.all, log
        )
    except UsageError as e:
        print(f"gate: {e}", file=sys.stderr)
        return 2
    log(
        f"gate: {summary['expectations']} expectations, {summary['failed']} failed "
        f"({summary['failed_errors']} error); results in {Path(a.out) / 'results.json'}"
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
