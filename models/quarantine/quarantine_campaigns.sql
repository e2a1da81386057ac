{#-
    One row per rejected raw campaigns row: its key, the reason and the raw
    columns (landing_date is null: campaigns lands without a date partition).
-#}
{{ config(alias='campaigns') }}

{{ recall_quarantined_rows(
    ref('int_campaigns_triaged'),
    'campaigns',
    ['campaign_id'],
    ['campaign_id', 'campaign_name', 'objective', 'target_state', 'starts_at', 'ends_at', 'conversion_event', 'attribution_window_days']
) }}
