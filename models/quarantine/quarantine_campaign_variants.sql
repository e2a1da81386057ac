{#-
    One row per rejected raw campaign_variants row: its key, the reason and the raw
    columns (landing_date is null: campaign_variants lands without a date partition).
-#}
{{ config(alias='campaign_variants') }}

{{ recall_quarantined_rows(
    ref('int_campaign_variants_triaged'),
    'campaign_variants',
    ['campaign_id', 'variant_id'],
    ['campaign_id', 'variant_id', 'is_control', 'channel', 'hook_type', 'offer_value', 'coupon_id', 'copy_id', 'cost_per_send', 'allocation_share']
) }}
