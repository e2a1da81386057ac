{#-
    The raw event rows of a selection (recall_landed_events_selection; every
    row when it is none), with a narrow hash of event_id, as a query for
    int_event_rows_triaged to render where it reads the batch. It is not a
    CTE on purpose: an engine materialises a CTE that is read more than
    once, which for a hundred million wide rows means spilling them all to
    disk.
-#}
{% macro recall_landed_events_batch(selection) %}
    {%- set batch_filter = recall_landed_events_filter(selection,
        'landed_events') %}
    select
        landed_events.event_id,
        landed_events.event_name,
        landed_events.user_id,
        landed_events.device_id,
        landed_events.session_id,
        landed_events.event_at,
        landed_events.received_at,
        landed_events.platform,
        landed_events.app_version,
        landed_events.properties,
        landed_events.landing_date,
        landed_events.source_file,
        {{ recall_fast_hash('landed_events.event_id') }} as event_id_hash
    from {{ ref('stg_tracking__events') }} as landed_events
    {%- if batch_filter is not none %}
    where {{ batch_filter }}
    {%- endif %}
{% endmacro %}
