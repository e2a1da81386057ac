{#-
    One row per device with an anonymous kept event: the local day of its
    earliest one. When identity stitching moves a device to another user
    (int_device_users.changed_at), fct_user_days re-computes the new and the
    previous user from this day (recall_user_days_changes) without scanning
    every anonymous event for the device's. Incremental: a run reads only
    the events triaged since the last one and keeps the earlier of the old
    and the new day. Taking the minimum again is harmless, so a rebuilt
    int_event_rows_triaged (every row stamped anew) needs nothing special.
-#}
{{
    config(
        materialized=recall_incremental_materialization(),
        unique_key='device_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{%- set loaded_since_at = recall_loaded_since_sql('events_loaded_at') -%}

with

new_anonymous_days as (

    select
        device_id,
        min(event_date) as first_anonymous_date,
        max(loaded_at) as events_loaded_at

    from {{ ref('int_events_kept') }}
    where
        user_id is null
        and loaded_at > {{ loaded_since_at }}
    group by device_id

),

final as (

    select
        new_anonymous_days.device_id,
        {% if is_incremental() %}
        case
            when this_table.first_anonymous_date
                < new_anonymous_days.first_anonymous_date
                then this_table.first_anonymous_date
            else new_anonymous_days.first_anonymous_date
        end as first_anonymous_date,
        {% else %}
        new_anonymous_days.first_anonymous_date,
        {% endif %}
        new_anonymous_days.events_loaded_at

    from new_anonymous_days
    {% if is_incremental() %}
    left join {{ this }} as this_table
        on new_anonymous_days.device_id = this_table.device_id
    {% endif %}

)

select * from final
