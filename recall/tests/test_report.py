"""The report (recall/report/) as a person sees it: built from the demo
warehouse, opened in real headless Chromium (Debian's chromium, installed by
scripts/setup_chromium.sh, driven by playwright without a browser download of
its own). The page must open from its file alone, with no console error and
no request outside that file, draw every chart, and plot the numbers of its
marts. One screenshot per section goes to target/report/screenshots/ of the
repository. dbt's docs site (dbt docs generate --static) must open in the
same browser the same way.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import math
import os
import re
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from recall.report.build import build
from recall.report.charts import CHARTS, SECTIONS, marts_read
from recall.tests.conftest import ROOT, query, run_dbt

pytestmark = pytest.mark.warehouse

CHROMIUM = os.environ.get("RECALL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "target" / "report" / "screenshots"

# Drawn marks of a plotly chart: lines, markers and bars as SVG paths with a
# shape, heatmaps as an image in the SVG.
DRAWN_MARKS = """(gd) => {
  const paths = Array.from(gd.querySelectorAll(
    'g.trace path.js-line, g.trace path.point, g.point path'));
  const shaped = paths.filter((p) => (p.getAttribute('d') || '').length > 2);
  const images = Array.from(gd.querySelectorAll('g.hm image'))
    .filter((i) => (i.getAttribute('href') || i.getAttribute('xlink:href') || '').length > 0);
  return shaped.length + images.length;
}"""

# The values each trace of a chart plots (plotly's full data: typed arrays
# decoded), as plain lists; NaN reads as null.
PLOTTED = """(id) => document.getElementById('plot-' + id)._fullData.map((t) => {
  const list = (a) => (a == null ? null : Array.from(a, (v) =>
    (v != null && typeof v === 'object' && v.length !== undefined ? Array.from(v) : v)));
  return {name: t.name, x: list(t.x), y: list(t.y), z: list(t.z),
          error_plus: t.error_x ? list(t.error_x.array) : null,
          error_minus: t.error_x ? list(t.error_x.arrayminus) : null};
})"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _close(a, b, tol: float = 1e-9) -> bool:
    def missing(v) -> bool:
        return v is None or (isinstance(v, float) and math.isnan(v))

    if missing(a) or missing(b):
        return missing(a) and missing(b)
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


