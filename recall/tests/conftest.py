"""Shared fixtures: generate a demo landing folder once, build the warehouse
on it once, and run dbt against other landing folders when a test needs to."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

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
        [
            sys.executable,
            "-m",
            "recall.generator",
            "--out",
            str(out),
            "--users",
            str(users),
            "--days",
            str(days),
            "--seed",
            str(seed),
            "--quiet",
            *extra,
        ],
        cwd=ROOT,
        check=True,
    )
    return json.loads((out / "_truth.json").read_text())


# (project, landing root, warehouse file) as run_dbt passes them -> the parse a run
# with those values left behind. See run_dbt.
_PARSES: dict[tuple[str, str, str], Path] = {}


def _inside(path: Path, folder: Path) -> str:
    """path relative to folder when it lies inside it, else absolute."""
    rel = os.path.relpath(path, folder)
    return str(Path(path).resolve()) if rel.startswith("..") else rel


def run_dbt(
    args: list[str],
    raw_dir: Path,
    db_path: Path,
    work: Path,
    check: bool = True,
    project: Path = ROOT,
    target: str = "duckdb",
    env: dict | None = None,
) -> subprocess.CompletedProcess:
    """Run dbt in the project with its own landing root, warehouse file and
    target folder; on failure with check=True, show dbt's output.

    dbt runs in `work`. A landing root or warehouse file inside `work` is
    given relative to it, so runs laid out alike (the quality worlds: raw/
    and w.duckdb in each world's folder) render the same profile and
    sources, and a new target folder starts from the partial-parse file of
    an earlier such run, as a user's target/ does from one run to the next:
    dbt checks that file against the project, profile, vars and env vars and
    parses anew whatever differs, so it changes no result, only saves the
    full parse (about 10 s of each run here). Paths outside `work` stay
    absolute: the staging views keep the landing root as given, and a
    warehouse copied elsewhere must still find it. `project`: the project
    folder, ROOT unless a test builds a modified copy. `target`: the
    profile's target (duckdb unless a test builds on another engine);
    `env`: more environment variables (that engine's connection)."""
    work.mkdir(parents=True, exist_ok=True)
    raw_rel = _inside(raw_dir, work)
    db_rel = _inside(db_path, work)
    env = dict(os.environ, **(env or {}), RECALL_RAW_DIR=raw_rel, RECALL_DB_PATH=db_rel)
    parse = work / "target" / "partial_parse.msgpack"
    earlier = _PARSES.get((str(project), raw_rel, db_rel))
    if not parse.exists() and earlier is not None and earlier.exists():
        parse.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(earlier, parse)
    proc = subprocess.run(
        [
            str(DBT),
            *args,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project / "profiles"),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
            *(["--target", target] if target != "duckdb" else []),
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    if parse.exists():
        _PARSES.setdefault((str(project), raw_rel, db_rel), parse)
    if check and proc.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return proc


def run_pipeline(work: Path, *args: str) -> subprocess.CompletedProcess:
    """python -m recall.pipeline in the folder work, on its landing raw/, its
    warehouse w.duckdb and its published file bi/published.duckdb."""
    env = dict(
        os.environ,
        RECALL_RAW_DIR="raw",
        RECALL_DB_PATH="w.duckdb",
        RECALL_PUBLISH_PATH="bi/published.duckdb",
        DBT_PROFILES_DIR=str(ROOT / "profiles"),
        DBT_PROJECT_DIR=str(ROOT),
        DBT_LOG_PATH=str(work / "logs"),
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(
        [sys.executable, "-m", "recall.pipeline", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )


def query(db_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------ the warehouse marker
# Tests that run dbt (build, compile or list the project) or generate demo
# worlds take minutes; they carry @pytest.mark.warehouse (registered in
# pyproject.toml), so that `pytest -m "not warehouse"` runs the unit tests
# alone in seconds. A test that does either without the mark fails the
# collection: through a warehouse fixture, or by calling run_dbt / generate /
# recall.generator / benchmark.dbt_executable (or running
# `python -m recall.generator`) from its body, a fixture or a function of its
# module, followed call by call.
WAREHOUSE_FIXTURES = frozenset({"workdir", "demo", "built", "demo_build"})
GENERATOR_MODULE = "recall.generator"


def _warehouse_helpers() -> tuple:
    from recall.benchmark import dbt_executable
    from recall.generator.generate import generate as generate_in_process

    return (run_dbt, generate, dbt_executable, generate_in_process)


def needs_warehouse(func, helpers: tuple | None = None, seen: set | None = None) -> bool:
    """Whether func runs dbt or the generator: calls one of the helpers or names
    the generator module in a string (a subprocess), directly or through
    functions of its own module (closures and nested functions included)."""
    helpers = _warehouse_helpers() if helpers is None else helpers
    seen = set() if seen is None else seen
    code = getattr(func, "__code__", None)
    if code is None or code in seen:
        return False
    seen.add(code)
    modules = [m for m in func.__globals__.values() if isinstance(m, ModuleType)]
    codes = [code]
    while codes:
        c = codes.pop()
        codes.extend(k for k in c.co_consts if hasattr(k, "co_names"))
        if GENERATOR_MODULE in c.co_consts:
            return True
        for name in c.co_names:
            target = func.__globals__.get(name)
            if any(
                target is h or any(getattr(m, name, None) is h for m in modules) for h in helpers
            ):
                return True
            if (
                callable(target)
                and getattr(target, "__module__", None) == func.__module__
                and needs_warehouse(target, helpers, seen)
            ):
                return True
    return False


def _needs_mark(item) -> bool:
    if WAREHOUSE_FIXTURES & set(item.fixturenames):
        return True
    funcs = [item.function]
    info = getattr(item, "_fixtureinfo", None)
    for name in item.fixturenames:
        for fixturedef in (info.name2fixturedefs.get(name) or ()) if info else ():
            funcs.append(fixturedef.func)
    return any(needs_warehouse(f) for f in funcs)


# Seconds each slow file took in a full run of the suite (junit times of
# 2026-12-07, two processes on the 2-core machine). make pytest hands whole
# files to its processes in collection order (--dist loadfile
# --no-loadscope-reorder), so the slowest go first and no long file starts
# last, alone; the files not listed (each under a minute) follow in their
# usual order and fill the gaps.
SLOW_FILES = {
    "test_engines.py": 1567,
    "test_warehouse_quality.py": 1343,
    "test_warehouse_incremental.py": 963,
    "test_warehouse_bad_input.py": 754,
    "test_lifecycle_state_added.py": 205,
    "test_warehouse_landing.py": 158,
    "test_statistics_macros.py": 155,
    "test_publish.py": 154,
    "test_quality_check_added.py": 130,
    "test_generator.py": 115,
    "test_benchmark.py": 103,
    "test_alerts.py": 99,
    "test_warehouse_vars.py": 97,
    "test_channel_registry.py": 93,
    # Not in that run; its own time measured alone, about 60 s.
    "test_report.py": 90,
    # Not in that run either: 120 s and 40-70 s alone on a busy machine.
    "test_warehouse_arm_comparisons.py": 120,
    "test_warehouse_uplift.py": 70,
}


def slowest_first(items: list) -> None:
    """Order the items by their file's time in SLOW_FILES, slowest first;
    a stable sort, so each file keeps its tests' order."""
    items.sort(key=lambda item: -SLOW_FILES.get(item.path.name, 0))


def pytest_collection_modifyitems(config, items):
    slowest_first(items)
    missing = [
        item.nodeid
        for item in items
        if item.get_closest_marker("warehouse") is None and _needs_mark(item)
    ]
    if missing:
        raise pytest.UsageError(
            "these tests run dbt or the generator but are not marked "
            "@pytest.mark.warehouse:\n  " + "\n  ".join(missing)
        )


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("warehouse")


def shared_once(tmp_path_factory, name: str, make) -> Path:
    """The folder `name`, made by make(folder) once per test run however many
    xdist workers need it: the first worker to ask makes it under a lock
    while the others wait, and later ones find it done. Its content must be
    read only (copy what a test changes). A failed make leaves no marker, so
    the next worker tries again and fails the same way."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"shared_{name}"
    with open(root / f"shared_{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (folder / ".made").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                make(folder)
                (folder / ".made").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


def _make_demo(folder: Path) -> None:
    generate(folder / "raw_demo", **DEMO)
    run_dbt(["build"], folder / "raw_demo", folder / "full.duckdb", folder / "full")


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Path:
    """The demo landing folder and the warehouse built from scratch on it,
    made once per run and shared by the workers (read only)."""
    return shared_once(tmp_path_factory, "demo", _make_demo)


@pytest.fixture(scope="session")
def demo(demo_build) -> tuple[Path, dict]:
    """The demo landing folder (shared: read only) and its planted truth."""
    raw = demo_build / "raw_demo"
    return raw, json.loads((raw / "_truth.json").read_text())


@pytest.fixture(scope="session")
def built(demo_build, workdir) -> Path:
    """This worker's copy of the warehouse built from scratch on the demo
    landing folder (tests may open it read-write); its dbt target folder is
    workdir/full/target (shared: read only)."""
    db = workdir / "full.duckdb"
    shutil.copy2(demo_build / "full.duckdb", db)
    (workdir / "full").symlink_to(demo_build / "full")
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


def copy_project(dst: Path) -> Path:
    """A copy of the dbt project (without git, virtual environment, build
    output or warehouse files) at dst, for tests that change the project
    itself, as a fork would, and build it with run_dbt(project=dst)."""
    shutil.copytree(
        ROOT,
        dst,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "target",
            "logs",
            "data",
            "__pycache__",
            ".pytest_cache",
            "dbt_packages",
            "*.duckdb",
        ),
    )
    return dst
