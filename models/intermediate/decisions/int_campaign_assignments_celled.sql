{#-
    One row per campaign x assigned user (int_campaign_exposures_stated):
    the arm, the intent-to-treat outcome and the money of the attribution
    window, and the user's uplift cell as known at the end of the day
    before assignment (point in time, rulings R14, R41): recall lifecycle
    state (state_on_assignment; 'unregistered' when the user had no state
    then), value tier of that day (int_purchaser_days_tiered; 'none' for a
    user without a paid order by then) and response tier over the
    response_lookback_days up to that day (metrics.md §4, R29: sends whose
    day is in the window, callbacks dated on or before that day, every send
    to the user whatever the campaign). cell_id joins the three with '|'
    (state|value tier|response tier), e.g. 'silent|high|unknown'.
    sample_half splits the assignments by a portable hash of user_id (md5,
    dbt.hash): 'fit' when its last hex digit is 0-7, else 'evaluation';
    the held-out evaluation (rpt_uplift_evaluation) fits on one half and
    judges on the other. The same user falls in the same half in every
    campaign.
-#}
{%- set lookback = var('response_lookback_days') -%}

with

exposures as (

    select
        campaign_id,
        user_id,
        variant_id,
        is_control,
        assigned_at,
        state_on_assignment,
        sent_count,
        is_converted,
        gross_revenue_in_window,
        reward_cost_in_window,
        is_window_open

    from {{ ref('int_campaign_exposures_stated') }}

),

purchaser_days as (

    select
        user_id,
        date_day,
        value_tier

    from {{ ref('int_purchaser_days_tiered') }}

),

sends as (

    select
        send_id,
        user_id,
        channel,
        {{ recall_local_date('sent_at') }} as sent_date

    from {{ ref('int_message_sends_triaged') }}
    where
        row_status = 'clean'
        and status = 'sent'

),

callbacks as (

    select
        send_id,
        event_type,
        {{ recall_local_date('event_at') }} as event_date

    from {{ ref('int_message_events_triaged') }}
    where row_status = 'clean'

),

exposures_dated as (

    select
        exposures.*,
        {{ recall_add_days(
            recall_local_date('exposures.assigned_at'), -1) }}
            as known_date

    from exposures

),

sends_dated as (

    {#- Per send: the first day it counts as delivered (a delivered,
        opened or clicked callback) and the first day it counts as
        responded to (delivered and a qualifying touch for its channel,
        R29), so each assignment counts what was known on its own day. #}
    select
        sends.user_id,
        sends.sent_date,
        min(
            case
                when callbacks.event_type in ('delivered', 'opened', 'clicked')
                    then callbacks.event_date
            end
        ) as delivered_date,
        min(
            case
                when {{ recall_is_qualifying_touch('sends.channel',
                    'callbacks.event_type') }}
                    then callbacks.event_date
            end
        ) as touched_date

    from sends
    inner join callbacks
        on sends.send_id = callbacks.send_id
    group by
        sends.send_id,
        sends.user_id,
        sends.sent_date

),

responses_counted as (

    select
        exposures_dated.campaign_id,
        exposures_dated.user_id,
        count(
            case
                when sends_dated.delivered_date <= exposures_dated.known_date
                    then 1
            end
        ) as delivered_count,
        count(
            case
                when
                    sends_dated.delivered_date <= exposures_dated.known_date
                    and sends_dated.touched_date <= exposures_dated.known_date
                    then 1
            end
        ) as responded_count

    from exposures_dated
    inner join sends_dated
        on
            exposures_dated.user_id = sends_dated.user_id
            and {{ recall_is_in_trailing_window('sends_dated.sent_date',
                'exposures_dated.known_date', lookback) }}
    group by
        exposures_dated.campaign_id,
        exposures_dated.user_id

),

cells_known as (

    select
        exposures_dated.campaign_id,
        exposures_dated.user_id,
        exposures_dated.variant_id,
        exposures_dated.is_control,
        exposures_dated.assigned_at,
        exposures_dated.known_date,
        coalesce(exposures_dated.state_on_assignment, 'unregistered')
            as lifecycle_state,
        coalesce(purchaser_days.value_tier, 'none') as value_tier,
        {{ recall_response_tier(
            recall_safe_divide('responses_counted.responded_count',
                'responses_counted.delivered_count'),
            'coalesce(responses_counted.delivered_count, 0)') }}
            as response_tier,
        exposures_dated.sent_count,
        exposures_dated.is_converted,
        exposures_dated.gross_revenue_in_window,
        exposures_dated.reward_cost_in_window,
        exposures_dated.is_window_open,
        case
            when {{ dbt.right(dbt.hash('exposures_dated.user_id'), '1') }}
                < '8'
                then 'fit'
            else 'evaluation'
        end as sample_half

    from exposures_dated
    left join purchaser_days
        on
            exposures_dated.user_id = purchaser_days.user_id
            and exposures_dated.known_date = purchaser_days.date_day
    left join responses_counted
        on
            exposures_dated.campaign_id = responses_counted.campaign_id
            and exposures_dated.user_id = responses_counted.user_id

),

final as (

    select
        cells_known.campaign_id,
        cells_known.user_id,
        cells_known.variant_id,
        cells_known.is_control,
        cells_known.assigned_at,
        cells_known.known_date,
        cells_known.lifecycle_state,
        cells_known.value_tier,
        cells_known.response_tier,
        {{ dbt.concat(['cells_known.lifecycle_state', "'|'",
            'cells_known.value_tier', "'|'",
            'cells_known.response_tier']) }} as cell_id,
        cells_known.sample_half,
        cells_known.sent_count,
        cells_known.is_converted,
        cells_known.gross_revenue_in_window,
        cells_known.reward_cost_in_window,
        cells_known.is_window_open

    from cells_known

)

select * from final
