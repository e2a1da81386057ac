"""One registry of channels (the dbt var `channels`) and one list of lifecycle
states (recall_lifecycle_states()): a channel added in one place, the registry
in dbt_project.yml of a copy of the project, reaches the SQL triage and
accepted values, the default costs, the var checks and the landing gate; the
generic tests that replace the hard-coded accepted_values lists fail on a
value outside the registry or the states.

The world is small (400 users x 20 days, no defects) and dbt builds only what
the assertions read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from recall.quality.gate import main as gate_main
from recall.tests.conftest import copy_project, generate

pytestmark = pytest.mark.warehouse

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"

# The fake channel: its click opens the app, default price 0.25, no
# reachability column. It is written once, into the registry.
FAKE = (
    "      fax:\n"
    "        opens_app: true\n"
    "        cost_per_send: 0.25\n"
    "        reachability: false\n"
    "        description: Fax\n"
)
FAKE_SENDS = 5  # sends of the landing rewritten to channel fax

# A seed for the generic tests, one column per test: each column holds one
# value the test must reject (zombie, active, telex, phone: phone is a
# registry channel whose click does not open the app).
PROBE_CSV = """probe_id,lifecycle_state,peak_state,channel,clicked_channel
1,new,silent,push,push
2,churned,churned,fax,fax
3,zombie,active,telex,phone
4,active,silent,,email
"""
PROBE_YML = """version: 2
seeds:
  - name: registry_probe
    columns:
      - name: lifecycle_state
        data_tests: [recall_accepted_lifecycle_states]
      - name: peak_state
        data_tests:
          - recall_accepted_lifecycle_states:
              arguments:
                inactivity_only: true
      - name: channel
        data_tests: [recall_accepted_channels]
      - name: clicked_channel
        data_tests:
          - recall_accepted_channels:
              arguments:
                opens_app: true
"""


def add_fake_channel(project: Path) -> None:
    """The one edit: an entry in the registry of dbt_project.yml."""
    path = project / "dbt_project.yml"
    text = path.read_text()
    anchor = "\n    channels:\n"
    assert text.count(anchor) == 1, "dbt_project.yml has no channel registry (var channels)"
    path.write_text(text.replace(anchor, anchor + FAKE))


def run_dbt(
    project: Path, args: list[str], raw: Path, db: Path, check: bool = True
) -> subprocess.CompletedProcess:
    env = dict(os.environ, RECALL_RAW_DIR=str(raw), RECALL_DB_PATH=str(db))
    proc = subprocess.run(
        [
            str(DBT),
            *args,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project / "profiles"),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and proc.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return proc


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A copy of the project with the fake channel and the probe seed, and a
    clean landing whose first FAKE_SENDS sends go out by fax."""
    base = tmp_path_factory.mktemp("channels")
    project = base / "project"
    copy_project(project)
    add_fake_channel(project)
    probe = project / "seeds" / "probe"
    probe.mkdir()
    (probe / "registry_probe.csv").write_text(PROBE_CSV)
    (probe / "_probe__seeds.yml").write_text(PROBE_YML)

    raw = base / "raw"
    generate(raw, 400, 20, 3, "--no-expected", "--defects", "none")
    [sends_file] = (raw / "message_sends").glob("*.parquet")
    sends = pq.read_table(sends_file)
    assert sends.num_rows > FAKE_SENDS
    position = pc.less(pa.array(range(sends.num_rows)), FAKE_SENDS)
    channel = pc.if_else(position, "fax", sends["channel"])
    sends = sends.set_column(
        sends.schema.get_field_index("channel"), sends.schema.field("channel"), channel
    )
    pq.write_table(sends, sends_file)
    return project, raw, base


@pytest.fixture(scope="module")
def built(world):
    """The copy built as far as the assertions read, with fax given
    qualifying callbacks (the run-start var checks accept them); the probe's
    tests fail (on purpose), so dbt's exit code is not checked."""
    project, raw, base = world
    db = base / "w.duckdb"
    proc = run_dbt(
        project,
        [
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--indirect-selection",
            "cautious",
            "--vars",
            "{qualifying_touches: {fax: [delivered], push: [opened]}}",
            "--select",
            "registry_probe",
            "int_channels_registered",
            "+int_message_sends_triaged",
            "+int_campaign_variants_triaged",
            "+int_message_clicks_followed",
        ],
        raw,
        db,
        check=False,
    )
    results_file = project / "target" / "run_results.json"
    if not results_file.exists():
        pytest.fail(f"dbt build did not run:\n{proc.stdout[-4000:]}")
    results = json.loads(results_file.read_text())
    assert results["results"], proc.stdout[-4000:]
    assert results["results"][0]["unique_id"] == "operation.recall.recall-on-run-start-0"
    assert results["results"][0]["status"] == "success", proc.stdout[-4000:]
    return db, {r["unique_id"]: r for r in results["results"]}, proc


