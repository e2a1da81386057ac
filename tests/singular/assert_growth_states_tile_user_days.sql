{{ config(severity='error') }}
{#-
    The growth-state intervals of each registered user tile the days from
    registration to as_of_date: the first starts on the registration day in
    state new, each next one starts where the one before ends and in another
    state, whose previous_growth_state it names, and the last ends on
    as_of_date + 1 (the only open one). Every registered user has intervals
    and no one else. Returns the failing intervals or users.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
with

users as (

    select
        user_id,
        registration_date

    from {{ ref('int_users_current') }}
    where registration_date <= {{ as_of_date }}

),

spans as (

    select
        user_id,
        growth_state,
        previous_growth_state,
        valid_from,
        valid_to,
        is_open,
        lag(growth_state) over (
            partition by user_id order by valid_from
        ) as lagged_state,
        lag(valid_to) over (
            partition by user_id order by valid_from
        ) as lagged_valid_to,
        lead(valid_from) over (
            partition by user_id order by valid_from
        ) as next_valid_from

    from {{ ref('int_user_growth_states_spanned') }}

)

select
    coalesce(spans.user_id, users.user_id) as user_id,
    spans.growth_state,
    spans.valid_from,
    spans.valid_to,
    users.registration_date

from spans
full outer join users
    on spans.user_id = users.user_id
where
    spans.user_id is null
    or users.user_id is null
    or (
        spans.lagged_state is null
        and (
            spans.valid_from <> users.registration_date
            or spans.growth_state <> 'new'
            or spans.previous_growth_state is not null
        )
    )
    or (
        spans.lagged_state is not null
        and (
            spans.valid_from <> spans.lagged_valid_to
            or spans.growth_state = spans.lagged_state
            or spans.previous_growth_state is null
            or spans.previous_growth_state <> spans.lagged_state
        )
    )
    or (
        spans.next_valid_from is null
        and spans.valid_to <> {{ recall_add_days(as_of_date, 1) }}
    )
    or (spans.next_valid_from is null) <> spans.is_open
