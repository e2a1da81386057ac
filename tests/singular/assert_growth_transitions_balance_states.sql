{{ config(severity='error') }}
{#-
    Transitions and daily states agree (metrics.md §2, rulings R19), on
    every day after the first calendar day:
    - outflows: for each state s, the users of all transitions from s on d
      add up to the users in s on d - 1;
    - inflows: for each state s, the users of all transitions into s on d
      add up to the users in s on d, except the users registering on d
      (all of them new, and in no transition), so nothing flows into new.
    Inflows are counted from interval starts and state sizes, outflows partly
    from state sizes, so the inflow check ties the two computations together.
    Returns the (day, state) pairs that fail.
-#}
with

calendar_days as (

    select
        date_day,
        min(date_day) over () as first_day

    from {{ ref('int_calendar_days_spined') }}

),

states as (

    select
        date_day,
        growth_state,
        users_count

    from {{ ref('rpt_growth_states_daily') }}

),

outflows as (

    select
        date_day,
        from_state as growth_state,
        sum(users_count) as users_count

    from {{ ref('rpt_growth_transitions_daily') }}
    group by date_day, from_state

),

inflows as (

    select
        date_day,
        to_state as growth_state,
        sum(users_count) as users_count

    from {{ ref('rpt_growth_transitions_daily') }}
    group by date_day, to_state

),

checked as (

    select
        calendar_days.date_day,
        today.growth_state,
        yesterday.users_count as users_count_day_before,
        coalesce(outflows.users_count, 0) as outflow_count,
        today.users_count as users_count_today,
        coalesce(inflows.users_count, 0) as inflow_count

    from calendar_days
    inner join states as today
        on calendar_days.date_day = today.date_day
    left join states as yesterday
        on
            today.growth_state = yesterday.growth_state
            and yesterday.date_day
            = {{ recall_add_days('calendar_days.date_day', -1) }}
    left join outflows
        on
            today.date_day = outflows.date_day
            and today.growth_state = outflows.growth_state
    left join inflows
        on
            today.date_day = inflows.date_day
            and today.growth_state = inflows.growth_state
    where calendar_days.date_day > calendar_days.first_day

),

transitions_outside_calendar as (

    select transitions.date_day
    from {{ ref('rpt_growth_transitions_daily') }} as transitions
    left join calendar_days
        on transitions.date_day = calendar_days.date_day
    where
        calendar_days.date_day is null
        or transitions.date_day = calendar_days.first_day

)

select
    date_day,
    growth_state,
    users_count_day_before,
    outflow_count,
    users_count_today,
    inflow_count

from checked
where
    users_count_day_before is null
    or outflow_count <> users_count_day_before
    or (growth_state = 'new' and inflow_count <> 0)
    or (growth_state <> 'new' and inflow_count <> users_count_today)

union all

select
    date_day,
    'outside the calendar' as growth_state,
    null as users_count_day_before,
    null as outflow_count,
    null as users_count_today,
    null as inflow_count

from transitions_outside_calendar
