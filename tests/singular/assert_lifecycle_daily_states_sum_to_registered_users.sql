{#-
    Every registered user is in exactly one state every day: the users of
    the four states of rpt_lifecycle_daily add up to the users registered on
    or before the day, and on as_of_date each state's users are those that
    dim_users (which applies recall_lifecycle_state day by day) puts in it.
    Returns the days (and as_of states) where that fails.
-#}
{{ config(severity='error') }}

{%- set as_of_date = recall_as_of_date_sql() -%}

with

daily as (

    select
        date_day,
        lifecycle_state,
        users_count

    from {{ ref('rpt_lifecycle_daily') }}

),

users as (

    select
        registration_date,
        lifecycle_state

    from {{ ref('dim_users') }}

),

days_summed as (

    select
        daily.date_day,
        sum(daily.users_count) as state_users_count

    from daily
    group by daily.date_day

),

registered_by_day as (

    select
        days_summed.date_day,
        days_summed.state_users_count,
        (
            select count(*)
            from users
            where users.registration_date <= days_summed.date_day
        ) as registered_users_count

    from days_summed

),

as_of_states as (

    select
        users.lifecycle_state,
        count(*) as dim_users_count

    from users
    group by users.lifecycle_state

)

select
    'day' as failure_kind,
    registered_by_day.date_day,
    null as lifecycle_state,
    registered_by_day.state_users_count as reported_count,
    registered_by_day.registered_users_count as expected_count
from registered_by_day
where
    registered_by_day.state_users_count
    <> registered_by_day.registered_users_count

union all

select
    'as_of_state' as failure_kind,
    daily.date_day,
    daily.lifecycle_state,
    daily.users_count as reported_count,
    coalesce(as_of_states.dim_users_count, 0) as expected_count
from daily
left join as_of_states
    on daily.lifecycle_state = as_of_states.lifecycle_state
where
    daily.date_day = {{ as_of_date }}
    and daily.users_count <> coalesce(as_of_states.dim_users_count, 0)
