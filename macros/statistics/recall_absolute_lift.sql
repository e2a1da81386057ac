{#-
    Absolute lift (metrics.md §5) p_t - p_c of treatment over control,
    p = x / n (converters / assigned users), as a double. Arguments are
    SQL expressions (strings). Null when n_t or n_c is 0 (rulings R38);
    defined when a rate is 0 or 1.
-#}
{% macro recall_absolute_lift(x_t, n_t, x_c, n_c) %}
    {%- for name, value in [('x_t', x_t), ('n_t', n_t), ('x_c', x_c),
            ('n_c', n_c)] -%}
        {{- recall_check_sql_expression('recall_absolute_lift', name, value) -}}
    {%- endfor -%}
    cast(({{ recall_safe_divide(x_t, n_t) }}
        - {{ recall_safe_divide(x_c, n_c) }}) as {{ recall_type_double() }})
{%- endmacro %}
