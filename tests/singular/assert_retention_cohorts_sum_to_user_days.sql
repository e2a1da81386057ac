{#-
    Summing rpt_cohort_retention over cohorts gives, for each day n, the
    direct counts over fct_user_days and dim_users: users active exactly n
    days after registration, users whose last active day is n or more days
    after it, and all registered users. Returns the day n whose figures
    differ.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

cohort_cells as (

    select
        day_n,
        sum(cohort_size) as cohort_size,
        sum(retained_on_day_n) as retained_on_day_n,
        sum(retained_on_or_after_day_n) as retained_on_or_after_day_n

    from {{ ref('rpt_cohort_retention') }}
    group by day_n

),

user_days as (

    select
        user_id,
        days_since_registration

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

registered_users as (

    select count(*) as users_count

    from {{ ref('dim_users') }}

),

users_by_active_day as (

    select
        user_days.days_since_registration,
        count(distinct user_days.user_id) as users_count

    from user_days
    group by user_days.days_since_registration

),

users_last_active as (

    select
        user_days.user_id,
        max(user_days.days_since_registration) as last_active_day

    from user_days
    group by user_days.user_id

),

users_active_from_day_n as (

    select
        cohort_cells.day_n,
        count(users_last_active.user_id) as users_count

    from cohort_cells
    left join users_last_active
        on cohort_cells.day_n <= users_last_active.last_active_day
    group by cohort_cells.day_n

),

final as (

    select
        cohort_cells.day_n,
        cohort_cells.cohort_size,
        registered_users.users_count as expected_cohort_size,
        cohort_cells.retained_on_day_n,
        coalesce(users_by_active_day.users_count, 0)
            as expected_retained_on_day_n,
        cohort_cells.retained_on_or_after_day_n,
        users_active_from_day_n.users_count
            as expected_retained_on_or_after_day_n

    from cohort_cells
    cross join registered_users
    left join users_by_active_day
        on cohort_cells.day_n = users_by_active_day.days_since_registration
    left join users_active_from_day_n
        on cohort_cells.day_n = users_active_from_day_n.day_n
    where
        cohort_cells.cohort_size <> registered_users.users_count
        or cohort_cells.retained_on_day_n
        <> coalesce(users_by_active_day.users_count, 0)
        or cohort_cells.retained_on_or_after_day_n
        <> users_active_from_day_n.users_count

)

select * from final
