{#-
    numerator / denominator as a double; null when the denominator is 0
    (rulings R38) or either side is null, never an error and never the
    engine's infinity. Both arguments are SQL expressions (strings). The
    numerator is cast to double first, so integer counts divide as real
    numbers on every engine (no integer division).
-#}
{% macro recall_safe_divide(numerator, denominator) %}
    {{- recall_check_sql_expression(
        'recall_safe_divide', 'numerator', numerator) -}}
    {{- recall_check_sql_expression(
        'recall_safe_divide', 'denominator', denominator) -}}
    (case
        when ({{ denominator }}) = 0 then null
        else cast(({{ numerator }}) as {{ recall_type_double() }})
            / ({{ denominator }})
    end)
{%- endmacro %}
