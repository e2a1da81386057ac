{#-
    The raw event rows landed after `landed_through` (every row when it is
    none), with a narrow hash of event_id, as a query for
    int_event_rows_triaged to render where it reads the batch. It is not a
    CTE on purpose: an engine materialises a CTE that is read more than once,
    which for a hundred million wide rows means spilling them all to disk.
-#}
{% macro recall_landed_events_batch(landed_through) %}
    select
        event_id,
        event_name,
        user_id,
        device_id,
        session_id,
        event_at,
        received_at,
        platform,
        app_version,
        properties,
        landing_date,
        {{ recall_fast_hash('event_id') }} as event_id_hash
    from {{ ref('stg_tracking__events') }}
    {%- if landed_through is not none %}
    where landing_date > cast('{{ landed_through }}' as date)
    {%- endif %}
{% endmacro %}
