{#-
    One row per day per (from, to) pair of growth states with at least one
    user (rulings R19): users in from_state on date_day - 1 and in to_state
    on date_day. Changes of state are the starts of growth-state intervals
    that have a previous state (a registration has none, so users
    registering on date_day are in no transition). Staying in a state is
    what is left: users in the state on date_day - 1 minus those who left
    it on date_day, so no user x day table is needed. rate = users_count /
    users in from_state on date_day - 1. Days run from the second calendar
    day (the first has no day before) to as_of_date.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

growth_state_spans as (

    select
        growth_state,
        previous_growth_state,
        valid_from

    from {{ ref('int_user_growth_states_spanned') }}
    where
        previous_growth_state is not null
        and valid_from <= {{ as_of_date }}

),

growth_states_daily as (

    select
        date_day,
        growth_state,
        users_count

    from {{ ref('rpt_growth_states_daily') }}

),

state_sizes_shifted as (

    select
        {{ recall_add_days('growth_states_daily.date_day', 1) }}
            as date_day,
        growth_states_daily.growth_state,
        growth_states_daily.users_count

    from growth_states_daily
    where growth_states_daily.date_day < {{ as_of_date }}

),

changes_counted as (

    select
        growth_state_spans.valid_from as date_day,
        growth_state_spans.previous_growth_state as from_state,
        growth_state_spans.growth_state as to_state,
        count(*) as users_count

    from growth_state_spans
    group by
        growth_state_spans.valid_from,
        growth_state_spans.previous_growth_state,
        growth_state_spans.growth_state

),

leavers_counted as (

    select
        changes_counted.date_day,
        changes_counted.from_state,
        sum(changes_counted.users_count) as users_count

    from changes_counted
    group by
        changes_counted.date_day,
        changes_counted.from_state

),

stays_counted as (

    select
        state_sizes_shifted.date_day,
        state_sizes_shifted.growth_state as from_state,
        state_sizes_shifted.growth_state as to_state,
        state_sizes_shifted.users_count
        - coalesce(leavers_counted.users_count, 0) as users_count

    from state_sizes_shifted
    left join leavers_counted
        on
            state_sizes_shifted.date_day = leavers_counted.date_day
            and state_sizes_shifted.growth_state = leavers_counted.from_state

),

transitions_unioned as (

    select
        changes_counted.date_day,
        changes_counted.from_state,
        changes_counted.to_state,
        changes_counted.users_count

    from changes_counted

    union all

    select
        stays_counted.date_day,
        stays_counted.from_state,
        stays_counted.to_state,
        stays_counted.users_count

    from stays_counted
    where stays_counted.users_count > 0

),

final as (

    select
        transitions_unioned.date_day,
        transitions_unioned.from_state,
        transitions_unioned.to_state,
        cast(transitions_unioned.users_count as {{ dbt.type_bigint() }})
            as users_count,
        cast(state_sizes_shifted.users_count as {{ dbt.type_bigint() }})
            as from_state_users_count,
        {{ recall_safe_divide('transitions_unioned.users_count',
            'state_sizes_shifted.users_count') }} as rate

    from transitions_unioned
    inner join state_sizes_shifted
        on
            transitions_unioned.date_day = state_sizes_shifted.date_day
            and transitions_unioned.from_state
            = state_sizes_shifted.growth_state

)

select * from final
