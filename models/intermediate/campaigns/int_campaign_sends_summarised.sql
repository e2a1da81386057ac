{#-
    One row per campaign x user with at least one clean send row: what was
    attempted and what the provider reported back (metrics.md §5, rulings
    R36, R41). Sent messages are sends with status sent; a send is early or
    late when its sent_at lies strictly outside [scheduled_at - tolerance,
    scheduled_at + tolerance] (var send_tolerance_minutes). A send counts as
    delivered when a delivered, opened or clicked callback proves it.
-#}
{%- set tolerance = var('send_tolerance_minutes') -%}

with

sends as (

    select
        send_id,
        campaign_id,
        user_id,
        scheduled_at,
        sent_at,
        status

    from {{ ref('int_message_sends_triaged') }}
    where row_status = 'clean'

),

callbacks as (

    select
        send_id,
        event_type,
        event_at

    from {{ ref('int_message_events_triaged') }}
    where
        row_status = 'clean'
        and event_type in ('delivered', 'opened', 'clicked')

),

sends_timed as (

    select
        sends.send_id,
        sends.campaign_id,
        sends.user_id,
        sends.status,
        sends.sent_at,
        case
            when sends.status = 'sent'
                and sends.sent_at < {{ dbt.dateadd(
                    'minute', -tolerance, 'sends.scheduled_at') }}
                then 1
            else 0
        end as is_early,
        case
            when sends.status = 'sent'
                and sends.sent_at > {{ dbt.dateadd(
                    'minute', tolerance, 'sends.scheduled_at') }}
                then 1
            else 0
        end as is_late

    from sends

),

callbacks_summarised as (

    select
        callbacks.send_id,
        min(callbacks.event_at) as first_delivered_at,
        min(
            case
                when callbacks.event_type = 'opened' then callbacks.event_at
            end
        ) as first_opened_at,
        min(
            case
                when callbacks.event_type = 'clicked' then callbacks.event_at
            end
        ) as first_clicked_at

    from callbacks
    group by callbacks.send_id

),

final as (

    select
        sends_timed.campaign_id,
        sends_timed.user_id,
        count(*) as send_attempt_count,
        count(case when sends_timed.status = 'sent' then 1 end) as sent_count,
        count(case when sends_timed.status = 'failed' then 1 end)
            as failed_count,
        count(case when sends_timed.status = 'suppressed' then 1 end)
            as suppressed_count,
        min(
            case when sends_timed.status = 'sent' then sends_timed.sent_at end
        ) as first_sent_at,
        sum(sends_timed.is_early) as early_count,
        sum(sends_timed.is_late) as late_count,
        min(callbacks_summarised.first_delivered_at) as first_delivered_at,
        min(callbacks_summarised.first_opened_at) as first_opened_at,
        min(callbacks_summarised.first_clicked_at) as first_clicked_at

    from sends_timed
    left join callbacks_summarised
        on sends_timed.send_id = callbacks_summarised.send_id
    group by
        sends_timed.campaign_id,
        sends_timed.user_id

)

select * from final
