{#-
    Retention "on or after day n" (metrics.md §3): true on the row of an
    active day that lies n or more days after day 0 (registration day for
    cohorts, return day for recalled-user retention), up to as_of_date: the
    rows must hold activity on or before as_of_date only (rulings R22). A
    row-level condition: aggregate it per user with
    max(case when ... then 1 else 0 end), then sum per cohort.
-#}
{% macro recall_retained_on_or_after_day(days_since_column, n) %}
    {{- recall_check_sql_expression('recall_retained_on_or_after_day',
        'days_since_column', days_since_column) -}}
    {{- recall_check_whole_number(
        'recall_retained_on_or_after_day', 'n', n, 1) -}}
    ({{ days_since_column }} >= {{ n }})
{%- endmacro %}
