{#-
    One row per returned inactivity episode: when the user came back and
    whether a campaign gets the credit by the last-touch rule (metrics.md
    §1, rulings R15, R16): recalled when a qualifying touch falls in
    [start of silent_from_date, return_at] and return_at is within the
    campaign's attribution window after it; the latest such touch wins.
    Credit is not causation: see the incrementality marts for that.
-#}

with

episodes as (

    select
        episode_id,
        user_id,
        silent_from_date,
        return_date

    from {{ ref('int_inactivity_episodes_spanned') }}
    where return_date is not null

),

user_days as (

    select
        user_id,
        activity_date,
        first_active_at

    from {{ ref('fct_user_days') }}

),

touches as (

    select
        message_event_id,
        send_id,
        campaign_id,
        variant_id,
        user_id,
        channel,
        touch_at,
        attribution_window_days

    from {{ ref('int_message_touches_qualified') }}

),

returns_timed as (

    select
        episodes.episode_id,
        episodes.user_id,
        episodes.silent_from_date,
        episodes.return_date,
        user_days.first_active_at as return_at

    from episodes
    inner join user_days
        on
            episodes.user_id = user_days.user_id
            and episodes.return_date = user_days.activity_date

),

touches_matched as (

    select
        returns_timed.episode_id,
        touches.campaign_id,
        touches.variant_id,
        touches.channel,
        touches.send_id,
        touches.touch_at,
        row_number() over (
            partition by returns_timed.episode_id
            order by touches.touch_at desc, touches.message_event_id desc
        ) as touch_rank

    from returns_timed
    inner join touches
        on
            returns_timed.user_id = touches.user_id
            and {{ recall_local_day_start_at(
                'returns_timed.silent_from_date') }}
            <= touches.touch_at
            and returns_timed.return_at >= touches.touch_at
            and returns_timed.return_at
            <= {{ dbt.dateadd('day', 'touches.attribution_window_days',
                'touches.touch_at') }}

),

credited_touches as (

    select *
    from touches_matched
    where touch_rank = 1

),

final as (

    select
        returns_timed.episode_id,
        returns_timed.user_id,
        returns_timed.return_date,
        returns_timed.return_at,
        case
            when credited_touches.episode_id is not null then 'recalled'
            else 'natural'
        end as return_type,
        credited_touches.campaign_id as credited_campaign_id,
        credited_touches.variant_id as credited_variant_id,
        credited_touches.channel as credited_channel,
        credited_touches.send_id as credited_send_id,
        credited_touches.touch_at,
        {{ recall_datediff('credited_touches.touch_at',
            'returns_timed.return_at', 'millisecond') }}
        / cast(3600000 as {{ recall_type_double() }})
            as hours_from_touch_to_return

    from returns_timed
    left join credited_touches
        on returns_timed.episode_id = credited_touches.episode_id

)

select * from final
