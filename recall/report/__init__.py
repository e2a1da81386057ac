"""The growth team's report: one self-contained HTML page of charts over the
published marts (recall.report.build; run it with python -m recall.report)."""
