"""Every ruling and metrics section the code cites exists in docs/, the
in-repository copy of the definitions the code relies on."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = ["models", "macros", "tests", "seeds", "analyses", "recall"]
SUFFIXES = {".sql", ".yml", ".py", ".md", ".csv"}


def _code_files() -> list[Path]:
    return [
        path
        for folder in CODE
        for path in (ROOT / folder).rglob("*")
        if path.suffix in SUFFIXES and path.is_file()
    ]


def _cited(pattern: str) -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for path in _code_files():
        for match in re.finditer(pattern, path.read_text()):
            cited.setdefault(match.group(1), set()).add(str(path.relative_to(ROOT)))
    return cited


def rulings_defined() -> set[str]:
    text = (ROOT / "docs" / "rulings.md").read_text()
    return set(re.findall(r"^(R\d+[a-z]?)\.", text, flags=re.MULTILINE))


def metrics_sections_defined() -> set[str]:
    text = (ROOT / "docs" / "metrics.md").read_text()
    return set(re.findall(r"^## (\d+)\.", text, flags=re.MULTILINE))


def test_the_docs_define_rulings_and_sections():
    # A parse that finds nothing would make the checks below vacuous.
    assert {"R1", "R7", "R40b", "R46"} <= rulings_defined()
    assert {"1", "6"} <= metrics_sections_defined()


def test_every_cited_ruling_is_in_the_docs():
    cited = _cited(r"\b(R\d+[a-z]?)\b")
    assert len(cited) >= 40, sorted(cited)
    missing = {
        ruling: sorted(files) for ruling, files in cited.items() if ruling not in rulings_defined()
    }
    assert not missing, missing


def test_every_cited_metrics_section_is_in_the_docs():
    cited = _cited(r"metrics\.md §(\d+)")
    assert cited
    missing = {
        section: sorted(files)
        for section, files in cited.items()
        if section not in metrics_sections_defined()
    }
    assert not missing, missing
