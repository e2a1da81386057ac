{#-
    The users fct_user_days must re-compute on an incremental run, each with
    the first activity date to re-compute (every later day of that user is
    re-computed too), as a query of (user_id, reprocess_from); none on a
    full build. A user is changed from the earliest of:
      - the day of an event loaded since the last run (late events too) or
        dated after the last day built (as_of_date moved on), credited to
        its user or, anonymous, to its device's current user;
      - the day of the earliest anonymous event of a device whose stitched
        user changed since the last run (int_anonymous_devices_dated), for
        the new and the previous user;
      - the registration day, for a registered user without a registration
        row or whose registration row is on another day (a users row that
        arrived after the user's events, or a moved registration date);
        the earlier of the two days when the row exists;
      - the order day of every version of an order with a version updated
        after the last day built (refunds, cancellations, a changed buyer);
      - the day of a provider callback received after the last day built,
        for the send's user.
    Read by
    fct_user_days and by its incremental strategy
    (get_incremental_recall_user_days_sql), which deletes each changed
    user's rows from reprocess_from on before it inserts the new ones.
-#}
{% macro recall_user_days_changes(as_of) %}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set last_loaded = recall_max_in_this('loaded_at') -%}
    {%- set last_built = recall_max_in_this('activity_date') -%}
    {%- set as_of_date = recall_date_literal(as_of) -%}
    {%- if last_loaded is none or last_built is none -%}
        {%- set last_loaded = '0001-01-01 00:00:00' -%}
        {%- set last_built = '0001-01-01' -%}
    {%- endif -%}
    {%- set last_loaded_literal = "cast('" ~ last_loaded ~ "' as "
        ~ dbt.type_timestamp() ~ ")" -%}
    {%- set last_built_literal = recall_date_literal(last_built) -%}
    {%- set query -%}
        select
            candidates.user_id,
            min(candidates.reprocess_from) as reprocess_from
        from (
            select
                coalesce(new_events.user_id, device_users.user_id) as user_id,
                new_events.event_date as reprocess_from
            from {{ ref('int_events_kept') }} as new_events
            left join {{ ref('int_device_users') }} as device_users
                on
                    new_events.user_id is null
                    and new_events.device_id = device_users.device_id
            where
                new_events.loaded_at > {{ last_loaded_literal }}
                and new_events.event_date <= {{ as_of_date }}
            union all
            select
                coalesce(later_events.user_id, device_users.user_id)
                    as user_id,
                later_events.event_date as reprocess_from
            from {{ ref('int_events_kept') }} as later_events
            left join {{ ref('int_device_users') }} as device_users
                on
                    later_events.user_id is null
                    and later_events.device_id = device_users.device_id
            where
                later_events.event_date > {{ last_built_literal }}
                and later_events.event_date <= {{ as_of_date }}
                and later_events.landing_date
                >= {{ dbt.dateadd('day', -2, last_built_literal) }}
            union all
            select
                device_owners.user_id,
                anonymous_devices.first_anonymous_date as reprocess_from
            from {{ ref('int_anonymous_devices_dated') }} as anonymous_devices
            inner join (
                select
                    changed_devices.device_id,
                    changed_devices.user_id
                from {{ ref('int_device_users') }} as changed_devices
                where changed_devices.changed_at > {{ last_loaded_literal }}
                union all
                select
                    changed_devices.device_id,
                    changed_devices.previous_user_id as user_id
                from {{ ref('int_device_users') }} as changed_devices
                where
                    changed_devices.changed_at > {{ last_loaded_literal }}
                    and changed_devices.previous_user_id is not null
            ) as device_owners
                on anonymous_devices.device_id = device_owners.device_id
            union all
            select
                users.user_id,
                case
                    when registration_rows.activity_date
                        < users.registration_date
                        then registration_rows.activity_date
                    else users.registration_date
                end as reprocess_from
            from {{ ref('int_users_current') }} as users
            left join {{ this }} as registration_rows
                on
                    users.user_id = registration_rows.user_id
                    and registration_rows.days_since_registration = 0
            where
                users.registration_date <= {{ as_of_date }}
                and (
                    registration_rows.user_id is null
                    or registration_rows.activity_date
                    <> users.registration_date
                )
            union all
            select
                order_versions.user_id,
                {{ recall_local_date('order_versions.ordered_at') }}
                    as reprocess_from
            from {{ ref('int_order_versions_triaged') }} as order_versions
            where order_versions.order_id in (
                select updated_orders.order_id
                from {{ ref('int_order_versions_triaged') }} as updated_orders
                where
                    {{ recall_local_date('updated_orders.updated_at') }}
                    > {{ last_built_literal }}
                    and {{ recall_local_date('updated_orders.updated_at') }}
                    <= {{ as_of_date }}
            )
            union all
            select
                sends.user_id,
                {{ recall_local_date('callbacks.event_at') }}
                    as reprocess_from
            from {{ ref('int_message_events_triaged') }} as callbacks
            inner join {{ ref('int_message_sends_triaged') }} as sends
                on callbacks.send_id = sends.send_id
            where
                {{ recall_local_date('callbacks.received_at') }}
                > {{ last_built_literal }}
        ) as candidates
        where
            candidates.user_id is not null
            and candidates.reprocess_from <= {{ as_of_date }}
        group by candidates.user_id
    {%- endset -%}
    {{- return(query) -}}
{% endmacro %}
