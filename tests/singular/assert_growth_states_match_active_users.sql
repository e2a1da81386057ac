{{ config(severity='error') }}
{#-
    The growth states add up to the active-user counts, which
    rpt_active_users_daily computes from fct_user_days without the growth
    states (metrics.md §2): DAU = new + current + reactivated + resurrected,
    WAU = DAU + at_risk_wau, MAU = WAU + at_risk_mau; DAU is the number of
    fct_user_days rows of the day; and the seven states together hold every
    registered user (registration day <= date_day, rulings R20). Returns the
    days where any of that fails.
-#}
with

states_pivoted as (

    select
        date_day,
        sum(case
            when growth_state in ('new', 'current', 'reactivated',
                'resurrected') then users_count else 0
        end) as active_count,
        sum(case when growth_state = 'at_risk_wau' then users_count else 0 end)
            as at_risk_wau_count,
        sum(case when growth_state = 'at_risk_mau' then users_count else 0 end)
            as at_risk_mau_count,
        sum(users_count) as users_count

    from {{ ref('rpt_growth_states_daily') }}
    group by date_day

),

user_days_counted as (

    select
        activity_date as date_day,
        count(*) as active_count

    from {{ ref('fct_user_days') }}
    group by activity_date

),

registrations_counted as (

    select
        registration_date,
        count(*) as registered_count

    from {{ ref('int_users_current') }}
    where registration_date <= {{ recall_as_of_date_sql() }}
    group by registration_date

),

days_checked as (

    select
        active_users.date_day,
        active_users.dau,
        active_users.wau,
        active_users.mau,
        states_pivoted.active_count,
        states_pivoted.at_risk_wau_count,
        states_pivoted.at_risk_mau_count,
        states_pivoted.users_count,
        coalesce(user_days_counted.active_count, 0) as user_days_count,
        (
            select coalesce(sum(registrations_counted.registered_count), 0)
            from registrations_counted
            where
                registrations_counted.registration_date
                <= active_users.date_day
        ) as registered_count

    from {{ ref('rpt_active_users_daily') }} as active_users
    full outer join states_pivoted
        on active_users.date_day = states_pivoted.date_day
    left join user_days_counted
        on active_users.date_day = user_days_counted.date_day

)

select *
from days_checked
where
    date_day is null
    or dau is null
    or active_count is null
    or dau <> active_count
    or dau <> user_days_count
    or wau <> dau + at_risk_wau_count
    or mau <> wau + at_risk_mau_count
    or users_count <> registered_count
