{#-
    One row per clean `clicked` callback of a clean send on a channel whose
    click opens the app (opens_app in the var channels: push, sms, email and
    in_app by default; rulings R45): whether a clean app_open carrying the
    send's id followed it within click_to_open_minutes, both ends included
    (an app_open at exactly the click or exactly click_to_open_minutes later
    counts).
-#}

with

callbacks as (

    select
        message_event_id,
        send_id,
        event_at

    from {{ ref('int_message_events_triaged') }}
    where
        row_status = 'clean'
        and event_type = 'clicked'

),

sends as (

    select
        send_id,
        channel

    from {{ ref('int_message_sends_triaged') }}
    where
        row_status = 'clean'
        and channel in (
            {{ recall_sql_list(recall_channels(opens_app=true)
                | map(attribute='channel') | list) }}
        )

),

app_opens as (

    select
        send_id,
        event_at

    from {{ ref('int_events_cleaned') }}
    where
        is_clean
        and event_name = 'app_open'
        and send_id is not null

),

clicks_joined_to_sends as (

    select
        callbacks.message_event_id,
        callbacks.send_id,
        sends.channel,
        callbacks.event_at as clicked_at,
        {{ dbt.dateadd('minute', var('click_to_open_minutes'),
            'callbacks.event_at') }} as open_deadline_at

    from callbacks
    inner join sends
        on callbacks.send_id = sends.send_id

),

clicks_matched as (

    select
        clicks_joined_to_sends.message_event_id,
        count(app_opens.send_id) as app_open_count

    from clicks_joined_to_sends
    left join app_opens
        on
            clicks_joined_to_sends.send_id = app_opens.send_id
            and clicks_joined_to_sends.clicked_at <= app_opens.event_at
            and clicks_joined_to_sends.open_deadline_at >= app_opens.event_at
    group by clicks_joined_to_sends.message_event_id

),

final as (

    select
        clicks_joined_to_sends.message_event_id,
        clicks_joined_to_sends.send_id,
        clicks_joined_to_sends.channel,
        clicks_joined_to_sends.clicked_at,
        {{ recall_local_date('clicks_joined_to_sends.clicked_at') }}
            as click_date,
        clicks_matched.app_open_count > 0 as is_followed_by_app_open

    from clicks_joined_to_sends
    inner join clicks_matched
        on
            clicks_joined_to_sends.message_event_id
            = clicks_matched.message_event_id

)

select * from final
