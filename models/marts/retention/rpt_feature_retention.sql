{#-
    One row per registration month x feature group x day n of var
    feature_retention_days (metrics.md §3, rulings R25). Feature users did
    at least feature_min_count clean feature_event events in their feature
    window (recall_feature_window: days [reg, reg + feature_days - 1]);
    other users are the rest of their cohort. Users whose window ends after
    as_of_date are left out. Both groups are published for every month with
    an included user, an empty group with cohort_size 0. A cell is complete
    when the month's last included registration day + n <= as_of_date (as
    in rulings R32), the same for both groups of a month.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set feature_window = recall_feature_window() -%}
{%- set retention_days = var('feature_retention_days') | unique | list -%}

with

users as (

    select
        user_id,
        registration_date

    from {{ ref('dim_users') }}
    where
        {{ recall_retention_is_complete(
            'registration_date', feature_window.last_day, as_of_date) }}

),

user_days as (

    select
        user_id,
        days_since_registration,
        feature_event_count

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

users_measured as (

    select
        user_days.user_id,
        {% for n in retention_days %}
        max(
            case
                when {{ recall_retained_on_day(
                    'user_days.days_since_registration', n) }}
                    then 1
                else 0
            end
        ) as retained_on_day_{{ n }},
        {% endfor %}
        sum(
            case
                when
                    user_days.days_since_registration
                    >= {{ feature_window.first_day }}
                    and user_days.days_since_registration
                    <= {{ feature_window.last_day }}
                    then user_days.feature_event_count
                else 0
            end
        ) as feature_event_count

    from user_days
    group by user_days.user_id

),

users_grouped as (

    select
        {% for n in retention_days %}
        coalesce(users_measured.retained_on_day_{{ n }}, 0)
            as retained_on_day_{{ n }},
        {% endfor %}
        users.user_id,
        users.registration_date,
        cast({{ dbt.date_trunc('month', 'users.registration_date') }} as date)
            as cohort_month,
        case
            when {{ recall_is_feature_user(
                'coalesce(users_measured.feature_event_count, 0)') }}
                then 'feature_users'
            else 'other_users'
        end as feature_group

    from users
    left join users_measured
        on users.user_id = users_measured.user_id

),

cohort_months as (

    select
        users_grouped.cohort_month,
        max(users_grouped.registration_date) as last_registration_date

    from users_grouped
    group by users_grouped.cohort_month

),

feature_groups as (

    select 'feature_users' as feature_group

    union all

    select 'other_users' as feature_group

),

groups_measured as (

    select
        users_grouped.cohort_month,
        users_grouped.feature_group,
        {% for n in retention_days %}
        sum(users_grouped.retained_on_day_{{ n }})
            as retained_on_day_{{ n }},
        {% endfor %}
        count(*) as cohort_size

    from users_grouped
    group by
        users_grouped.cohort_month,
        users_grouped.feature_group

),

groups_spined as (

    select
        cohort_months.cohort_month,
        cohort_months.last_registration_date,
        feature_groups.feature_group,
        {% for n in retention_days %}
        coalesce(groups_measured.retained_on_day_{{ n }}, 0)
            as retained_on_day_{{ n }},
        {% endfor %}
        coalesce(groups_measured.cohort_size, 0) as cohort_size

    from cohort_months
    cross join feature_groups
    left join groups_measured
        on
            cohort_months.cohort_month = groups_measured.cohort_month
            and feature_groups.feature_group = groups_measured.feature_group

),

groups_by_day_n as (

    {% for n in retention_days %}
    select
        groups_spined.cohort_month,
        groups_spined.feature_group,
        {{ n }} as day_n,
        groups_spined.cohort_size,
        groups_spined.retained_on_day_{{ n }} as retained_on_day_n,
        {{ recall_retention_is_complete(
            'groups_spined.last_registration_date', n, as_of_date) }}
            as is_complete

    from groups_spined
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

final as (

    select
        groups_by_day_n.cohort_month,
        cast(groups_by_day_n.feature_group as {{ dbt.type_string() }})
            as feature_group,
        cast(groups_by_day_n.day_n as {{ dbt.type_bigint() }}) as day_n,
        cast(groups_by_day_n.cohort_size as {{ dbt.type_bigint() }})
            as cohort_size,
        cast(groups_by_day_n.retained_on_day_n as {{ dbt.type_bigint() }})
            as retained_on_day_n,
        groups_by_day_n.is_complete

    from groups_by_day_n

)

select * from final
