{#-
    Bracket retention [a, b] (metrics.md §3): true on the row of an active
    day that lies from a to b days after day 0, both ends included
    (registration day for cohorts, return day for recalled-user retention).
    A row-level condition: aggregate it per user with
    max(case when ... then 1 else 0 end), then sum per cohort. The rows must
    hold activity on or before as_of_date only (rulings R22).
-#}
{% macro recall_retained_in_bracket(days_since_column, bracket_start,
        bracket_end) %}
    {{- recall_check_sql_expression('recall_retained_in_bracket',
        'days_since_column', days_since_column) -}}
    {{- recall_check_whole_number(
        'recall_retained_in_bracket', 'bracket_start', bracket_start, 1) -}}
    {{- recall_check_whole_number('recall_retained_in_bracket',
        'bracket_end', bracket_end, bracket_start, 'bracket_start') -}}
    ({{ days_since_column }} >= {{ bracket_start }}
        and {{ days_since_column }} <= {{ bracket_end }})
{%- endmacro %}
