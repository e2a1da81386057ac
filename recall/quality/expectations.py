"""Expectation suites of the landing gate: raw-contract.md, one suite per raw table.

Severity of a failure (Great Expectations' own `severity` field carries it:
`critical` = error, `warning` = warn):

error   the landing is unusable as it stands and must be fixed or re-landed
        before the warehouse runs on it: a contract column is missing, a column
        has the wrong type, the table is absent, or a row key is null (a row
        nobody can refer to).
warn    a defect of the kind raw-contract.md lists under "Defects the warehouse
        must expect": the warehouse repairs it (deduplication, latest version
        wins) or quarantines the row with a reason and counts it. The gate
        reports it so that a landing much dirtier than usual is noticed early;
        dbt's data-quality tests carry the authoritative thresholds.

`mostly` is set where a small share of defective rows is normal (retried event
deliveries, device clocks running ahead); below that share the expectation
passes and raises no finding. Everything else fails on a single bad row.

Not checked here, on purpose: event names outside the tracking plan and the
JSON of `properties` (quarantine matters of the warehouse, and parsing every
properties string would blow the gate's time budget), and relationships between
tables (dbt tests them on the whole history).
"""

from __future__ import annotations

from pathlib import Path

import great_expectations as gx
import great_expectations.expectations as gxe
import pyarrow as pa
import yaml
from great_expectations.expectations.row_conditions import Column

from recall.generator import schema

# The dbt project this package sits in; its var `channels` is the channel registry.
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project.yml"

# R2: an event is from the future when event_at > received_at + clock_skew_minutes.
# Same value as the dbt var `clock_skew_minutes`.
CLOCK_SKEW_MINUTES = 5

# Derived column added to every events batch (received_at >= event_at - skew
# is then a plain column-pair expectation).
SKEWED_EVENT_AT = "event_at_minus_clock_skew"

ERROR = "error"
WARN = "warn"
GX_SEVERITY = {ERROR: "critical", WARN: "warning"}
FROM_GX_SEVERITY = {v: k for k, v in GX_SEVERITY.items()}

# Arrow types of the contract (recall/generator/schema.py) -> the pandas dtypes a
# Parquet column of that type becomes when the gate loads it (see gate.load_frame).
# A Parquet column of another type lands as another dtype and fails the type
# expectation.
STRING = ["str", "string"]
TIMESTAMP = ["datetime64[us]", "datetime64[ns]", "datetime64[ms]", "datetime64[s]"]
BOOLEAN = ["boolean", "BooleanDtype"]
DECIMAL = ["Decimal"]  # decimal128 lands as Python Decimal values
INTEGER = ["Int8", "Int16", "Int32", "Int64", "int8", "int16", "int32", "int64"]


def pandas_types(arrow_type: pa.DataType) -> list[str]:
    """The pandas dtype names a landed column of this contract type may have."""
    for is_type, names in (
        (pa.types.is_string, STRING),
        (pa.types.is_timestamp, TIMESTAMP),
        (pa.types.is_boolean, BOOLEAN),
        (pa.types.is_decimal, DECIMAL),
        (pa.types.is_integer, INTEGER),
    ):
        if is_type(arrow_type):
            return names
    raise ValueError(f"no pandas dtype known for the contract type {arrow_type}")


# Column, pandas types, nullable: contract order, from the raw contract.
CONTRACT: dict[str, list[tuple[str, list[str], bool]]] = {
    table: [
        (field.name, pandas_types(field.type), field.name not in schema.NOT_NULL[table])
        for field in arrow_schema
    ]
    for table, arrow_schema in schema.SCHEMAS.items()
}
TABLES = list(CONTRACT)

# Row keys: a null here is an error (the row cannot be referred to). Other
# not-null columns are warnings (the warehouse quarantines the row).
KEYS = {table: list(keys) for table, keys in schema.ROW_KEYS.items()}


def registry_channels(project_file: Path = DBT_PROJECT) -> list[str]:
    """The channel names of the registry, the dbt var `channels` (dbt_project.yml), in
    the order listed: the warehouse's triage, var checks and tests read the same var."""
    project = yaml.safe_load(project_file.read_text())
    channels = project["vars"][project["name"]]["channels"]
    if not isinstance(channels, dict) or not channels:
        raise ValueError(
            f"{project_file}: var 'channels' must be a non-empty map, received {channels!r}"
        )
    return list(channels)


