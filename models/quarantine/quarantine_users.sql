{#-
    One row per rejected raw users row: its key, the reason and the raw
    columns (landing_date is null: users lands without a date partition).
-#}
{{ config(alias='users') }}

{{ recall_quarantined_rows(
    ref('int_user_snapshots_triaged'),
    'users',
    ['user_id'],
    ['user_id', 'registered_at', 'acquisition_channel', 'platform', 'country', 'timezone', 'push_enabled', 'has_phone', 'has_email', 'sms_opt_out', 'email_opt_out', 'updated_at']
) }}
