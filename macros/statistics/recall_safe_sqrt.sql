{#-
    Square root of `value` (a SQL expression) as a double; null when the
    value is negative (rulings R38: a variance below zero only arises from
    impossible inputs such as more converters than users) or null.
-#}
{% macro recall_safe_sqrt(value) %}
    {{- recall_check_sql_expression('recall_safe_sqrt', 'value', value) -}}
    (case
        when ({{ value }}) >= 0
            then sqrt(cast(({{ value }}) as {{ recall_type_double() }}))
        else null
    end)
{%- endmacro %}
