{#-
    One row per registration day x acquisition channel x bracket [a, b] of
    var retention_brackets (metrics.md §3): the cohort's size, how many of
    its users were active on some day from registration + a to registration
    + b, and whether registration + b has been reached (rulings R22:
    incomplete cells carry their to-date values). Only cohorts with at least
    one user have rows; a bracket listed twice is published once.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set brackets = [] -%}
{%- for bracket in var('retention_brackets') -%}
{%- if bracket | list not in brackets -%}
{%- do brackets.append(bracket | list) -%}
{%- endif -%}
{%- endfor -%}

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
        {% for bracket in brackets %}
        max(
            case
                when {{ recall_retained_in_bracket(
                    'user_days.days_since_registration',
                    bracket[0], bracket[1]) }}
                    then 1
                else 0
            end
        ) as retained_in_bracket_{{ loop.index }},
        {% endfor %}
        user_days.user_id

    from user_days
    group by user_days.user_id

),

cohorts_measured as (

    select
        users.registration_date,
        users.acquisition_channel,
        {% for bracket in brackets %}
        sum(coalesce(users_retained.retained_in_bracket_{{ loop.index }}, 0))
            as retained_in_bracket_{{ loop.index }},
        {% endfor %}
        count(*) as cohort_size

    from users
    left join users_retained
        on users.user_id = users_retained.user_id
    group by
        users.registration_date,
        users.acquisition_channel

),

cohorts_by_bracket as (

    {% for bracket in brackets %}
    select
        cohorts_measured.registration_date,
        cohorts_measured.acquisition_channel,
        {{ bracket[0] }} as bracket_start,
        {{ bracket[1] }} as bracket_end,
        cohorts_measured.cohort_size,
        cohorts_measured.retained_in_bracket_{{ loop.index }}
            as retained_users,
        {{ recall_retention_is_complete(
            'cohorts_measured.registration_date', bracket[1], as_of_date) }}
            as is_complete

    from cohorts_measured
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

final as (

    select
        cohorts_by_bracket.registration_date,
        cohorts_by_bracket.acquisition_channel,
        cast(cohorts_by_bracket.bracket_start as {{ dbt.type_bigint() }})
            as bracket_start,
        cast(cohorts_by_bracket.bracket_end as {{ dbt.type_bigint() }})
            as bracket_end,
        cast(cohorts_by_bracket.cohort_size as {{ dbt.type_bigint() }})
            as cohort_size,
        cast(cohorts_by_bracket.retained_users as {{ dbt.type_bigint() }})
            as retained_users,
        cohorts_by_bracket.is_complete

    from cohorts_by_bracket

)

select * from final
