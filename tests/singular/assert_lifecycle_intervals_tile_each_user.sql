{#-
    One state per user per day (metrics.md §1): every registered user's
    intervals start on the registration day, each starts where the previous
    one ended, neighbours differ in state, and exactly the last one is open
    (valid_to null). Returns the users where that fails.
-#}
{{ config(severity='error') }}

with

users as (

    select
        user_id,
        registration_date

    from {{ ref('dim_users') }}

),

intervals_ordered as (

    select
        user_id,
        lifecycle_state,
        valid_from,
        valid_to,
        lag(valid_to) over (
            partition by user_id order by valid_from
        ) as previous_valid_to,
        lag(lifecycle_state) over (
            partition by user_id order by valid_from
        ) as previous_state,
        row_number() over (
            partition by user_id order by valid_from desc
        ) as rank_from_last

    from {{ ref('fct_user_lifecycle') }}

),

users_checked as (

    select
        users.user_id,
        min(intervals_ordered.valid_from) as first_valid_from,
        min(users.registration_date) as registration_date,
        count(intervals_ordered.user_id) as interval_count,
        sum(
            case
                when intervals_ordered.previous_valid_to is not null
                    and intervals_ordered.previous_valid_to
                    <> intervals_ordered.valid_from
                    then 1
                else 0
            end
        ) as gap_count,
        sum(
            case
                when intervals_ordered.previous_state
                    = intervals_ordered.lifecycle_state
                    then 1
                else 0
            end
        ) as unmerged_count,
        sum(
            case
                when (intervals_ordered.valid_to is null)
                    <> (intervals_ordered.rank_from_last = 1)
                    then 1
                else 0
            end
        ) as misplaced_open_count

    from users
    left join intervals_ordered
        on users.user_id = intervals_ordered.user_id
    group by users.user_id

)

select *
from users_checked
where
    interval_count = 0
    or first_valid_from <> registration_date
    or gap_count > 0
    or unmerged_count > 0
    or misplaced_open_count > 0
