{#-
    One row per calendar month from the first month with a registration to
    the month of as_of_date: high-value net change (metrics.md §4, rulings
    R33). A registered user is high value on an evaluation day e when the
    net revenue (gross - discount) of their paid orders with a local
    ordered day in (e - high_value_window_days, e] is at least
    high_value_threshold, each order in its latest version updated on or
    before e (point in time, rulings R7, R14: the version whose
    int_order_versions_dated interval holds e). The month's start set is
    the high-value set on the last day of the month before, its end set
    the set on its last day, or on as_of_date for the month of as_of_date
    (flagged partial unless as_of_date is its last day). Users joining the
    end set are split by registration: before the month (existing) or not
    (new). end - start = gained_existing + gained_new - lost.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set as_of_month = "cast(" ~ dbt.date_trunc('month', as_of_date)
    ~ " as date)" -%}
{%- set window_days = var('high_value_window_days') -%}
{%- set threshold = var('high_value_threshold') -%}

with

calendar_days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

users as (

    select
        user_id,
        registration_date

    from {{ ref('dim_users') }}

),

paid_versions as (

    {#- A paid version counts on the days it is its order's current one. -#}
    select
        user_id,
        order_date,
        net_revenue,
        valid_from,
        valid_to

    from {{ ref('int_order_versions_dated') }}
    where is_paid

),

calendar_months as (

    select
        cast({{ dbt.date_trunc('month', 'calendar_days.date_day') }} as date)
            as month_start

    from calendar_days
    group by
        cast({{ dbt.date_trunc('month', 'calendar_days.date_day') }} as date)

),

month_evaluations as (

    {# The start set of a month: the day before it begins. #}
    select
        calendar_months.month_start,
        {{ recall_add_days('calendar_months.month_start', -1) }}
            as evaluation_date,
        1 as is_start_set,
        0 as is_end_set

    from calendar_months

    union all

    {# The end set: its last day, or as_of_date for the current month. #}
    select
        calendar_months.month_start,
        case
            when calendar_months.month_start = {{ as_of_month }}
                then {{ as_of_date }}
            else {{ recall_add_days(
                dbt.dateadd('month', 1, 'calendar_months.month_start'),
                -1) }}
        end as evaluation_date,
        0 as is_start_set,
        1 as is_end_set

    from calendar_months

),

evaluation_days as (

    select month_evaluations.evaluation_date
    from month_evaluations
    group by month_evaluations.evaluation_date

),

window_revenue as (

    select
        evaluation_days.evaluation_date,
        paid_versions.user_id,
        sum(paid_versions.net_revenue) as net_revenue

    from evaluation_days
    inner join paid_versions
        on
            evaluation_days.evaluation_date >= paid_versions.valid_from
            and (
                paid_versions.valid_to is null
                or evaluation_days.evaluation_date < paid_versions.valid_to
            )
            and evaluation_days.evaluation_date >= paid_versions.order_date
            and {{ recall_add_days('evaluation_days.evaluation_date',
                -window_days) }} < paid_versions.order_date
    group by
        evaluation_days.evaluation_date,
        paid_versions.user_id

),

high_value_users as (

    select
        window_revenue.evaluation_date,
        window_revenue.user_id

    from window_revenue
    where window_revenue.net_revenue >= {{ threshold }}

),

memberships as (

    select
        month_evaluations.month_start,
        high_value_users.user_id,
        max(month_evaluations.is_start_set) as is_start_set,
        max(month_evaluations.is_end_set) as is_end_set

    from month_evaluations
    inner join high_value_users
        on month_evaluations.evaluation_date = high_value_users.evaluation_date
    group by
        month_evaluations.month_start,
        high_value_users.user_id

),

memberships_classified as (

    select
        memberships.month_start,
        memberships.is_start_set,
        memberships.is_end_set,
        case
            when memberships.is_start_set = 1 and memberships.is_end_set = 1
                then 'retained'
            when memberships.is_start_set = 1 then 'lost'
            when users.registration_date < memberships.month_start
                then 'gained_existing'
            else 'gained_new'
        end as movement

    from memberships
    inner join users
        on memberships.user_id = users.user_id

),

movements_counted as (

    select
        memberships_classified.month_start,
        sum(memberships_classified.is_start_set) as start_count,
        count(
            case when memberships_classified.movement = 'retained' then 1 end
        ) as retained_count,
        count(
            case when memberships_classified.movement = 'lost' then 1 end
        ) as lost_count,
        count(
            case
                when memberships_classified.movement = 'gained_existing'
                    then 1
            end
        ) as gained_existing_count,
        count(
            case when memberships_classified.movement = 'gained_new' then 1 end
        ) as gained_new_count,
        sum(memberships_classified.is_end_set) as end_count

    from memberships_classified
    group by memberships_classified.month_start

),

months_filled as (

    select
        calendar_months.month_start,
        coalesce(movements_counted.start_count, 0) as start_count,
        coalesce(movements_counted.retained_count, 0) as retained_count,
        coalesce(movements_counted.lost_count, 0) as lost_count,
        coalesce(movements_counted.gained_existing_count, 0)
            as gained_existing_count,
        coalesce(movements_counted.gained_new_count, 0) as gained_new_count,
        coalesce(movements_counted.end_count, 0) as end_count

    from calendar_months
    left join movements_counted
        on calendar_months.month_start = movements_counted.month_start

),

final as (

    select
        months_filled.month_start,
        cast(months_filled.start_count as {{ dbt.type_bigint() }})
            as start_count,
        cast(months_filled.retained_count as {{ dbt.type_bigint() }})
            as retained_count,
        cast(months_filled.lost_count as {{ dbt.type_bigint() }})
            as lost_count,
        cast(months_filled.gained_existing_count as {{ dbt.type_bigint() }})
            as gained_existing_count,
        cast(months_filled.gained_new_count as {{ dbt.type_bigint() }})
            as gained_new_count,
        cast(months_filled.end_count as {{ dbt.type_bigint() }})
            as end_count,
        cast(
            months_filled.end_count - months_filled.start_count
            as {{ dbt.type_bigint() }}
        ) as net_new_count,
        months_filled.month_start = {{ as_of_month }}
        and cast(
            {{ dbt.date_trunc('month', recall_add_days(as_of_date, 1)) }}
            as date
        ) = {{ as_of_month }} as is_partial,
        case
            when months_filled.month_start = {{ as_of_month }}
                then {{ as_of_date }}
            else {{ recall_add_days(
                dbt.dateadd('month', 1, 'months_filled.month_start'), -1) }}
        end as evaluation_date

    from months_filled

)

select * from final