PLATFORMS = ["ios", "android", "web"]
CHANNELS = registry_channels()
ALLOWED = {
    ("users", "platform"): PLATFORMS,
    ("events", "platform"): PLATFORMS,
    ("orders", "status"): ["paid", "refunded", "cancelled"],
    ("campaigns", "objective"): [
        "wake_silent",
        "recall_churned",
        "first_purchase_nudge",
        "reactivate",
    ],
    ("campaigns", "target_state"): ["silent", "churned", "new", "active", "any"],
    ("campaign_variants", "channel"): CHANNELS,
    ("campaign_variants", "hook_type"): ["coupon", "points", "free_trial", "content", "none"],
    ("message_sends", "channel"): CHANNELS,
    ("message_sends", "status"): ["sent", "failed", "suppressed"],
    ("message_events", "event_type"): [
        "delivered",
        "opened",
        "clicked",
        "bounced",
        "unsubscribed",
        "complained",
    ],
}

# Shares of defective rows tolerated without a finding.
MOSTLY_EVENT_RETRIES = 0.995  # duplicate event_id deliveries within a partition
MOSTLY_CLOCK_AHEAD = 0.999  # event_at more than the clock skew after received_at


class ExpectColumnValuesToBeInContractTypeList(gxe.ExpectColumnValuesToBeInTypeList):
    """The column's dtype is one of `type_list`, matched by dtype name as well.

    Great Expectations 1.24 does not recognise pandas 3's default string dtype
    (`str`) nor nullable extension dtypes by name; this matches `str(dtype)`
    first and otherwise defers to the parent (Decimal object columns are still
    checked value by value there).
    """

    def _validate_pandas(self, actual_column_type, expected_types_list):
        if expected_types_list is not None and str(actual_column_type) in expected_types_list:
            return {"success": True, "result": {"observed_value": str(actual_column_type)}}
        outcome = super()._validate_pandas(actual_column_type, expected_types_list)
        outcome["result"]["observed_value"] = str(actual_column_type)
        return outcome


def _tag(expectation, check: str, severity: str, rule: str):
    """Give an expectation its gate name, severity and the contract rule it encodes."""
    expectation.severity = GX_SEVERITY[severity]
    expectation.meta = {"check": check, "severity": severity, "rule": rule}
    return expectation


def checks(table: str) -> list:
    """The expectations of one raw table, in a stable order."""
    columns = CONTRACT[table]
    keys = KEYS[table]
    out = []
    for column, _, _ in columns:
        out.append(
            _tag(
                gxe.ExpectColumnToExist(column=column),
                f"{table}.{column}.exists",
                ERROR,
                "contract column present",
            )
        )
    for column, types, _ in columns:
        out.append(
            _tag(
                ExpectColumnValuesToBeInContractTypeList(column=column, type_list=types),
                f"{table}.{column}.type",
                ERROR,
                f"contract type ({'/'.join(types)})",
            )
        )
    for column, _, nullable in columns:
        if nullable:
            continue
        is_key = column in keys
        out.append(
            _tag(
                gxe.ExpectColumnValuesToNotBeNull(column=column),
                f"{table}.{column}.not_null",
                ERROR if is_key else WARN,
                "row key not null" if is_key else "not null (null rows are quarantined)",
            )
        )
    for (t, column), allowed in ALLOWED.items():
        if t == table:
            out.append(
                _tag(
                    gxe.ExpectColumnValuesToBeInSet(column=column, value_set=allowed),
                    f"{table}.{column}.allowed_values",
                    WARN,
                    f"one of {', '.join(allowed)} (nulls allowed where nullable)",
                )
            )
    out.extend(_table_rules(table))
    return out


def _unique(table, columns, rule):
    if len(columns) == 1:
        exp = gxe.ExpectColumnValuesToBeUnique(column=columns[0])
    else:
        exp = gxe.ExpectCompoundColumnsToBeUnique(column_list=columns)
    return _tag(exp, f"{table}.{'__'.join(columns)}.unique", WARN, rule)


