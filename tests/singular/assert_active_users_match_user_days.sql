{{ config(severity='error') }}
{#-
    WAU and MAU of rpt_active_users_daily equal a second, independent count
    from fct_user_days: a user is in WAU on day d when their latest active
    day on or before d is on or after d - 6 (MAU: d - 29). Counted by deltas
    over each user's active days, +1 on an active day a and -1 on the
    earlier of a + 7 (a + 30) and the user's next active day, without a
    user x day table. Also every fct_user_days day counts in DAU. Returns
    the days that disagree.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
with

user_days as (

    select
        user_id,
        activity_date,
        lead(activity_date) over (
            partition by user_id order by activity_date
        ) as next_active_date

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

deltas as (

    select activity_date as date_day, 1 as wau_delta, 1 as mau_delta
    from user_days

    union all

    select
        case
            when next_active_date < {{ recall_add_days('activity_date', 7) }}
                then next_active_date
            else {{ recall_add_days('activity_date', 7) }}
        end as date_day,
        -1 as wau_delta,
        0 as mau_delta
    from user_days

    union all

    select
        case
            when next_active_date < {{ recall_add_days('activity_date', 30) }}
                then next_active_date
            else {{ recall_add_days('activity_date', 30) }}
        end as date_day,
        0 as wau_delta,
        -1 as mau_delta
    from user_days

),

deltas_by_day as (

    select
        date_day,
        sum(wau_delta) as wau_delta,
        sum(mau_delta) as mau_delta

    from deltas
    group by date_day

),

counts_by_day as (

    select
        calendar_days.date_day,
        sum(coalesce(deltas_by_day.wau_delta, 0)) over (
            order by calendar_days.date_day
            rows between unbounded preceding and current row
        ) as wau,
        sum(coalesce(deltas_by_day.mau_delta, 0)) over (
            order by calendar_days.date_day
            rows between unbounded preceding and current row
        ) as mau

    from {{ ref('int_calendar_days_spined') }} as calendar_days
    left join deltas_by_day
        on calendar_days.date_day = deltas_by_day.date_day

)

select
    counts_by_day.date_day,
    counts_by_day.wau as expected_wau,
    active_users.wau,
    counts_by_day.mau as expected_mau,
    active_users.mau

from counts_by_day
full outer join {{ ref('rpt_active_users_daily') }} as active_users
    on counts_by_day.date_day = active_users.date_day
where
    counts_by_day.date_day is null
    or active_users.date_day is null
    or counts_by_day.wau <> active_users.wau
    or counts_by_day.mau <> active_users.mau
