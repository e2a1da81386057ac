"""The raw contract (raw-contract.md): the eight raw tables, their columns in contract
order with their Arrow types, which columns may be null, and each table's row key.

This is the one definition of the contract in Python: the generator writes these
schemas, the landing gate (recall/quality/expectations.py) derives its column, type
and not-null expectations from them, and recall/tests/test_raw_contract.py checks
that the `data_type`s of the dbt sources (models/staging/*/_*__sources.yml) agree.
"""

import pyarrow as pa

STRING = pa.string()
TIMESTAMP = pa.timestamp("us")
BOOLEAN = pa.bool_()
MONEY = pa.decimal128(18, 2)

SCHEMAS = {
    "users": pa.schema(
        [
            ("user_id", STRING),
            ("registered_at", TIMESTAMP),
            ("acquisition_channel", STRING),
            ("platform", STRING),
            ("country", STRING),
            ("timezone", STRING),
            ("push_enabled", BOOLEAN),
            ("has_phone", BOOLEAN),
            ("has_email", BOOLEAN),
            ("sms_opt_out", BOOLEAN),
            ("email_opt_out", BOOLEAN),
            ("updated_at", TIMESTAMP),
        ]
    ),
    "events": pa.schema(
        [
            ("event_id", STRING),
            ("event_name", STRING),
            ("user_id", STRING),
            ("device_id", STRING),
            ("session_id", STRING),
            ("event_at", TIMESTAMP),
            ("received_at", TIMESTAMP),
            ("platform", STRING),
            ("app_version", STRING),
            ("properties", STRING),
        ]
    ),
    "orders": pa.schema(
        [
            ("order_id", STRING),
            ("user_id", STRING),
            ("ordered_at", TIMESTAMP),
            ("status", STRING),
            ("gross_amount", MONEY),
            ("discount_amount", MONEY),
            ("coupon_id", STRING),
            ("currency", STRING),
            ("updated_at", TIMESTAMP),
        ]
    ),
    "campaigns": pa.schema(
        [
            ("campaign_id", STRING),
            ("campaign_name", STRING),
            ("objective", STRING),
            ("target_state", STRING),
            ("starts_at", TIMESTAMP),
            ("ends_at", TIMESTAMP),
            ("conversion_event", STRING),
            ("attribution_window_days", pa.int32()),
        ]
    ),
    "campaign_variants": pa.schema(
        [
            ("campaign_id", STRING),
            ("variant_id", STRING),
            ("is_control", BOOLEAN),
            ("channel", STRING),
            ("hook_type", STRING),
            ("offer_value", MONEY),
            ("coupon_id", STRING),
            ("copy_id", STRING),
            ("cost_per_send", pa.decimal128(18, 4)),
            ("allocation_share", pa.decimal128(9, 6)),
        ]
    ),
    "campaign_assignments": pa.schema(
        [
            ("campaign_id", STRING),
            ("user_id", STRING),
            ("variant_id", STRING),
            ("assigned_at", TIMESTAMP),
        ]
    ),
    "message_sends": pa.schema(
        [
            ("send_id", STRING),
            ("campaign_id", STRING),
            ("variant_id", STRING),
            ("user_id", STRING),
            ("channel", STRING),
            ("scheduled_at", TIMESTAMP),
            ("sent_at", TIMESTAMP),
            ("status", STRING),
            ("failure_reason", STRING),
        ]
    ),
    "message_events": pa.schema(
        [
            ("message_event_id", STRING),
            ("send_id", STRING),
            ("event_type", STRING),
            ("event_at", TIMESTAMP),
            ("received_at", TIMESTAMP),
        ]
    ),
}

TABLES = list(SCHEMAS)

# How each engine names a contract type (text and 32-bit integers differ;
# DuckDB's names are the contract's, as the dbt sources give them on DuckDB).
_TEXT = {"duckdb": "varchar", "postgres": "text", "spark": "string"}
_INT32 = {"duckdb": "integer", "postgres": "integer", "spark": "int"}


def column_type(arrow_type: pa.DataType, engine: str = "duckdb") -> str:
    """The SQL type on `engine` (duckdb, postgres, spark) of a contract column
    of this Arrow type."""
    if pa.types.is_string(arrow_type):
        return _TEXT[engine]
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if pa.types.is_int32(arrow_type):
        return _INT32[engine]
    raise ValueError(f"no SQL type for the contract's {arrow_type}")


# Columns that must not be null; every other column is nullable. A null in a row key
# makes the row unusable, a null elsewhere gets the row quarantined by the warehouse.
NOT_NULL: dict[str, tuple[str, ...]] = {
    "users": ("user_id", "registered_at", "updated_at"),
    "events": ("event_id", "event_name", "device_id", "event_at", "received_at"),
    "orders": (
        "order_id",
        "user_id",
        "ordered_at",
        "status",
        "gross_amount",
        "discount_amount",
        "currency",
        "updated_at",
    ),
    "campaigns": (
        "campaign_id",
        "campaign_name",
        "objective",
        "target_state",
        "starts_at",
        "ends_at",
        "conversion_event",
        "attribution_window_days",
    ),
    "campaign_variants": ("campaign_id", "variant_id", "is_control"),
    "campaign_assignments": ("campaign_id", "user_id", "variant_id", "assigned_at"),
    "message_sends": (
        "send_id",
        "campaign_id",
        "variant_id",
        "user_id",
        "channel",
        "scheduled_at",
        "status",
    ),
    "message_events": ("message_event_id", "send_id", "event_type", "event_at", "received_at"),
}

# The columns that identify a row (the table's key as landed; duplicates are defects).
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "users": ("user_id",),
    "events": ("event_id",),
    "orders": ("order_id",),
    "campaigns": ("campaign_id",),
    "campaign_variants": ("campaign_id", "variant_id"),
    "campaign_assignments": ("campaign_id", "user_id"),
    "message_sends": ("send_id",),
    "message_events": ("message_event_id",),
}

# Tracking plan of the demo product: name -> (counts_as_active, is_core_action, required keys)
TRACKING_PLAN = {
    "register": (True, False, ("channel",)),
    "login": (True, False, ()),
    "app_open": (True, False, ("source",)),
    "page_view": (True, False, ("page",)),
    "content_view": (True, True, ("content_id", "category")),
    "like": (True, True, ("content_id",)),
    "comment": (True, True, ("content_id",)),
    "share": (True, True, ("content_id",)),
    "join_community": (True, True, ("community_id",)),
    "add_to_cart": (True, False, ("item_id", "price")),
    "purchase": (True, True, ("order_id", "amount")),
    "coupon_claim": (True, False, ("coupon_id", "campaign_id")),
    "app_uninstall": (False, False, ()),
}
