{#-
    One row per rejected raw message_events row: its key, the reason and the raw
    columns (landing_date is null: message_events lands without a date partition).
-#}
{{ config(alias='message_events') }}

{{ recall_quarantined_rows(
    ref('int_message_events_triaged'),
    'message_events',
    ['message_event_id'],
    ['message_event_id', 'send_id', 'event_type', 'event_at', 'received_at']
) }}
