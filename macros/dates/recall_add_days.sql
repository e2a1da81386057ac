{#-
    A date plus a whole number of days, as a date (dbt.dateadd returns a
    timestamp on some engines). days may be a number or a SQL expression.
-#}
{% macro recall_add_days(date_expression, days) %}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}
