{#-
    One row per rejected raw campaign_assignments row: its key, the reason and the raw
    columns (landing_date is null: campaign_assignments lands without a date partition).
-#}
{{ config(alias='campaign_assignments') }}

{{ recall_quarantined_rows(
    ref('int_campaign_assignments_triaged'),
    'campaign_assignments',
    ['campaign_id', 'user_id'],
    ['campaign_id', 'user_id', 'variant_id', 'assigned_at']
) }}
