{#-
    One row per registered user per active day (rulings R8), from
    registration to as_of_date: the user-day aggregation that the lifecycle
    steps read and fct_user_days publishes. Incremental per user: re-computes each
    changed user's days from the first day that new data touches for that
    user (recall_user_days_changes), and its strategy
    (get_incremental_recall_user_days_sql) replaces exactly those days, so a
    day that is no longer active goes too.
-#}
{#- recall_user_days_changes reads them; the hints declare the dependencies. -#}
-- depends_on: {{ ref('int_anonymous_devices_dated') }}
-- depends_on: {{ ref('int_order_versions_triaged') }}
{{
    config(
        materialized=recall_incremental_materialization(),
        incremental_strategy='recall_user_days',
        on_schema_change='fail'
    )
}}

{%- do recall_check_feature_event() -%}
{%- set as_of = recall_as_of_date() -%}
{{ recall_guard_as_of(as_of, recall_max_in_this('activity_date')) }}
{%- set changes = recall_user_days_changes(as_of) -%}
{#- from_date bounds the events read (for pruning): the earliest changed
    day of any user; every day on a full build, none when an incremental
    run finds nothing new. -#}
{%- set reprocess_from = recall_earliest_date() -%}
{%- if changes is not none -%}
{%- set reprocess_from = run_query(
    'select cast(min(reprocess_from) as ' ~ dbt.type_string()
    ~ ') from (' ~ changes ~ ') as changed_users').columns[0].values()[0] -%}
{%- if reprocess_from is none -%}
{%- set reprocess_from = recall_latest_date() -%}
{%- endif -%}
{%- endif -%}
{%- set from_date = recall_date_literal(reprocess_from) -%}
{%- set as_of_date = recall_date_literal(as_of) -%}

with

{% if changes is not none %}

changed_users as (

    {{ changes }}

),

{% endif %}

{# The users re-computed, each from its reprocess_from: every registered
    user on a full build, the changed ones on an incremental run. #}
users as (

    select
        current_users.user_id,
        current_users.registration_date,
        {% if changes is not none -%}
        changed_users.reprocess_from
        {%- else -%}
        {{ from_date }} as reprocess_from
        {%- endif %}

    from {{ ref('int_users_current') }} as current_users
    {% if changes is not none %}
    inner join changed_users
        on current_users.user_id = changed_users.user_id
    {% endif %}
    where current_users.registration_date <= {{ as_of_date }}

),

device_users as (

    select
        device_id,
        user_id

    from {{ ref('int_device_users') }}

),

events as (

    select
        user_id,
        device_id,
        session_id,
        event_name,
        event_at,
        event_date,
        counts_as_active,
        is_core_action

    {#- Kept events, before the users rules: the inner join to users on
        the credited user, from the registration day on, applies them
        (see int_events_kept). #}
    from {{ ref('int_events_kept') }}
    where
        event_date <= {{ as_of_date }}
        and event_date >= {{ from_date }}
        and landing_date >= {{ dbt.dateadd('day', -2, from_date) }}

),

orders as (

    select
        user_id,
        order_date,
        is_paid,
        net_revenue

    from {{ ref('int_orders_resolved') }}
    where
        order_date <= {{ as_of_date }}
        and order_date >= {{ from_date }}

),

callbacks as (

    select
        send_id,
        event_type,
        event_at

    from {{ ref('int_message_events_triaged') }}
    where
        row_status = 'clean'
        and event_type in ('opened', 'clicked')

),

sends as (

    select
        send_id,
        user_id

    from {{ ref('int_message_sends_triaged') }}
    where row_status = 'clean'

),

events_credited as (

    select
        coalesce(events.user_id, device_users.user_id) as user_id,
        events.session_id,
        events.event_name,
        events.event_at,
        events.event_date,
        events.counts_as_active,
        events.is_core_action

    from events
    left join device_users
        on
            events.user_id is null
            and events.device_id = device_users.device_id

),

event_days as (

    select
        events_credited.user_id,
        events_credited.event_date as activity_date,
        count(*) as event_count,
        count(case when events_credited.is_core_action then 1 end)
            as core_action_count,
        count(distinct events_credited.session_id) as session_count,
        count(
            case
                when events_credited.event_name
                    = {{ recall_string_literal(var('feature_event')) }}
                    then 1
            end
        ) as feature_event_count,
        min(
            case
                when events_credited.counts_as_active
                    then events_credited.event_at
            end
        ) as first_active_at,
        max(case when events_credited.counts_as_active then 1 else 0 end)
            as is_active

    from events_credited
    inner join users
        on events_credited.user_id = users.user_id
    where
        events_credited.event_date >= users.registration_date
        and events_credited.event_date >= users.reprocess_from
    group by
        events_credited.user_id,
        events_credited.event_date

),

order_days as (

    select
        orders.user_id,
        orders.order_date as activity_date,
        count(*) as order_count,
        count(case when orders.is_paid then 1 end) as paid_order_count,
        sum(orders.net_revenue) as net_revenue

    from orders
    group by
        orders.user_id,
        orders.order_date

),

callback_days as (

    select
        sends.user_id,
        {{ recall_local_date('callbacks.event_at') }} as activity_date,
        count(distinct case
            when callbacks.event_type = 'opened' then callbacks.send_id
        end) as message_open_count,
        count(distinct case
            when callbacks.event_type = 'clicked' then callbacks.send_id
        end) as message_click_count

    from callbacks
    inner join sends
        on callbacks.send_id = sends.send_id
    where
        {{ recall_local_date('callbacks.event_at') }} <= {{ as_of_date }}
        and {{ recall_local_date('callbacks.event_at') }} >= {{ from_date }}
    group by
        sends.user_id,
        {{ recall_local_date('callbacks.event_at') }}

),

active_days as (

    select
        event_days.user_id,
        event_days.activity_date

    from event_days
    where event_days.is_active = 1

    union

    select
        users.user_id,
        users.registration_date as activity_date

    from users
    where users.registration_date >= users.reprocess_from

),

{% if is_incremental() %}

last_active_before as (

    select
        this_table.user_id,
        max(this_table.activity_date) as previous_active_date

    from {{ this }} as this_table
    inner join users
        on this_table.user_id = users.user_id
    where this_table.activity_date < users.reprocess_from
    group by this_table.user_id

),

{% endif %}

days_sequenced as (

    select
        active_days.user_id,
        active_days.activity_date,
        lag(active_days.activity_date) over (
            partition by active_days.user_id
            order by active_days.activity_date
        ) as previous_active_date

    from active_days

),

final as (

    select
        days_sequenced.user_id,
        days_sequenced.activity_date,
        coalesce(event_days.event_count, 0) as event_count,
        coalesce(event_days.core_action_count, 0) as core_action_count,
        coalesce(event_days.session_count, 0) as session_count,
        coalesce(order_days.order_count, 0) as order_count,
        coalesce(order_days.paid_order_count, 0) as paid_order_count,
        cast(coalesce(order_days.net_revenue, 0) as decimal(18, 2))
            as net_revenue,
        coalesce(callback_days.message_open_count, 0)
            as message_open_count,
        coalesce(callback_days.message_click_count, 0)
            as message_click_count,
        coalesce(event_days.feature_event_count, 0) as feature_event_count,
        event_days.first_active_at,
        {{ recall_datediff('users.registration_date',
            'days_sequenced.activity_date', 'day') }}
            as days_since_registration,
        {{ recall_datediff(
            'coalesce(days_sequenced.previous_active_date'
            ~ (', last_active_before.previous_active_date'
               if is_incremental() else '') ~ ')',
            'days_sequenced.activity_date', 'day') }}
            as days_since_previous_active_day,
        {{ recall_run_timestamp() }} as loaded_at

    from days_sequenced
    inner join users
        on days_sequenced.user_id = users.user_id
    left join event_days
        on
            days_sequenced.user_id = event_days.user_id
            and days_sequenced.activity_date = event_days.activity_date
    left join order_days
        on
            days_sequenced.user_id = order_days.user_id
            and days_sequenced.activity_date = order_days.activity_date
    left join callback_days
        on
            days_sequenced.user_id = callback_days.user_id
            and days_sequenced.activity_date = callback_days.activity_date
    {% if is_incremental() %}
    left join last_active_before
        on days_sequenced.user_id = last_active_before.user_id
    {% endif %}

)

select * from final
