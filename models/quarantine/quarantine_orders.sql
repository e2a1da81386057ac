{#-
    One row per rejected raw orders row: its key, the reason and the raw
    columns (landing_date is null: orders lands without a date partition).
-#}
{{ config(alias='orders') }}

{{ recall_quarantined_rows(
    ref('int_order_versions_triaged'),
    'orders',
    ['order_id'],
    ['order_id', 'user_id', 'ordered_at', 'status', 'gross_amount', 'discount_amount', 'coupon_id', 'currency', 'updated_at']
) }}
