{#-
    One row per registered user (registration day on or before as_of_date),
    with activity bounds, the recall lifecycle state and days inactive on
    as_of_date, and reachability per channel (rulings R30).
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{#- The channels of the registry whose reachability dim_users publishes; each
    has its rule (R30) in the step reachability below. -#}
{%- set reachable_columns = [] -%}
{%- for channel in recall_channels(reachability=true) -%}
    {%- do reachable_columns.append(
        'reachability.is_reachable_' ~ channel.channel) -%}
{%- endfor -%}

with

users as (

    select
        user_id,
        registration_date,
        acquisition_channel,
        platform,
        country,
        timezone,
        push_enabled,
        has_phone,
        has_email,
        sms_opt_out,
        email_opt_out

    from {{ ref('int_users_current') }}
    where registration_date <= {{ as_of_date }}

),

user_days as (

    select
        user_id,
        activity_date

    from {{ ref('fct_user_days') }}

),

uninstalls as (

    select
        events.user_id,
        events.device_id,
        events.event_date

    from {{ ref('int_events_cleaned') }} as events
    where
        events.is_clean
        and events.event_name = 'app_uninstall'
        and events.event_date <= {{ as_of_date }}

),

device_users as (

    select
        device_id,
        user_id

    from {{ ref('int_device_users') }}

),

email_callbacks as (

    select
        sends.user_id,
        callbacks.event_type,
        callbacks.event_at

    from {{ ref('int_message_events_triaged') }} as callbacks
    inner join {{ ref('int_message_sends_triaged') }} as sends
        on callbacks.send_id = sends.send_id
    where
        callbacks.row_status = 'clean'
        and sends.row_status = 'clean'
        and sends.channel = 'email'
        and callbacks.event_type in ('delivered', 'bounced')
        and {{ recall_local_date('callbacks.event_at') }} <= {{ as_of_date }}

),

activity_bounds as (

    select
        user_days.user_id,
        min(user_days.activity_date) as first_active_date,
        max(user_days.activity_date) as last_active_date

    from user_days
    group by user_days.user_id

),

uninstalls_credited as (

    select
        coalesce(uninstalls.user_id, device_users.user_id) as user_id,
        max(uninstalls.event_date) as last_uninstall_date

    from uninstalls
    left join device_users
        on
            uninstalls.user_id is null
            and uninstalls.device_id = device_users.device_id
    group by coalesce(uninstalls.user_id, device_users.user_id)

),

email_health as (

    select
        email_callbacks.user_id,
        max(case
            when email_callbacks.event_type = 'delivered'
                then email_callbacks.event_at
        end) as last_delivered_at,
        max(case
            when email_callbacks.event_type = 'bounced'
                then email_callbacks.event_at
        end) as last_bounced_at

    from email_callbacks
    group by email_callbacks.user_id

),

reachability as (

    select
        users.user_id,
        coalesce(users.push_enabled, false)
        and (
            uninstalls_credited.last_uninstall_date is null
            or uninstalls_credited.last_uninstall_date
            <= activity_bounds.last_active_date
        ) as is_reachable_push,
        coalesce(users.has_phone, false)
        and not coalesce(users.sms_opt_out, false) as is_reachable_sms,
        coalesce(users.has_email, false)
        and not coalesce(users.email_opt_out, false)
        and (
            email_health.last_bounced_at is null
            or email_health.last_bounced_at < coalesce(
                email_health.last_delivered_at, email_health.last_bounced_at
            )
        ) as is_reachable_email

    from users
    left join activity_bounds
        on users.user_id = activity_bounds.user_id
    left join uninstalls_credited
        on users.user_id = uninstalls_credited.user_id
    left join email_health
        on users.user_id = email_health.user_id

),

states_measured as (

    select
        users.user_id,
        {{ recall_datediff('users.registration_date', as_of_date, 'day') }}
            as days_since_registration,
        {{ recall_datediff('activity_bounds.last_active_date', as_of_date,
            'day') }} as days_inactive

    from users
    inner join activity_bounds
        on users.user_id = activity_bounds.user_id

),

final as (

    select
        users.user_id,
        users.registration_date,
        coalesce(users.acquisition_channel, 'unknown')
            as acquisition_channel,
        users.platform,
        users.country,
        users.timezone,
        activity_bounds.first_active_date,
        activity_bounds.last_active_date,
        {{ recall_lifecycle_state('states_measured.days_since_registration',
            'states_measured.days_inactive') }} as lifecycle_state,
        states_measured.days_inactive,
        {%- for column in reachable_columns %}
        {{ column }},
        {%- endfor %}
        {{ reachable_columns | join('\n        or ') }} as is_reachable

    from users
    inner join activity_bounds
        on users.user_id = activity_bounds.user_id
    inner join states_measured
        on users.user_id = states_measured.user_id
    inner join reachability
        on users.user_id = reachability.user_id

)

select * from final
