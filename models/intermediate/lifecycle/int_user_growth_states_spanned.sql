{#-
    One row per user per growth-state interval (metrics.md §2, Duolingo's
    seven states), from the registration day to as_of_date without gaps or
    overlaps; valid_to is exclusive and the interval holding on as_of_date
    ends on as_of_date + 1.

    Built from runs of consecutive active days ("streaks"), never from a
    user x day table. A streak starts with the state its gap (days since the
    previous active day) gives: new (no previous day), current (gap 1..7,
    only possible as gap 2..7 at a streak start), reactivated (8..30) or
    resurrected (31+); its other days are current. The start of a current
    streak and the rest of any streak are one current interval, so two
    intervals of a user that touch never share a state. After the streak's
    last active day e and before the next streak (or after as_of_date):
    at_risk_wau on e + 1 .. e + 6, at_risk_mau on e + 7 .. e + 29, dormant
    from e + 30 (days inactive 1..6, 7..29, 30+), each clipped.

    previous_growth_state is the state on valid_from - 1 (null on the
    registration interval): an active streak start follows at_risk_wau,
    at_risk_mau or dormant exactly as its gap is 2..7, 8..30 or 31+.
    The Duolingo windows 7 and 30 are fixed by design (rulings R18).
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

user_days as (

    select
        user_id,
        activity_date

    from {{ ref('int_user_days_aggregated') }}
    where activity_date <= {{ as_of_date }}

),

days_numbered as (

    select
        user_days.user_id,
        user_days.activity_date,
        row_number() over (
            partition by user_days.user_id
            order by user_days.activity_date
        ) as day_number

    from user_days

),

-- Consecutive active days share activity_date - day_number.
streaks_grouped as (

    select
        days_numbered.user_id,
        min(days_numbered.activity_date) as streak_start_date,
        max(days_numbered.activity_date) as streak_end_date

    from days_numbered
    group by
        days_numbered.user_id,
        {{ recall_add_days('days_numbered.activity_date',
            '-days_numbered.day_number') }}

),

streaks_sequenced as (

    select
        streaks_grouped.user_id,
        streaks_grouped.streak_start_date,
        streaks_grouped.streak_end_date,
        lag(streaks_grouped.streak_end_date) over (
            partition by streaks_grouped.user_id
            order by streaks_grouped.streak_start_date
        ) as previous_streak_end_date,
        lead(streaks_grouped.streak_start_date) over (
            partition by streaks_grouped.user_id
            order by streaks_grouped.streak_start_date
        ) as next_streak_start_date

    from streaks_grouped

),

gaps_measured as (

    select
        streaks_sequenced.user_id,
        streaks_sequenced.streak_start_date,
        streaks_sequenced.streak_end_date,
        {{ recall_datediff('streaks_sequenced.previous_streak_end_date',
            'streaks_sequenced.streak_start_date', 'day') }} as gap_days,
        coalesce(
            streaks_sequenced.next_streak_start_date,
            {{ recall_add_days(as_of_date, 1) }}
        ) as inactive_to,
        {{ recall_add_days('streaks_sequenced.streak_end_date', 1) }}
            as at_risk_wau_from,
        {{ recall_add_days('streaks_sequenced.streak_end_date', 7) }}
            as at_risk_mau_from,
        {{ recall_add_days('streaks_sequenced.streak_end_date', 30) }}
            as dormant_from

    from streaks_sequenced

),

streaks_classified as (

    select
        gaps_measured.user_id,
        gaps_measured.streak_start_date,
        gaps_measured.streak_end_date,
        gaps_measured.inactive_to,
        gaps_measured.at_risk_wau_from,
        gaps_measured.at_risk_mau_from,
        gaps_measured.dormant_from,
        case
            when gaps_measured.gap_days is null then 'new'
            when gaps_measured.gap_days <= 7 then 'current'
            when gaps_measured.gap_days <= 30 then 'reactivated'
            else 'resurrected'
        end as start_state,
        case
            when gaps_measured.gap_days is null then null
            when gaps_measured.gap_days <= 7 then 'at_risk_wau'
            when gaps_measured.gap_days <= 30 then 'at_risk_mau'
            else 'dormant'
        end as state_before_start,
        case
            when
                gaps_measured.streak_end_date > gaps_measured.streak_start_date
                or gaps_measured.gap_days <= 7
                then 'current'
            when gaps_measured.gap_days is null then 'new'
            when gaps_measured.gap_days <= 30 then 'reactivated'
            else 'resurrected'
        end as end_state

    from gaps_measured

),

streak_starts as (

    select
        streaks_classified.user_id,
        streaks_classified.start_state as growth_state,
        streaks_classified.streak_start_date as valid_from,
        case
            when streaks_classified.start_state = 'current'
                then streaks_classified.at_risk_wau_from
            else
                {{ recall_add_days('streaks_classified.streak_start_date', 1) }}
        end as valid_to,
        streaks_classified.state_before_start as previous_growth_state

    from streaks_classified

),

streak_rests as (

    select
        streaks_classified.user_id,
        'current' as growth_state,
        {{ recall_add_days('streaks_classified.streak_start_date', 1) }}
            as valid_from,
        streaks_classified.at_risk_wau_from as valid_to,
        streaks_classified.start_state as previous_growth_state

    from streaks_classified
    where
        streaks_classified.start_state <> 'current'
        and streaks_classified.streak_end_date
        > streaks_classified.streak_start_date

),

at_risk_wau_spans as (

    select
        streaks_classified.user_id,
        'at_risk_wau' as growth_state,
        streaks_classified.at_risk_wau_from as valid_from,
        case
            when
                streaks_classified.at_risk_mau_from
                < streaks_classified.inactive_to
                then streaks_classified.at_risk_mau_from
            else streaks_classified.inactive_to
        end as valid_to,
        streaks_classified.end_state as previous_growth_state

    from streaks_classified
    where
        streaks_classified.at_risk_wau_from < streaks_classified.inactive_to

),

at_risk_mau_spans as (

    select
        streaks_classified.user_id,
        'at_risk_mau' as growth_state,
        streaks_classified.at_risk_mau_from as valid_from,
        case
            when
                streaks_classified.dormant_from
                < streaks_classified.inactive_to
                then streaks_classified.dormant_from
            else streaks_classified.inactive_to
        end as valid_to,
        'at_risk_wau' as previous_growth_state

    from streaks_classified
    where
        streaks_classified.at_risk_mau_from < streaks_classified.inactive_to

),

dormant_spans as (

    select
        streaks_classified.user_id,
        'dormant' as growth_state,
        streaks_classified.dormant_from as valid_from,
        streaks_classified.inactive_to as valid_to,
        'at_risk_mau' as previous_growth_state

    from streaks_classified
    where streaks_classified.dormant_from < streaks_classified.inactive_to

),

spans_unioned as (

    select * from streak_starts
    union all
    select * from streak_rests
    union all
    select * from at_risk_wau_spans
    union all
    select * from at_risk_mau_spans
    union all
    select * from dormant_spans

),

final as (

    select
        spans_unioned.user_id,
        spans_unioned.growth_state,
        spans_unioned.valid_from,
        spans_unioned.valid_to,
        spans_unioned.previous_growth_state,
        spans_unioned.valid_to > {{ as_of_date }} as is_open

    from spans_unioned

)

select * from final
