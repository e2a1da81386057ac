{#-
    One row per cell of the churn-risk hazard table (every level of
    recall_churn_risk_levels, level 0 the root) per day on which the cell's
    counts change: the score days learned from so far, those whose outcome
    window closed on or before that day, and how many of them churned
    within the horizon. The counts hold from valid_from to valid_to
    (exclusive, null while current), so the table used to score a day
    learns only from outcomes known at the end of that day: a new day adds
    rows and never changes the counts earlier days were scored with.
-#}
{%- set levels = recall_churn_risk_levels() -%}

with

score_days as (

    select
        user_id,
        score_date,
        {%- for entry in levels %}
        {{ entry.column }},
        {%- endfor %}
        outcome_closed_date,
        is_churned_within_horizon

    from {{ ref('int_churn_score_days_featured') }}
    where is_churned_within_horizon is not null

),

outcomes_by_cell as (

    {% for level in range(levels | length + 1) %}
    select
        {{ level }} as cell_level,
        {{ recall_churn_risk_cell_key('score_days', level) }} as cell_key,
        score_days.outcome_closed_date,
        count(*) as scored_count,
        sum(
            case when score_days.is_churned_within_horizon then 1 else 0 end
        ) as churned_count

    from score_days
    group by
        {#- A constant key (level 0) is not grouped by (PostgreSQL refuses
            a literal in group by). #}
        {%- if level > 0 %}
        {{ recall_churn_risk_cell_key('score_days', level) }},
        {%- endif %}
        score_days.outcome_closed_date
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

counts_accumulated as (

    select
        outcomes_by_cell.cell_level,
        outcomes_by_cell.cell_key,
        outcomes_by_cell.outcome_closed_date as valid_from,
        lead(outcomes_by_cell.outcome_closed_date) over (
            partition by
                outcomes_by_cell.cell_level,
                outcomes_by_cell.cell_key
            order by outcomes_by_cell.outcome_closed_date
        ) as valid_to,
        sum(outcomes_by_cell.scored_count) over (
            partition by
                outcomes_by_cell.cell_level,
                outcomes_by_cell.cell_key
            order by outcomes_by_cell.outcome_closed_date
            rows between unbounded preceding and current row
        ) as scored_count,
        sum(outcomes_by_cell.churned_count) over (
            partition by
                outcomes_by_cell.cell_level,
                outcomes_by_cell.cell_key
            order by outcomes_by_cell.outcome_closed_date
            rows between unbounded preceding and current row
        ) as churned_count

    from outcomes_by_cell

),

final as (

    select
        cast(counts_accumulated.cell_level as {{ dbt.type_int() }})
            as cell_level,
        counts_accumulated.cell_key,
        counts_accumulated.valid_from,
        counts_accumulated.valid_to,
        cast(counts_accumulated.scored_count as {{ dbt.type_bigint() }})
            as scored_count,
        cast(counts_accumulated.churned_count as {{ dbt.type_bigint() }})
            as churned_count

    from counts_accumulated

)

select * from final
