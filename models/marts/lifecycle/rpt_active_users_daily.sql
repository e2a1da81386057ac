{#-
    One row per calendar day: DAU, WAU, MAU and stickiness (metrics.md §2)
    over registered users (rulings R20), read straight from fct_user_days so
    that the growth-state identities (WAU = DAU + at_risk_wau, ...) check
    two independent computations.

    WAU by deltas, no user x day table: an active day a covers the days
    a .. a + 6. Its window adds to what the user's previous active day
    (gap g days before) already covers only from a + 7 - min(g, 7) (from a
    when there is no previous day), so each active day contributes +1 on
    that day and -1 on a + 7; the running sum over days is the number of
    users with an active day in [d - 6, d]. MAU the same with 30.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

calendar_days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

user_days as (

    select
        activity_date,
        -- A first active day covers its windows like one after a long gap.
        coalesce(days_since_previous_active_day, 30)
            as days_since_previous_active_day

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

active_deltas as (

    select
        user_days.activity_date as date_day,
        1 as dau_delta,
        0 as wau_delta,
        0 as mau_delta

    from user_days

),

weekly_entries as (

    select
        case
            when user_days.days_since_previous_active_day >= 7
                then user_days.activity_date
            else
                {{ recall_add_days('user_days.activity_date',
                    '7 - user_days.days_since_previous_active_day') }}
        end as date_day,
        0 as dau_delta,
        1 as wau_delta,
        0 as mau_delta

    from user_days

),

weekly_exits as (

    select
        {{ recall_add_days('user_days.activity_date', 7) }} as date_day,
        0 as dau_delta,
        -1 as wau_delta,
        0 as mau_delta

    from user_days

),

monthly_entries as (

    select
        case
            when user_days.days_since_previous_active_day >= 30
                then user_days.activity_date
            else
                {{ recall_add_days('user_days.activity_date',
                    '30 - user_days.days_since_previous_active_day') }}
        end as date_day,
        0 as dau_delta,
        0 as wau_delta,
        1 as mau_delta

    from user_days

),

monthly_exits as (

    select
        {{ recall_add_days('user_days.activity_date', 30) }} as date_day,
        0 as dau_delta,
        0 as wau_delta,
        -1 as mau_delta

    from user_days

),

deltas_unioned as (

    select * from active_deltas
    union all
    select * from weekly_entries
    union all
    select * from weekly_exits
    union all
    select * from monthly_entries
    union all
    select * from monthly_exits

),

deltas_summed as (

    select
        deltas_unioned.date_day,
        sum(deltas_unioned.dau_delta) as dau_delta,
        sum(deltas_unioned.wau_delta) as wau_delta,
        sum(deltas_unioned.mau_delta) as mau_delta

    from deltas_unioned
    where deltas_unioned.date_day <= {{ as_of_date }}
    group by deltas_unioned.date_day

),

deltas_accumulated as (

    select
        calendar_days.date_day,
        coalesce(deltas_summed.dau_delta, 0) as dau,
        sum(coalesce(deltas_summed.wau_delta, 0)) over (
            order by calendar_days.date_day
            rows between unbounded preceding and current row
        ) as wau,
        sum(coalesce(deltas_summed.mau_delta, 0)) over (
            order by calendar_days.date_day
            rows between unbounded preceding and current row
        ) as mau

    from calendar_days
    left join deltas_summed
        on calendar_days.date_day = deltas_summed.date_day

),

final as (

    select
        deltas_accumulated.date_day,
        cast(deltas_accumulated.dau as {{ dbt.type_bigint() }}) as dau,
        cast(deltas_accumulated.wau as {{ dbt.type_bigint() }}) as wau,
        cast(deltas_accumulated.mau as {{ dbt.type_bigint() }}) as mau,
        {{ recall_safe_divide('deltas_accumulated.dau',
            'deltas_accumulated.mau') }} as stickiness

    from deltas_accumulated

)

select * from final
