{#-
    One row per load of triaged events x user x device x local event day x
    15-minute UTC bucket (recall_quarter_hour_start): how many kept events
    whose name counts as active fell in it, before the users rules (see
    int_events_kept). rpt_send_time_profile credits and sums these rows, so
    its tail reads about a quarter of the events' rows and none of the raw
    events. A bucket split over two loads (late events) has a row per load.
    Incremental (append): a run counts only the events triaged since the
    last one; kept events never change, so earlier rows stay right. After
    changing which names count as active in the tracking plan, rebuild it
    with --full-refresh (int_event_rows_triaged needs one too).
-#}
{#- A rebuilt int_event_rows_triaged (--full-refresh) stamps every row with
    a new loaded_at: rows of loads it no longer holds are dropped first, and
    the run then counts its rows again as new ones. The hook's ref needs the
    hint below. -#}
-- depends_on: {{ ref('int_event_rows_triaged') }}
{{
    config(
        materialized=recall_incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}delete from {{ this }}
            where events_loaded_at < (
                select min(loaded_at)
                from {{ ref('int_event_rows_triaged') }}
            ){% endif %}"
    )
}}

{%- set loaded_since_at = recall_loaded_since_sql('events_loaded_at') -%}

with

active_events as (

    select
        user_id,
        device_id,
        event_date,
        event_at,
        loaded_at

    from {{ ref('int_events_kept') }}
    where
        counts_as_active
        and loaded_at > {{ loaded_since_at }}

),

final as (

    select
        active_events.user_id,
        active_events.device_id,
        active_events.event_date,
        {{ recall_quarter_hour_start('active_events.event_at') }}
            as bucket_at,
        active_events.loaded_at as events_loaded_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as events_count

    from active_events
    group by
        active_events.user_id,
        active_events.device_id,
        active_events.event_date,
        {{ recall_quarter_hour_start('active_events.event_at') }},
        active_events.loaded_at

)

select * from final
