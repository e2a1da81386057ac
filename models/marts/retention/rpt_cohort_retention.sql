{#-
    One row per registration day x acquisition channel x day n of var
    retention_days (metrics.md §3): the cohort's size, how many of its users
    were active on day n and on any day from n to as_of_date, and whether
    day n has been reached (rulings R22: incomplete cells carry their
    to-date values). Only cohorts with at least one user have rows.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set retention_days = var('retention_days') | unique | list -%}

with

users as (

    select
        user_id,
        registration_date,
        acquisition_channel

    from {{ ref('dim_users') }}

),

user_days as (

    select
        user_id,
        days_since_registration

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

users_retained as (

    select
        {% for n in retention_days %}
        max(
            case
                when {{ recall_retained_on_day(
                    'user_days.days_since_registration', n) }}
                    then 1
                else 0
            end
        ) as retained_on_day_{{ n }},
        max(
            case
                when {{ recall_retained_on_or_after_day(
                    'user_days.days_since_registration', n) }}
                    then 1
                else 0
            end
        ) as retained_on_or_after_day_{{ n }},
        {% endfor %}
        user_days.user_id

    from user_days
    group by user_days.user_id

),

cohorts_measured as (

    select
        users.registration_date,
        users.acquisition_channel,
        {% for n in retention_days %}
        sum(coalesce(users_retained.retained_on_day_{{ n }}, 0))
            as retained_on_day_{{ n }},
        sum(coalesce(users_retained.retained_on_or_after_day_{{ n }}, 0))
            as retained_on_or_after_day_{{ n }},
        {% endfor %}
        count(*) as cohort_size

    from users
    left join users_retained
        on users.user_id = users_retained.user_id
    group by
        users.registration_date,
        users.acquisition_channel

),

cohorts_by_day_n as (

    {% for n in retention_days %}
    select
        cohorts_measured.registration_date,
        cohorts_measured.acquisition_channel,
        {{ n }} as day_n,
        cohorts_measured.cohort_size,
        cohorts_measured.retained_on_day_{{ n }} as retained_on_day_n,
        cohorts_measured.retained_on_or_after_day_{{ n }}
            as retained_on_or_after_day_n,
        {{ recall_retention_is_complete(
            'cohorts_measured.registration_date', n, as_of_date) }}
            as is_complete

    from cohorts_measured
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

final as (

    select
        cohorts_by_day_n.registration_date,
        cohorts_by_day_n.acquisition_channel,
        cast(cohorts_by_day_n.day_n as {{ dbt.type_bigint() }}) as day_n,
        cast(cohorts_by_day_n.cohort_size as {{ dbt.type_bigint() }})
            as cohort_size,
        cast(cohorts_by_day_n.retained_on_day_n as {{ dbt.type_bigint() }})
            as retained_on_day_n,
        cast(
            cohorts_by_day_n.retained_on_or_after_day_n
            as {{ dbt.type_bigint() }}
        ) as retained_on_or_after_day_n,
        cohorts_by_day_n.is_complete

    from cohorts_by_day_n

)

select * from final
