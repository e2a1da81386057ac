{#-
    Relative lift (metrics.md §5) (p_t - p_c) / p_c of treatment over
    control, p = x / n (converters / assigned users), as a double.
    Arguments are SQL expressions (strings). Null when n_t or n_c is 0 or
    the control converts nobody, x_c = 0 (rulings R38).
-#}
{% macro recall_relative_lift(x_t, n_t, x_c, n_c) %}
    {%- for name, value in [('x_t', x_t), ('n_t', n_t), ('x_c', x_c),
            ('n_c', n_c)] -%}
        {{- recall_check_sql_expression('recall_relative_lift', name, value) -}}
    {%- endfor -%}
    {%- set p_c = recall_safe_divide(x_c, n_c) -%}
    cast({{ recall_safe_divide(
        recall_safe_divide(x_t, n_t) ~ ' - ' ~ p_c, p_c) }}
        as {{ recall_type_double() }})
{%- endmacro %}
