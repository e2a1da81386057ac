"""Write the report: one self-contained HTML file of charts over the marts.

    python -m recall.report [--db $RECALL_PUBLISH_PATH] [--out target/report/index.html]

--db: the published DuckDB file (default $RECALL_PUBLISH_PATH, else
target/recall_published.duckdb; recall/publish.py) or a warehouse file:
either holds schema `marts`. It is opened read-only, so building the report
changes no mart and can run while BI tools read the same file.

The page opens offline and loads nothing: plotly.js (the plotly package's
bundled copy, charts drawn in the browser as SVG) is written inline, every
figure's data is inline JSON, and each chart's numbers are offered as a CSV
download through a data: link. Each chart names the mart(s) it reads and
states its definition in one line (recall/report/charts.py). After every
chart is drawn the page sets data-rendered="true" on <body> (the browser
test waits for it).

Exit code: 0 written; 1 the database is missing or has no marts; 2 usage.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import urllib.parse
from pathlib import Path

import duckdb
import plotly
from plotly.offline import get_plotlyjs

from recall.publish import DEFAULT_PUBLISH, PUBLISH_ENV
from recall.report.charts import CHARTS, SECTIONS, Chart

DEFAULT_OUT = "target/report/index.html"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { padding: 16px 32px; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 2px 0; color: #555; font-size: 14px; }
nav a { margin-right: 14px; font-size: 14px; }
main { padding: 0 32px 40px; }
section { margin-top: 28px; }
section h2 { font-size: 19px; border-bottom: 2px solid #4c78a8; padding-bottom: 4px; }
figure.chart { background: #fff; border: 1px solid #e3e3e3; margin: 16px 0; padding: 12px 16px; }
figure.chart h3 { margin: 0 0 4px; font-size: 16px; }
p.definition { margin: 0 0 8px; font-size: 13px; color: #444; }
p.definition code { background: #eef2f7; padding: 1px 4px; }
a.csv { font-size: 13px; }
"""

# Draws every figure from its inline JSON and marks the page rendered.
SCRIPT = """
(function () {
  var figures = document.querySelectorAll('script.figure');
  var drawn = [];
  figures.forEach(function (node) {
    var figure = JSON.parse(node.textContent);
    var target = document.getElementById(node.dataset.plot);
    drawn.push(Plotly.newPlot(target, figure.data, figure.layout,
      {displaylogo: false, responsive: true}));
  });
  Promise.all(drawn).then(function () {
    document.body.dataset.rendered = 'true';
  });
})();
"""


def default_db() -> str:
    return os.environ.get(PUBLISH_ENV) or DEFAULT_PUBLISH


def csv_link(chart: Chart) -> str:
    text = chart.data.to_csv(index=False)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(text)
    return (
        f'<a class="csv" download="{chart.chart_id}.csv" href="{href}">'
        f"Download the numbers (CSV, {len(chart.data)} rows)</a>"
    )


def chart_html(chart: Chart) -> str:
    marts = ", ".join(f"<code>{html.escape(m)}</code>" for m in chart.marts)
    figure = chart.figure.to_json().replace("</", "<\\/")
    return f"""
<figure class="chart" id="chart-{chart.chart_id}" data-marts="{" ".join(chart.marts)}">
  <h3>{html.escape(chart.title)}</h3>
  <p class="definition">Mart: {marts}. {html.escape(chart.definition)}</p>
  <div class="plot" id="plot-{chart.chart_id}"></div>
  <script type="application/json" class="figure" data-plot="plot-{chart.chart_id}">{figure}</script>
  {csv_link(chart)}
</figure>"""


def render(charts: list[Chart], source: str, as_of: str) -> str:
    by_section = {section: [c for c in charts if c.section == section] for section, _ in SECTIONS}
    nav = " ".join(f'<a href="#{sid}">{html.escape(title)}</a>' for sid, title in SECTIONS)
    body = "".join(
        f'<section id="{sid}"><h2>{html.escape(title)}</h2>'
        + "".join(chart_html(c) for c in by_section[sid])
        + "</section>"
        for sid, title in SECTIONS
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Recall warehouse report</title>
<style>{STYLE}</style>
<script>{get_plotlyjs()}</script>
</head>
<body>
<header>
  <h1>Recall warehouse report</h1>
  <p>Marts of {html.escape(source)}, data to {html.escape(as_of)}.
     Definitions: spec/metrics.md; every chart names the mart it reads.
     Charts: plotly {plotly.__version__}.</p>
  <nav>{nav}</nav>
</header>
<main>{body}</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


def build(db: Path, out: Path) -> list[Chart]:
    """Read the marts of db (read-only) and write the report to out."""
    if not db.exists():
        raise FileNotFoundError(f"report: no database at {db} (make build publishes one)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        has_marts = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()[0]
        if not has_marts:
            raise FileNotFoundError(f"report: {db} has no schema marts")
        charts = [make(con) for make in CHARTS]
        as_of = con.execute("select max(date_day) from marts.rpt_active_users_daily").fetchone()[0]
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(render(charts, db.name, str(as_of)), encoding="utf-8")
    os.replace(tmp, out)
    return charts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recall.report", description=__doc__)
    parser.add_argument("--db", default=default_db(), help="published DuckDB file or warehouse")
    parser.add_argument("--out", default=DEFAULT_OUT, help="HTML file to write")
    args = parser.parse_args(argv)
    try:
        charts = build(Path(args.db), Path(args.out))
    except (FileNotFoundError, duckdb.Error) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps({"report": args.out, "charts": len(charts), "db": args.db}))
    return 0
