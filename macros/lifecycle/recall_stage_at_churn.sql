{#-
    Where in life a user went quiet (metrics.md §1, rulings R13), from the
    tenure on the last active day (last active day - registration day):
    new_stage below stage_growth_after_days, growth below
    stage_mature_after_days, then mature.
-#}
{% macro recall_stage_at_churn(tenure_days) %}
    case
        when {{ tenure_days }} < {{ var('stage_growth_after_days') }}
            then 'new_stage'
        when {{ tenure_days }} < {{ var('stage_mature_after_days') }}
            then 'growth'
        else 'mature'
    end
{%- endmacro %}
