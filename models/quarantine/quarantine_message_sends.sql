{#-
    One row per rejected raw message_sends row: its key, the reason and the raw
    columns (landing_date is null: message_sends lands without a date partition).
-#}
{{ config(alias='message_sends') }}

{{ recall_quarantined_rows(
    ref('int_message_sends_triaged'),
    'message_sends',
    ['send_id'],
    ['send_id', 'campaign_id', 'variant_id', 'user_id', 'channel', 'scheduled_at', 'sent_at', 'status', 'failure_reason']
) }}
