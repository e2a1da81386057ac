{#-
    Whether a retention cell is complete (metrics.md §3, rulings R22): day 0
    plus `days` (n for day n, b for a bracket [a, b]) is on or before
    as_of_date, so the whole window has been observed. An incomplete cell
    is still published, with its to-date values. `start_date_expression` is
    the date of day 0 (a registration day, a return day, or a cohort's last
    registration day for a cohort of many days, as in rulings R32);
    `as_of_date_expression` a SQL date such as
    "cast('2026-01-31' as date)". Returns a boolean expression.
-#}
{% macro recall_retention_is_complete(start_date_expression, days,
        as_of_date_expression) %}
    {{- recall_check_sql_expression('recall_retention_is_complete',
        'start_date_expression', start_date_expression) -}}
    {{- recall_check_whole_number(
        'recall_retention_is_complete', 'days', days, 0) -}}
    {{- recall_check_sql_expression('recall_retention_is_complete',
        'as_of_date_expression', as_of_date_expression) -}}
    ({{ recall_add_days(start_date_expression, days) }}
        <= {{ as_of_date_expression }})
{%- endmacro %}
