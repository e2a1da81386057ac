{#-
    One row per rejected raw event row: the reasons found while triaging
    (int_event_rows_triaged) and those that need the users table
    (int_events_cleaned: unknown_user, before_registration).
-#}
{{ config(alias='events') }}

{%- set raw_columns = ['event_id', 'event_name', 'user_id', 'device_id',
    'session_id', 'event_at', 'received_at', 'platform', 'app_version',
    'properties'] -%}

with

triage_rejections as (

    {{ recall_quarantined_rows(ref('int_event_rows_triaged'), 'events',
        ['event_id'], raw_columns, 'landing_date') }}

),

user_check_rejections as (

    select
        'events' as source_table,
        event_id as raw_key,
        quarantine_reason as reason,
        landing_date,
        {{ raw_columns | join(', ') }}

    from {{ ref('int_events_cleaned') }}
    where not is_clean

),

final as (

    select * from triage_rejections
    union all
    select * from user_check_rejections

)

select * from final
