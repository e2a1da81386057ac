{#-
    The two feature groups of a month split its cohort: for each month and
    each day n of the var feature_retention_days, their sizes add up to the
    registered users of that month whose feature window is over by
    as_of_date, and their day-n retention to a direct count over
    fct_user_days. Returns the cells that are missing or differ.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set feature_window = recall_feature_window() -%}

with

feature_cells as (

    select
        cohort_month,
        day_n,
        sum(cohort_size) as cohort_size,
        sum(retained_on_day_n) as retained_on_day_n

    from {{ ref('rpt_feature_retention') }}
    group by
        cohort_month,
        day_n

),

users as (

    select
        user_id,
        cast({{ dbt.date_trunc('month', 'registration_date') }} as date)
            as cohort_month

    from {{ ref('dim_users') }}
    where
        cast({{ dbt.dateadd('day', feature_window.last_day,
            'registration_date') }} as date)
        <= {{ as_of_date }}

),

user_days as (

    select
        user_id,
        days_since_registration

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

retention_days as (

    {%- for n in var('feature_retention_days') | unique | list %}

    select {{ n }} as day_n
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

counted_directly as (

    select
        users.cohort_month,
        retention_days.day_n,
        count(distinct users.user_id) as cohort_size,
        count(distinct user_days.user_id) as retained_on_day_n

    from users
    cross join retention_days
    left join user_days
        on
            users.user_id = user_days.user_id
            and retention_days.day_n = user_days.days_since_registration
    group by
        users.cohort_month,
        retention_days.day_n

),

final as (

    select
        coalesce(feature_cells.cohort_month, counted_directly.cohort_month)
            as cohort_month,
        coalesce(feature_cells.day_n, counted_directly.day_n) as day_n,
        feature_cells.cohort_size,
        counted_directly.cohort_size as expected_cohort_size,
        feature_cells.retained_on_day_n,
        counted_directly.retained_on_day_n as expected_retained_on_day_n

    from feature_cells
    full outer join counted_directly
        on
            feature_cells.cohort_month = counted_directly.cohort_month
            and feature_cells.day_n = counted_directly.day_n
    where
        feature_cells.cohort_month is null
        or counted_directly.cohort_month is null
        or feature_cells.cohort_size <> counted_directly.cohort_size
        or feature_cells.retained_on_day_n
        <> counted_directly.retained_on_day_n

)

select * from final
