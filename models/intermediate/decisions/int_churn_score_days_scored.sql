{#-
    One row per user per score day of int_churn_score_days_featured from
    the end of the warm-up on: churned_after_days + churn_horizon_days
    after the first calendar day, when every days-inactive cell (0 to
    churned_after_days - 1) can hold outcomes known by then (before it the
    table has seen no user go from long inactivity to churned, and scores
    near 0 for everyone). The score is the probability of turning churned within churn_horizon_days,
    an empirical discrete-time hazard (Singer & Willett 2003) read from the
    user's cell, shrunk toward its parent cell by empirical-Bayes additive
    smoothing: p(level) = (churned + k * p(parent)) / (scored + k), k =
    churn_prior_strength, the root's p the plain share of churned score
    days. The counts are those known at the end of the score day
    (int_churn_hazard_cells_accumulated). The risk band cuts p at
    churn_risk_medium_probability and churn_risk_high_probability; the risk
    driver is the feature whose level raised p the most over its parent's
    (none when no level raised it). The outcome columns ride along for the
    backtest.
-#}
{%- set levels = recall_churn_risk_levels() -%}
{%- set prior = 'cast(' ~ var('churn_prior_strength') ~ ' as '
    ~ recall_type_double() ~ ')' -%}
{%- set model_version = 'eb_hazard_cells(horizon=' ~ var('churn_horizon_days')
    ~ ',k=' ~ var('churn_prior_strength') ~ ',cells='
    ~ levels | map(attribute='feature') | join('>') ~ ')' -%}

with

score_days as (

    select
        user_id,
        score_date,
        lifecycle_state,
        days_inactive,
        {%- for entry in levels %}
        {%- if entry.column != 'days_inactive' %}
        {{ entry.column }},
        {%- endif %}
        {%- endfor %}
        is_churned_within_horizon

    from {{ ref('int_churn_score_days_featured') }}

),

first_day as (

    select min(date_day) as first_date
    from {{ ref('int_calendar_days_spined') }}

),

cells as (

    select
        cell_level,
        cell_key,
        valid_from,
        valid_to,
        scored_count,
        churned_count

    from {{ ref('int_churn_hazard_cells_accumulated') }}

),

cells_joined as (

    select
        score_days.user_id,
        score_days.score_date,
        score_days.lifecycle_state,
        score_days.days_inactive,
        {%- for level in range(levels | length + 1) %}
        cast(
            coalesce(cells_{{ level }}.scored_count, 0)
            as {{ recall_type_double() }}
        ) as scored_count_{{ level }},
        cast(
            coalesce(cells_{{ level }}.churned_count, 0)
            as {{ recall_type_double() }}
        ) as churned_count_{{ level }},
        {%- endfor %}
        score_days.is_churned_within_horizon

    from score_days
    inner join first_day
        on
            score_days.score_date
            >= {{ recall_add_days('first_day.first_date',
                var('churned_after_days') + var('churn_horizon_days')) }}
    {%- for level in range(levels | length + 1) %}
    {{ 'inner' if level == 0 else 'left' }} join cells as cells_{{ level }}
        on
            cells_{{ level }}.cell_level = {{ level }}
            and cells_{{ level }}.cell_key
            = {{ recall_churn_risk_cell_key('score_days', level) }}
            and cells_{{ level }}.valid_from <= score_days.score_date
            and (
                cells_{{ level }}.valid_to is null
                or score_days.score_date < cells_{{ level }}.valid_to
            )
    {%- endfor %}

),

rates_shrunk as (

    {#- p(0) = churned / scored at the root; p(l) = (churned(l) + k *
        p(l - 1)) / (scored(l) + k), so an empty cell takes its parent's
        rate and a large one its own. #}
    select
        cells_joined.user_id,
        cells_joined.score_date,
        cells_joined.lifecycle_state,
        cells_joined.days_inactive,
        {%- set rate = namespace(expression='(cells_joined.churned_count_0'
            ~ ' / cells_joined.scored_count_0)') %}
        {{ rate.expression }} as rate_0,
        {%- for level in range(1, levels | length + 1) %}
        {%- set rate.expression = '((cells_joined.churned_count_' ~ level
            ~ ' + ' ~ prior ~ ' * ' ~ rate.expression
            ~ ') / (cells_joined.scored_count_' ~ level ~ ' + ' ~ prior
            ~ '))' %}
        {{ rate.expression }} as rate_{{ level }},
        {%- endfor %}
        cells_joined.scored_count_0 as training_count,
        cells_joined.scored_count_{{ levels | length }} as cell_training_count,
        cells_joined.is_churned_within_horizon

    from cells_joined

),

drivers_found as (

    select
        rates_shrunk.*,
        greatest(
            {%- for level in range(1, levels | length + 1) %}
            rates_shrunk.rate_{{ level }} - rates_shrunk.rate_{{ level - 1 }}
            {{- ',' if not loop.last }}
            {%- endfor %}
        ) as largest_raise

    from rates_shrunk

),

final as (

    select
        drivers_found.user_id,
        drivers_found.score_date,
        cast({{ var('churn_horizon_days') }} as {{ dbt.type_bigint() }})
            as horizon_days,
        drivers_found.lifecycle_state,
        drivers_found.days_inactive,
        drivers_found.rate_{{ levels | length }} as churn_probability,
        case
            when
                drivers_found.rate_{{ levels | length }}
                >= {{ var('churn_risk_high_probability') }}
                then 'high'
            when
                drivers_found.rate_{{ levels | length }}
                >= {{ var('churn_risk_medium_probability') }}
                then 'medium'
            else 'low'
        end as risk_band,
        case
            when drivers_found.largest_raise <= 0 then 'none'
            {%- for entry in levels %}
            when
                drivers_found.rate_{{ entry.level }}
                - drivers_found.rate_{{ entry.level - 1 }}
                = drivers_found.largest_raise
                then '{{ entry.feature }}'
            {%- endfor %}
        end as risk_driver,
        '{{ model_version }}' as model_version,
        cast(drivers_found.training_count as {{ dbt.type_bigint() }})
            as training_count,
        cast(drivers_found.cell_training_count as {{ dbt.type_bigint() }})
            as cell_training_count,
        drivers_found.is_churned_within_horizon

    from drivers_found

)

select * from final
