{#-
    One row per calendar month from the first active month to the month of
    as_of_date (rulings R21), months without activity included: monthly
    growth accounting (metrics.md §2). A user is active in a month with any
    active day in it: new in the first active month, retained when also
    active the month before, resurrected when active after a month without
    activity, churned in the month after an active month without activity.
    The month of as_of_date stands as it is and is flagged partial unless
    as_of_date is its last day.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set as_of_month = "cast(" ~ dbt.date_trunc('month', as_of_date)
    ~ " as date)" -%}

with

calendar_days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

user_days as (

    select
        user_id,
        activity_date

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

calendar_months as (

    select
        cast({{ dbt.date_trunc('month', 'calendar_days.date_day') }} as date)
            as month_start

    from calendar_days
    group by
        cast({{ dbt.date_trunc('month', 'calendar_days.date_day') }} as date)

),

user_months as (

    select
        user_days.user_id,
        cast({{ dbt.date_trunc('month', 'user_days.activity_date') }} as date)
            as month_start

    from user_days
    group by
        user_days.user_id,
        cast({{ dbt.date_trunc('month', 'user_days.activity_date') }} as date)

),

user_months_sequenced as (

    select
        user_months.user_id,
        user_months.month_start,
        cast({{ dbt.dateadd('month', -1, 'user_months.month_start') }} as date)
            as previous_month_start,
        cast({{ dbt.dateadd('month', 1, 'user_months.month_start') }} as date)
            as next_month_start,
        lag(user_months.month_start) over (
            partition by user_months.user_id
            order by user_months.month_start
        ) as previous_active_month_start,
        lead(user_months.month_start) over (
            partition by user_months.user_id
            order by user_months.month_start
        ) as next_active_month_start

    from user_months

),

user_months_classified as (

    select
        user_months_sequenced.user_id,
        user_months_sequenced.month_start,
        user_months_sequenced.next_month_start,
        user_months_sequenced.previous_active_month_start is null as is_new,
        coalesce(
            user_months_sequenced.previous_active_month_start
            = user_months_sequenced.previous_month_start,
            false
        ) as is_retained,
        coalesce(
            user_months_sequenced.previous_active_month_start
            < user_months_sequenced.previous_month_start,
            false
        ) as is_resurrected,
        coalesce(
            user_months_sequenced.next_active_month_start
            = user_months_sequenced.next_month_start,
            false
        ) as is_active_next_month

    from user_months_sequenced

),

activity_counted as (

    select
        user_months_classified.month_start,
        count(*) as mau,
        count(case when user_months_classified.is_new then 1 end)
            as new_users,
        count(case when user_months_classified.is_retained then 1 end)
            as retained_users,
        count(case when user_months_classified.is_resurrected then 1 end)
            as resurrected_users

    from user_months_classified
    group by user_months_classified.month_start

),

churn_counted as (

    select
        user_months_classified.next_month_start as month_start,
        count(*) as churned_users

    from user_months_classified
    where
        not user_months_classified.is_active_next_month
        and user_months_classified.next_month_start <= {{ as_of_month }}
    group by user_months_classified.next_month_start

),

months_joined as (

    select
        calendar_months.month_start,
        coalesce(activity_counted.new_users, 0) as new_users,
        coalesce(activity_counted.retained_users, 0) as retained_users,
        coalesce(activity_counted.resurrected_users, 0)
            as resurrected_users,
        coalesce(churn_counted.churned_users, 0) as churned_users,
        coalesce(activity_counted.mau, 0) as mau

    from calendar_months
    left join activity_counted
        on calendar_months.month_start = activity_counted.month_start
    left join churn_counted
        on calendar_months.month_start = churn_counted.month_start

),

final as (

    select
        months_joined.month_start,
        cast(months_joined.new_users as {{ dbt.type_bigint() }})
            as new_users,
        cast(months_joined.retained_users as {{ dbt.type_bigint() }})
            as retained_users,
        cast(months_joined.resurrected_users as {{ dbt.type_bigint() }})
            as resurrected_users,
        cast(months_joined.churned_users as {{ dbt.type_bigint() }})
            as churned_users,
        cast(months_joined.mau as {{ dbt.type_bigint() }}) as mau,
        {{ recall_safe_divide(
            'months_joined.new_users + months_joined.resurrected_users',
            'months_joined.churned_users') }} as quick_ratio,
        months_joined.month_start = {{ as_of_month }}
        and cast(
            {{ dbt.date_trunc('month', recall_add_days(as_of_date, 1)) }}
            as date
        ) = {{ as_of_month }} as is_partial

    from months_joined

)

select * from final
