{#-
    The first activity date fct_user_days must re-compute on an incremental
    run (every later date is re-computed too). It is the earliest of:
      - the day after the last day already built (as_of_date moved on);
      - the day of any event loaded since the last run (late events too);
      - the day of any anonymous event of a device whose stitched user
        changed since the last run;
      - the registration day of a registered user without a registration row
        (a users row that arrived after the user's events);
      - the order day of an order with a version updated after the last day
        built (refunds, cancellations);
      - the day of a provider callback received after the last day built.
    Returns none when nothing needs re-computing.
-#}
{% macro recall_user_days_reprocess_from(as_of) %}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set last_loaded = recall_max_in_this('loaded_at') -%}
    {%- set last_built = recall_max_in_this('activity_date') -%}
    {%- if last_loaded is none or last_built is none -%}
        {{- return('0001-01-01') -}}
    {%- endif -%}
    {%- set last_loaded_literal = "cast('" ~ last_loaded ~ "' as "
        ~ dbt.type_timestamp() ~ ")" -%}
    {%- set last_built_literal = "cast('" ~ last_built ~ "' as date)" -%}
    {%- set query -%}
        select cast(min(reprocess_from) as {{ dbt.type_string() }})
        from (
            select {{ dbt.dateadd('day', 1, last_built_literal) }}
                as reprocess_from
            union all
            select min(event_date) as reprocess_from
            from {{ ref('int_events_kept') }}
            where loaded_at > {{ last_loaded_literal }}
            union all
            select min(anonymous_events.event_date) as reprocess_from
            from {{ ref('int_events_kept') }} as anonymous_events
            inner join {{ ref('int_device_users') }} as device_users
                on anonymous_events.device_id = device_users.device_id
            where
                anonymous_events.user_id is null
                and device_users.changed_at > {{ last_loaded_literal }}
            union all
            select min(users.registration_date) as reprocess_from
            from {{ ref('int_users_current') }} as users
            left join {{ this }} as registration_rows
                on
                    users.user_id = registration_rows.user_id
                    and registration_rows.days_since_registration = 0
            where
                users.registration_date <= cast('{{ as_of }}' as date)
                and registration_rows.user_id is null
            union all
            select min({{ recall_local_date('orders.ordered_at') }})
                as reprocess_from
            from {{ ref('int_order_versions_triaged') }} as orders
            where
                {{ recall_local_date('orders.updated_at') }}
                > {{ last_built_literal }}
                and {{ recall_local_date('orders.updated_at') }}
                <= cast('{{ as_of }}' as date)
            union all
            select min({{ recall_local_date('callbacks.event_at') }})
                as reprocess_from
            from {{ ref('int_message_events_triaged') }} as callbacks
            where
                {{ recall_local_date('callbacks.received_at') }}
                > {{ last_built_literal }}
        ) as candidates
    {%- endset -%}
    {%- set reprocess_from = run_query(query).columns[0].values()[0] -%}
    {%- if reprocess_from is none
          or reprocess_from > as_of -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(reprocess_from) -}}
{% endmacro %}
