"""Arrow schemas of the eight raw tables (raw-contract.md), in contract column order."""
import pyarrow as pa

S = pa.string()
TS = pa.timestamp("us")
B = pa.bool_()
MONEY = pa.decimal128(18, 2)

SCHEMAS = {
    "users": pa.schema([
        ("user_id", S), ("registered_at", TS), ("acquisition_channel", S), ("platform", S),
        ("country", S), ("timezone", S), ("push_enabled", B), ("has_phone", B),
        ("has_email", B), ("sms_opt_out", B), ("email_opt_out", B), ("updated_at", TS),
    ]),
    "events": pa.schema([
        ("event_id", S), ("event_name", S), ("user_id", S), ("device_id", S),
        ("session_id", S), ("event_at", TS), ("received_at", TS), ("platform", S),
        ("app_version", S), ("properties", S),
    ]),
    "orders": pa.schema([
        ("order_id", S), ("user_id", S), ("ordered_at", TS), ("status", S),
        ("gross_amount", MONEY), ("discount_amount", MONEY), ("coupon_id", S),
        ("currency", S), ("updated_at", TS),
    ]),
    "campaigns": pa.schema([
        ("campaign_id", S), ("campaign_name", S), ("objective", S), ("target_state", S),
        ("starts_at", TS), ("ends_at", TS), ("conversion_event", S),
        ("attribution_window_days", pa.int32()),
    ]),
    "campaign_variants": pa.schema([
        ("campaign_id", S), ("variant_id", S), ("is_control", B), ("channel", S),
        ("hook_type", S), ("offer_value", MONEY), ("coupon_id", S), ("copy_id", S),
        ("cost_per_send", pa.decimal128(18, 4)), ("allocation_share", pa.decimal128(9, 6)),
    ]),
    "campaign_assignments": pa.schema([
        ("campaign_id", S), ("user_id", S), ("variant_id", S), ("assigned_at", TS),
    ]),
    "message_sends": pa.schema([
        ("send_id", S), ("campaign_id", S), ("variant_id", S), ("user_id", S), ("channel", S),
        ("scheduled_at", TS), ("sent_at", TS), ("status", S), ("failure_reason", S),
    ]),
    "message_events": pa.schema([
        ("message_event_id", S), ("send_id", S), ("event_type", S), ("event_at", TS),
        ("received_at", TS),
    ]),
}

TABLES = list(SCHEMAS)

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
