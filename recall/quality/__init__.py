"""Data quality around the warehouse.

gate         `python -m recall.quality.gate`: a Great Expectations landing gate that
             validates each newly landed raw partition against raw-contract.md and
             writes offline Data Docs plus a result JSON (target/quality/).
expectations the expectation suites of the gate, one per raw table, with the
             severity of every expectation (error: the landing is unusable;
             warn: a defect the warehouse quarantines or repairs).
alerts       `python -m recall.quality.alerts`: turns failing dbt tests
             (run_results.json + manifest.json) and failed gate expectations into
             JSON-line alerts, optionally posted to a Slack-compatible webhook.
"""

import os

# Great Expectations would otherwise send usage analytics; the gate runs offline.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
