{#-
    Whether a day falls in the trailing window of `days` days that ends on
    `end_date` (inclusive): end_date - days < day <= end_date (rulings R26
    for RFM, R29 for the response tier). `days` is a whole number, usually a
    var such as rfm_lookback_days; both dates are SQL date expressions.
-#}
{% macro recall_is_in_trailing_window(date_expression, end_date, days) %}
    {{- recall_check_sql_expression('recall_is_in_trailing_window',
        'date_expression', date_expression) -}}
    {{- recall_check_sql_expression('recall_is_in_trailing_window',
        'end_date', end_date) -}}
    {{- recall_check_whole_number('recall_is_in_trailing_window', 'days',
        days, 1) -}}
    (
        {{ date_expression }} > {{ recall_add_days(end_date, -days) }}
        and {{ date_expression }} <= {{ end_date }}
    )
{%- endmacro %}
