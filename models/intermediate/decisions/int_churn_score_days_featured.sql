{#-
    One row per user per score day: every day on which the user is active
    or silent at the end of the day (metrics.md §1), from the first
    lifecycle day to as_of_date, with the features of the churn-risk cells
    known at the end of that day (point in time, rulings R14) and the
    outcome: whether the user's state turns churned on a day in
    (score_date, score_date + churn_horizon_days]. The outcome is known
    once that window has closed on or before as_of_date (null before).
    Days inactive and the churn day come from the lifecycle's own pieces
    (int_user_lifecycle_segments): a piece keeps the active day it follows,
    and the churned piece after the same active day starts on the churn
    day.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set horizon = var('churn_horizon_days') -%}
{%- set window = var('declining_window_days') -%}

with

days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

pieces as (

    select
        user_id,
        lifecycle_state,
        registration_date,
        last_active_date,
        valid_from,
        valid_to

    from {{ ref('int_user_lifecycle_segments') }}
    where lifecycle_state in ('active', 'silent')

),

churned_pieces as (

    select
        user_id,
        last_active_date,
        valid_from as churned_from_date

    from {{ ref('int_user_lifecycle_segments') }}
    where lifecycle_state = 'churned'

),

user_days as (

    select
        user_id,
        activity_date

    from {{ ref('int_user_days_aggregated') }}

),

purchaser_days as (

    select
        user_id,
        date_day,
        value_tier

    from {{ ref('int_purchaser_days_tiered') }}

),

score_days_spanned as (

    select
        pieces.user_id,
        days.date_day as score_date,
        pieces.lifecycle_state,
        pieces.registration_date,
        pieces.last_active_date

    from pieces
    inner join days
        on
            pieces.valid_from <= days.date_day
            and pieces.valid_to > days.date_day
    where days.date_day <= {{ as_of_date }}

),

activity_counted as (

    {#- Active days in the two declining windows up to the score day: the
        recent one (score_date - window, score_date] and the one before. #}
    select
        score_days_spanned.user_id,
        score_days_spanned.score_date,
        sum(
            case
                when
                    user_days.activity_date
                    > {{ recall_add_days('score_days_spanned.score_date',
                        -1 * window) }}
                    then 1
                else 0
            end
        ) as recent_active_days_count,
        sum(
            case
                when
                    user_days.activity_date
                    <= {{ recall_add_days('score_days_spanned.score_date',
                        -1 * window) }}
                    then 1
                else 0
            end
        ) as earlier_active_days_count

    from score_days_spanned
    inner join user_days
        on
            score_days_spanned.user_id = user_days.user_id
            and score_days_spanned.score_date >= user_days.activity_date
            and {{ recall_add_days('score_days_spanned.score_date',
                -2 * window) }} < user_days.activity_date
    group by
        score_days_spanned.user_id,
        score_days_spanned.score_date

),

features_joined as (

    select
        score_days_spanned.user_id,
        score_days_spanned.score_date,
        score_days_spanned.lifecycle_state,
        {{ recall_datediff('score_days_spanned.last_active_date',
            'score_days_spanned.score_date', 'day') }} as days_inactive,
        {{ recall_datediff('score_days_spanned.registration_date',
            'score_days_spanned.score_date', 'day') }} as tenure_days,
        coalesce(activity_counted.recent_active_days_count, 0)
        + coalesce(activity_counted.earlier_active_days_count, 0)
            as window_active_days_count,
        {{ recall_is_declining(
            'coalesce(activity_counted.recent_active_days_count, 0)',
            'coalesce(activity_counted.earlier_active_days_count, 0)') }}
            as is_declining,
        coalesce(purchaser_days.value_tier, 'none') as value_tier,
        churned_pieces.churned_from_date

    from score_days_spanned
    left join activity_counted
        on
            score_days_spanned.user_id = activity_counted.user_id
            and score_days_spanned.score_date = activity_counted.score_date
    left join purchaser_days
        on
            score_days_spanned.user_id = purchaser_days.user_id
            and score_days_spanned.score_date = purchaser_days.date_day
    left join churned_pieces
        on
            score_days_spanned.user_id = churned_pieces.user_id
            and score_days_spanned.last_active_date
            = churned_pieces.last_active_date

),

final as (

    select
        features_joined.user_id,
        features_joined.score_date,
        features_joined.lifecycle_state,
        features_joined.days_inactive,
        cast(
            features_joined.window_active_days_count as {{ dbt.type_bigint() }}
        ) as window_active_days_count,
        {#- Activity bands: active days in the last 2 x
            declining_window_days. -#}
        case
            when features_joined.window_active_days_count <= 1 then '0-1'
            when features_joined.window_active_days_count <= 3 then '2-3'
            when features_joined.window_active_days_count <= 7 then '4-7'
            when features_joined.window_active_days_count <= 14 then '8-14'
            else '15+'
        end as activity_band,
        features_joined.is_declining,
        {#- The stages of metrics.md §1, by tenure on the score day. -#}
        case
            when
                features_joined.tenure_days
                < {{ var('stage_growth_after_days') }}
                then 'new_stage'
            when
                features_joined.tenure_days
                < {{ var('stage_mature_after_days') }}
                then 'growth'
            else 'mature'
        end as tenure_stage,
        features_joined.value_tier,
        {{ recall_add_days('features_joined.score_date', horizon) }}
            as outcome_closed_date,
        case
            when
                {{ recall_add_days('features_joined.score_date', horizon) }}
                <= {{ as_of_date }}
                then
                    coalesce(
                        features_joined.churned_from_date
                        <= {{ recall_add_days('features_joined.score_date',
                            horizon) }},
                        false
                    )
        end as is_churned_within_horizon

    from features_joined

)

select * from final