def _table_rules(table: str) -> list:
    skew = CLOCK_SKEW_MINUTES
    if table == "users":
        return [
            _unique(
                "users",
                ["user_id", "updated_at"],
                "one snapshot per user and updated_at (R9: ties are conflicting versions)",
            ),
        ]
    if table == "events":
        return [
            _tag(
                gxe.ExpectColumnValuesToBeUnique(column="event_id", mostly=MOSTLY_EVENT_RETRIES),
                "events.event_id.unique",
                WARN,
                "retried deliveries (duplicate event_id) are deduplicated (R3)",
            ),
            _tag(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="received_at",
                    column_B=SKEWED_EVENT_AT,
                    or_equal=True,
                    mostly=MOSTLY_CLOCK_AHEAD,
                ),
                "events.received_at.not_before_event_at",
                WARN,
                f"received_at >= event_at - {skew} minutes clock skew; "
                "later event_at is quarantined as event_at_in_future (R2)",
            ),
        ]
    if table == "orders":
        return [
            _tag(
                gxe.ExpectColumnValuesToBeBetween(column="gross_amount", min_value=0),
                "orders.gross_amount.non_negative",
                WARN,
                "gross_amount >= 0",
            ),
            _tag(
                gxe.ExpectColumnValuesToBeBetween(column="discount_amount", min_value=0),
                "orders.discount_amount.non_negative",
                WARN,
                "discount_amount >= 0",
            ),
            _tag(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="gross_amount", column_B="discount_amount", or_equal=True
                ),
                "orders.discount_amount.at_most_gross",
                WARN,
                "discount_amount <= gross_amount",
            ),
            _unique(
                "orders",
                ["order_id", "updated_at"],
                "one version per order and updated_at (R9: ties are conflicting versions)",
            ),
        ]
    if table == "campaigns":
        return [
            _unique("campaigns", ["campaign_id"], "campaign_id unique"),
            _tag(
                gxe.ExpectColumnValuesToBeBetween(column="attribution_window_days", min_value=1),
                "campaigns.attribution_window_days.at_least_1",
                WARN,
                "attribution_window_days >= 1",
            ),
            _tag(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="ends_at", column_B="starts_at"
                ),
                "campaigns.ends_at.after_starts_at",
                WARN,
                "ends_at > starts_at",
            ),
        ]
    if table == "campaign_variants":
        return [
            _unique(
                "campaign_variants",
                ["campaign_id", "variant_id"],
                "variant_id unique within the campaign",
            ),
            _tag(
                gxe.ExpectColumnValuesToBeBetween(
                    column="allocation_share", min_value=0, max_value=1
                ),
                "campaign_variants.allocation_share.in_0_1",
                WARN,
                "allocation_share in [0, 1] (null = equal split)",
            ),
            _tag(
                gxe.ExpectColumnValuesToBeNull(
                    column="channel",
                    row_condition=Column("is_control") == True,  # noqa: E712
                ),
                "campaign_variants.channel.null_for_control",
                WARN,
                "channel is null for the control arm",
            ),
        ]
    if table == "campaign_assignments":
        return [
            _unique(
                "campaign_assignments",
                ["campaign_id", "user_id"],
                "one assignment per campaign and user; later ones are quarantined (R42)",
            ),
        ]
    if table == "message_sends":
        return [
            _unique("message_sends", ["send_id"], "send_id unique"),
            _tag(
                gxe.ExpectColumnValuesToBeNull(
                    column="sent_at", row_condition=Column("status") != "sent"
                ),
                "message_sends.sent_at.null_unless_sent",
                WARN,
                "sent_at is null unless status = sent",
            ),
        ]
    if table == "message_events":
        return [
            _unique("message_events", ["message_event_id"], "message_event_id unique"),
        ]
    raise KeyError(table)


def suite(table: str) -> gx.ExpectationSuite:
    """A fresh expectation suite for one raw table."""
    s = gx.ExpectationSuite(
        name=f"raw_{table}", meta={"contract": "spec/raw-contract.md", "table": table}
    )
    for expectation in checks(table):
        s.add_expectation(expectation)
    return s
