{#-
    Retention "on day n" (metrics.md §3): true on the row of an active day
    that lies exactly n days after day 0. `days_since_column` is the active
    day's distance from day 0 in days: the registration day for cohorts
    (fct_user_days.days_since_registration), the return day of an episode
    for recalled-user retention. A row-level condition: aggregate it per
    user with max(case when ... then 1 else 0 end), then sum per cohort.
    The rows must hold activity on or before as_of_date only (rulings R22).
-#}
{% macro recall_retained_on_day(days_since_column, n) %}
    {{- recall_check_sql_expression(
        'recall_retained_on_day', 'days_since_column', days_since_column) -}}
    {{- recall_check_whole_number('recall_retained_on_day', 'n', n, 1) -}}
    ({{ days_since_column }} = {{ n }})
{%- endmacro %}
