{{ config(severity='error') }}
{#-
    Monthly growth accounting (metrics.md §2, rulings R21) balances:
    mau = new + retained + resurrected; the month before's mau = retained +
    churned (every month after the first); mau equals the users with an
    active day in the month counted straight from fct_user_days; new users
    equal the users registered in the month (registration is the first
    active day); months run without gaps from the first active month to the
    month of as_of_date and only that month may be partial. Returns the
    months that fail.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set as_of_month = "cast(" ~ dbt.date_trunc('month', as_of_date)
    ~ " as date)" -%}
with

accounting as (

    select
        month_start,
        new_users,
        retained_users,
        resurrected_users,
        churned_users,
        mau,
        is_partial,
        lag(mau) over (order by month_start) as previous_mau,
        lag(month_start) over (order by month_start) as previous_month_start,
        min(month_start) over () as first_month_start,
        max(month_start) over () as last_month_start

    from {{ ref('rpt_growth_accounting_monthly') }}

),

active_users_by_month as (

    select
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date)
            as month_start,
        count(distinct user_id) as mau

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}
    group by cast({{ dbt.date_trunc('month', 'activity_date') }} as date)

),

registrations_by_month as (

    select
        cast({{ dbt.date_trunc('month', 'registration_date') }} as date)
            as month_start,
        count(*) as registered_count

    from {{ ref('int_users_current') }}
    where registration_date <= {{ as_of_date }}
    group by cast({{ dbt.date_trunc('month', 'registration_date') }} as date)

),

first_active_month as (

    select
        cast({{ dbt.date_trunc('month', 'min(activity_date)') }} as date)
            as month_start

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

)

select
    accounting.*,
    active_users_by_month.mau as expected_mau,
    registrations_by_month.registered_count as expected_new_users

from accounting
full outer join active_users_by_month
    on accounting.month_start = active_users_by_month.month_start
left join registrations_by_month
    on accounting.month_start = registrations_by_month.month_start
cross join first_active_month
where
    accounting.month_start is null
    or accounting.mau <> accounting.new_users + accounting.retained_users
    + accounting.resurrected_users
    or (
        accounting.month_start > accounting.first_month_start
        and accounting.previous_mau
        <> accounting.retained_users + accounting.churned_users
    )
    or (
        accounting.month_start > accounting.first_month_start
        and accounting.previous_month_start
        <> cast(
            {{ dbt.dateadd('month', -1, 'accounting.month_start') }} as date
        )
    )
    or accounting.mau <> coalesce(active_users_by_month.mau, 0)
    or accounting.new_users
    <> coalesce(registrations_by_month.registered_count, 0)
    or accounting.first_month_start <> first_active_month.month_start
    or accounting.last_month_start <> {{ as_of_month }}
    or (accounting.is_partial and accounting.month_start <> {{ as_of_month }})