@pytest.fixture(scope="module")
def report(built, tmp_path_factory):
    """The report built from the demo warehouse, with the warehouse file's
    digest before and after (read-only: it must not change)."""
    before = _digest(built)
    out = tmp_path_factory.mktemp("report") / "index.html"
    charts = build(built, out)
    return out, charts, before, _digest(built)


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/setup_chromium.sh (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


class Visit:
    """A page opened on a URL, recording console errors, page errors and
    every request; requests for anything but the local site (local: the URL
    or folder the page comes from; data: and blob: URLs the page makes
    itself) are recorded and refused, so a page that reaches out fails the
    test instead of waiting for a network. A console error is recorded with
    the URL it is about (a failed resource's URL)."""

    def __init__(self, browser, url: str, local: str):
        self.local = local
        self.errors: list[tuple[str, str]] = []
        self.outside: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append((f"pageerror: {e}", "")))
        self.page.route("**/*", self._route)
        self.page.on("request", self._request)
        self.page.goto(url)

    def _console(self, message):
        if message.type == "error":
            self.errors.append((message.text, (message.location or {}).get("url", "")))

    def _is_local(self, url: str) -> bool:
        return url.startswith(self.local) or url.startswith(("data:", "blob:"))

    def _route(self, route):
        if self._is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def _request(self, request):
        if not self._is_local(request.url):
            self.outside.append(request.url)


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """folder served over HTTP on 127.0.0.1, as `dbt docs serve` serves the
    docs site; yields its base URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):  # quiet: the test reports what matters
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_browser_checks_see_each_fault(browser, tmp_path):
    # An outside request, a console error and an uncaught exception: each is
    # what the checks of the pages below must catch.
    page = tmp_path / "faulty.html"
    page.write_text(
        '<html><body><img src="http://example.invalid/pixel.png">'
        "<script>console.error('boom');"
        "setTimeout(() => { throw new Error('late'); }, 0);</script>"
        "</body></html>"
    )
    url = page.resolve().as_uri()
    visit = Visit(browser, url, local=url)
    visit.page.wait_for_timeout(300)
    assert visit.outside == ["http://example.invalid/pixel.png"]
    texts = [text for text, _ in visit.errors]
    assert "boom" in texts and "pageerror: late" in texts
    visit.page.close()


def test_building_the_report_changes_no_mart(report):
    _, charts, before, after = report
    assert len(charts) == len(CHARTS) == 17
    assert after == before


@pytest.fixture(scope="module")
def opened(report, browser) -> Visit:
    """The report open in the browser, every chart drawn."""
    out, _, _, _ = report
    url = out.resolve().as_uri()
    visit = Visit(browser, url, local=url)
    visit.page.wait_for_selector("body[data-rendered=true]", timeout=30_000)
    yield visit
    visit.page.close()


def test_the_report_opens_offline_and_draws_every_chart(report, opened):
    _, charts, _, _ = report
    page = opened.page
    figures = page.locator("figure.chart")
    assert figures.count() == len(charts)
    for chart in charts:
        figure = page.locator(f"#chart-{chart.chart_id}")
        # names its mart(s) and states its definition
        definition = figure.locator("p.definition").inner_text()
        for mart in chart.marts:
            assert mart in definition, chart.chart_id
        assert len(definition) > 40
        # drawn: the chart's SVG holds shaped marks
        drawn = page.locator(f"#plot-{chart.chart_id}").evaluate(DRAWN_MARKS)
        assert drawn > 0, f"{chart.chart_id}: nothing drawn"
        # its numbers as CSV: the table the chart plots, header and rows
        href = figure.locator("a.csv").get_attribute("href")
        assert href.startswith("data:text/csv")
        lines = urllib.parse.unquote(href.split(",", 1)[1]).splitlines()
        assert lines[0].split(",") == list(chart.data.columns), chart.chart_id
        assert len(lines) == len(chart.data) + 1 > 1, chart.chart_id

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for section, _ in SECTIONS:
        shot = SCREENSHOTS / f"{section}.png"
        page.locator(f"section#{section}").screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000, section
    assert opened.errors == []
    assert opened.outside == []


def test_an_empty_chart_counts_as_not_drawn(opened):
    # The drawn-marks check on a chart plotted without data, in the report's
    # own page (its plotly.js): nothing drawn; with two points, drawn.
    page = opened.page
    counts = page.evaluate(
        """async (count) => {
          const empty = document.createElement('div');
          const full = document.createElement('div');
          document.body.append(empty, full);
          await Plotly.newPlot(empty, [], {});
          await Plotly.newPlot(full, [{x: [1, 2], y: [3, 4]}], {});
          const counts = [eval(count)(empty), eval(count)(full)];
          empty.remove();
          full.remove();
          return counts;
        }""",
        DRAWN_MARKS,
    )
    assert counts[0] == 0 and counts[1] > 0


@pytest.fixture(scope="module")
def plotted(report, opened):
    """chart id -> the traces its page plots."""
    _, charts, _, _ = report
    return {c.chart_id: opened.page.evaluate(PLOTTED, c.chart_id) for c in charts}


def _trace(traces: list[dict], name: str) -> dict:
    [trace] = [t for t in traces if t["name"] == name]
    return trace


def test_dau_plotted_is_the_mart(plotted, built):
    rows = query(
        built,
        "select strftime(date_day, '%Y-%m-%d'), dau, mau, stickiness"
        " from marts.rpt_active_users_daily order by date_day",
    )
    assert len(rows) > 30
    dau = _trace(plotted["active_users"], "DAU")
    assert [x[:10] for x in dau["x"]] == [r[0] for r in rows]
    assert dau["y"] == [r[1] for r in rows]
    assert _trace(plotted["active_users"], "MAU")["y"] == [r[2] for r in rows]
    stickiness = _trace(plotted["active_users"], "stickiness (DAU ÷ MAU)")["y"]
    assert all(_close(a, r[3]) for a, r in zip(stickiness, rows, strict=True))


def test_campaign_lifts_plotted_are_the_mart(plotted, built):
    rows = query(
        built,
        "select campaign_id || ' / ' || variant_id, absolute_lift,"
        " absolute_lift_ci_lower, absolute_lift_ci_upper"
        " from marts.rpt_campaign_incrementality order by campaign_id, variant_id",
    )
    assert len(rows) >= 4
    [forest] = plotted["campaign_lift"]
    assert forest["y"] == [r[0] for r in rows]
    for x, plus, minus, (_, lift, lower, upper) in zip(
        forest["x"], forest["error_plus"], forest["error_minus"], rows, strict=True
    ):
        assert _close(x, lift)
        assert _close(x + plus, upper) and _close(x - minus, lower)


def test_cohort_heatmap_plots_pooled_complete_cells(plotted, built):
    # Pooled by summing counts over the complete cells of each Monday week
    # (metrics.md §3), worked out here in Python from the mart's rows.
    rows = query(
        built,
        "select registration_date, day_n, cohort_size, retained_on_day_n"
        " from marts.rpt_cohort_retention where is_complete",
    )
    sums: dict[tuple[str, int], list[int]] = {}
    for day, n, size, retained in rows:
        week = day.fromordinal(day.toordinal() - day.weekday()).isoformat()
        cell = sums.setdefault((week, n), [0, 0])
        cell[0] += size
        cell[1] += retained
    [heatmap] = plotted["cohort_heatmap"]
    weeks = heatmap["y"]
    days = [int(label.removeprefix("day ")) for label in heatmap["x"]]
    assert weeks == sorted({week for week, _ in sums})
    assert days == [1, 3, 7, 14, 30]
    for i, week in enumerate(weeks):
        for j, n in enumerate(days):
            size, retained = sums.get((week, n), (0, 0))
            expected = retained / size if size else None
            assert _close(heatmap["z"][i][j], expected), (week, n)
    # the latest weeks have no complete day-30 cell: drawn blank, not 0
    assert math.isnan(heatmap["z"][-1][-1])


def test_growth_accounting_plotted_is_the_mart(plotted, built):
    rows = query(
        built,
        "select new_users, churned_users, quick_ratio"
        " from marts.rpt_growth_accounting_monthly order by month_start",
    )
    traces = plotted["growth_accounting"]
    assert _trace(traces, "new")["y"] == [r[0] for r in rows]
    assert _trace(traces, "churned (−)")["y"] == [-r[1] for r in rows]
    ratio = _trace(traces, "quick ratio")["y"]
    assert all(_close(a, r[2]) for a, r in zip(ratio, rows, strict=True))
    # quick ratio = (new + resurrected) / churned, from the bars themselves
    resurrected = _trace(traces, "resurrected")["y"]
    for new, res, churned, q in zip(
        _trace(traces, "new")["y"], resurrected, [r[1] for r in rows], ratio, strict=True
    ):
        if churned:
            assert _close(q, (new + res) / churned)


def test_the_exposure_lists_every_mart_the_report_reads():
    exposures = yaml.safe_load((ROOT / "models" / "exposures" / "report.yml").read_text())
    [report] = exposures["exposures"]
    refs = sorted(re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in report["depends_on"])
    assert refs == marts_read()
    assert len(refs) == 14


# dbt-docs' own page asks its server for three URLs that are unrendered
# templates of its build (an Angular `{{ getIcon(...) }}` image source before
# the app compiles it, and the favicon's webpack `${require(...)}`): they 404
# under any server and show nothing missing. Only these may fail.
DBT_DOCS_TEMPLATE_URL = re.compile(r"/(%7B%7B|\$%7Brequire\()")


@pytest.fixture(scope="module")
def docs_site(demo, built, workdir) -> Path:
    raw, _ = demo
    work = workdir / "docs"
    run_dbt(["docs", "generate"], raw, built, work)
    return work / "target"


def test_dbt_docs_open_offline_in_the_browser(docs_site, browser):
    manifest = json.loads((docs_site / "manifest.json").read_text())
    exposure = manifest["exposures"]["exposure.recall.growth_report"]
    assert sorted(n.rsplit(".", 1)[1] for n in exposure["depends_on"]["nodes"]) == marts_read()

    with served(docs_site) as base:
        visit = Visit(browser, base + "index.html#!/exposure/exposure.recall.growth_report", base)
        page = visit.page
        page.get_by_text("Growth report (HTML)").first.wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
        # the exposure's page lists what it depends on
        assert "rpt_active_users_daily" in page.locator("body").inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dbt_docs_exposure.png"))
        page.close()
    errors = [
        (text, url)
        for text, url in visit.errors
        if not (text.startswith("Failed to load resource") and DBT_DOCS_TEMPLATE_URL.search(url))
    ]
    assert errors == []
    assert visit.outside == []