def compiled(project: Path, name: str) -> str:
    [path] = (project / "target" / "compiled").rglob(f"{name}.sql")
    return path.read_text()


def test_triage_accepts_the_new_channel(world, built):
    project, _, _ = world
    db, results, proc = built
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            select row_status, count(*) from intermediate.int_message_sends_triaged
            where channel = 'fax' group by row_status""").fetchall()
    assert rows == [("clean", FAKE_SENDS)], proc.stdout[-4000:]
    # the accepted lists of both triage models and of the clicks followed
    # (the registry's order: fax was written first)
    for model in ("int_message_sends_triaged", "int_campaign_variants_triaged"):
        assert (
            "not in (\n                    'fax', 'push', 'sms', 'email', "
            "'in_app', 'phone', 'mail'\n"
        ) in compiled(project, model), model
    assert "channel in (\n            'fax', 'push', 'sms', 'email', 'in_app'\n" in compiled(
        project, "int_message_clicks_followed"
    )


def test_default_cost_of_the_new_channel(built):
    db, _, _ = built
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            select channel, cost_per_send, description
            from intermediate.int_channels_registered order by channel""").fetchall()
        [(cost_type,)] = con.execute("""
            select data_type from information_schema.columns
            where table_name = 'int_channels_registered'
              and column_name = 'cost_per_send'""").fetchall()
    assert rows == [
        ("email", Decimal("0.0010"), "E-mail"),
        ("fax", Decimal("0.2500"), "Fax"),
        ("in_app", Decimal("0.0000"), "In-app message"),
        ("mail", Decimal("0.5000"), "Postal mail"),
        ("phone", Decimal("1.5000"), "Outbound phone call"),
        ("push", Decimal("0.0010"), "Push notification"),
        ("sms", Decimal("0.0500"), "SMS"),
    ]
    assert cost_type == "DECIMAL(18,4)"


def test_generic_tests_reject_values_outside_the_registry_and_the_states(built):
    _, results, proc = built
    probe = {
        uid.split(".")[2]: r
        for uid, r in results.items()
        if uid.startswith("test.") and "registry_probe" in uid
    }
    assert len(probe) == 4, proc.stdout[-4000:]
    # one bad row each: zombie, active (not an inactivity state), telex,
    # phone (its click does not open the app); fax and nulls pass
    assert {name: (r["status"], r["failures"]) for name, r in probe.items()} == {
        "recall_accepted_lifecycle_states_registry_probe_lifecycle_state": ("fail", 1),
        "recall_accepted_lifecycle_states_registry_probe_peak_state__True": ("fail", 1),
        "recall_accepted_channels_registry_probe_channel": ("fail", 1),
        "recall_accepted_channels_registry_probe_clicked_channel__True": ("fail", 1),
    }
    # the published columns' tests built here pass with fax among the channels
    clicks = [
        r
        for uid, r in results.items()
        if uid.startswith("test.recall.recall_accepted_channels_int_message_clicks")
    ]
    assert [r["status"] for r in clicks] == ["pass"]


def test_var_checks_follow_the_registry(world, built):
    # accepted: fax in qualifying_touches (the build above); refused: a
    # channel outside the registry, the message listing the registry
    project, raw, base = world
    db = base / "ops.duckdb"
    proc = run_dbt(
        project,
        [
            "run-operation",
            "validate_recall_vars",
            "--vars",
            "{qualifying_touches: {telex: [delivered]}}",
        ],
        raw,
        db,
        check=False,
    )
    assert proc.returncode != 0
    assert (
        "Invalid value for var 'qualifying_touches': expected channels among "
        "fax, push, sms, email, in_app, phone, mail (var channels), "
        'received "telex".'
    ) in proc.stdout


def test_gate_follows_the_registry(world):
    project, raw, base = world
    # the copy's gate accepts fax
    out = base / "gate_copy"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "recall.quality.gate",
            "--raw-dir",
            str(raw),
            "--out",
            str(out),
            "--quiet",
            "--tables",
            "message_sends",
        ],
        cwd=project,
        check=True,
    )
    copy_results = json.loads((out / "results.json").read_text())["results"]
    [copy_check] = [r for r in copy_results if r["check"] == "message_sends.channel.allowed_values"]
    assert copy_check["success"], copy_check
    assert "fax" in copy_check["rule"]
    # this project's gate, without fax in its registry, flags the fax sends
    out = base / "gate_root"
    assert (
        gate_main(
            ["--raw-dir", str(raw), "--out", str(out), "--quiet", "--tables", "message_sends"]
        )
        == 0
    )
    root_results = json.loads((out / "results.json").read_text())["results"]
    [root_check] = [r for r in root_results if r["check"] == "message_sends.channel.allowed_values"]
    assert not root_check["success"]
    assert root_check["unexpected_count"] == FAKE_SENDS
