"""Shared fixtures: generate a demo landing folder once, build the warehouse
on it once, and run dbt against other landing folders when a test needs to."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"

# One small world, built once per test run: big enough for every campaign arm
# and defect class to appear, small enough to build in well under a minute.
DEMO = dict(users=3000, days=75, seed=11)


def generate(out: Path, users: int, days: int, seed: int, *extra: str) -> dict:
    """Run the generator CLI and return the planted truth it wrote."""
    subprocess.run(
        [sys.executable, "-m", "recall.generator", "--out", str(out),
         "--users", str(users), "--days", str(days), "--seed", str(seed),
         "--quiet", *extra],
        cwd=ROOT, check=True)
    return json.loads((out / "_truth.json").read_text())


def run_dbt(args: list[str], raw_dir: Path, db_path: Path, work: Path,
            check: bool = True) -> subprocess.CompletedProcess:
    """Run dbt in the project with its own landing root, warehouse file and
    target folder; on failure with check=True, show dbt's output."""
    env = dict(os.environ, RECALL_RAW_DIR=str(raw_dir),
               RECALL_DB_PATH=str(db_path))
    work.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(DBT), *args, "--project-dir", str(ROOT),
         "--profiles-dir", str(ROOT / "profiles"),
         "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")],
        cwd=ROOT, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}"
                    f"\n{proc.stderr[-2000:]}")
    return proc


def query(db_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("warehouse")


@pytest.fixture(scope="session")
def demo(workdir) -> tuple[Path, dict]:
    """The demo landing folder and its planted truth."""
    raw = workdir / "raw_demo"
    truth = generate(raw, **DEMO)
    return raw, truth


@pytest.fixture(scope="session")
def built(demo, workdir) -> Path:
    """The warehouse built from scratch on the demo landing folder."""
    raw, _ = demo
    db = workdir / "full.duckdb"
    run_dbt(["build"], raw, db, workdir / "full")
    return db


def copy_landing(src: Path, dst: Path, skip: tuple[str, ...] = ()) -> Path:
    """A copy of a landing folder (events linked, not copied) without some
    tables, for tests that damage one table."""
    dst.mkdir(parents=True)
    for child in src.iterdir():
        if child.name in skip:
            continue
        if child.is_dir() and child.name == "events":
            (dst / "events").symlink_to(child)
        elif child.is_dir():
            shutil.copytree(child, dst / child.name)
        else:
            shutil.copy2(child, dst / child.name)
    return dst
