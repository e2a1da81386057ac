{#-
    One row per registered user (registration day on or before as_of_date):
    messages sent, delivered and responded to over the last
    response_lookback_days and the response tier (metrics.md §4, rulings
    R29). A send counts when its status is sent and its day (the
    reporting-time-zone date of sent_at, R6) is in (as_of_date -
    response_lookback_days, as_of_date]. It is delivered with a delivered,
    opened or clicked callback, and responded to when delivered and one of
    its callbacks is a qualifying touch for its channel (var
    qualifying_touches, macro recall_is_qualifying_touch), with callbacks
    dated on or before as_of_date (R7). Every send to the user counts,
    whatever the campaign arm: responsiveness is a property of the user.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

users as (

    select user_id
    from {{ ref('int_users_current') }}
    where registration_date <= {{ as_of_date }}

),

sends as (

    select
        send_id,
        user_id,
        channel

    from {{ ref('int_message_sends_triaged') }}
    where
        row_status = 'clean'
        and status = 'sent'
        and {{ recall_is_in_trailing_window(recall_local_date('sent_at'),
            as_of_date, var('response_lookback_days')) }}

),

callbacks as (

    select
        send_id,
        event_type

    from {{ ref('int_message_events_triaged') }}
    where
        row_status = 'clean'
        and {{ recall_local_date('event_at') }} <= {{ as_of_date }}

),

callbacks_joined_to_sends as (

    select
        sends.user_id,
        sends.send_id,
        case
            when callbacks.event_type in ('delivered', 'opened', 'clicked')
                then 1
            else 0
        end as is_delivery,
        case
            when {{ recall_is_qualifying_touch('sends.channel',
                'callbacks.event_type') }}
                then 1
            else 0
        end as is_qualifying_touch

    from sends
    inner join callbacks
        on sends.send_id = callbacks.send_id

),

sends_flagged as (

    select
        callbacks_joined_to_sends.user_id,
        callbacks_joined_to_sends.send_id,
        max(callbacks_joined_to_sends.is_delivery) as is_delivered,
        max(callbacks_joined_to_sends.is_qualifying_touch)
            as has_qualifying_touch

    from callbacks_joined_to_sends
    group by
        callbacks_joined_to_sends.user_id,
        callbacks_joined_to_sends.send_id

),

sends_counted as (

    select
        sends.user_id,
        count(*) as sent_count

    from sends
    group by sends.user_id

),

responses_counted as (

    select
        sends_flagged.user_id,
        sum(sends_flagged.is_delivered) as delivered_count,
        sum(sends_flagged.is_delivered * sends_flagged.has_qualifying_touch)
            as responded_count

    from sends_flagged
    group by sends_flagged.user_id

),

rates_measured as (

    select
        users.user_id,
        coalesce(sends_counted.sent_count, 0) as sent_count,
        coalesce(responses_counted.delivered_count, 0) as delivered_count,
        coalesce(responses_counted.responded_count, 0) as responded_count,
        case
            when responses_counted.delivered_count > 0
                then
                    cast(
                        responses_counted.responded_count
                        as {{ recall_type_double() }}
                    )
                    / responses_counted.delivered_count
        end as response_rate

    from users
    left join sends_counted
        on users.user_id = sends_counted.user_id
    left join responses_counted
        on users.user_id = responses_counted.user_id

),

final as (

    select
        rates_measured.user_id,
        cast(rates_measured.sent_count as {{ dbt.type_bigint() }})
            as sent_count,
        cast(rates_measured.delivered_count as {{ dbt.type_bigint() }})
            as delivered_count,
        cast(rates_measured.responded_count as {{ dbt.type_bigint() }})
            as responded_count,
        rates_measured.response_rate,
        {{ recall_response_tier('rates_measured.response_rate',
            'rates_measured.delivered_count') }} as response_tier

    from rates_measured

)

select * from final
