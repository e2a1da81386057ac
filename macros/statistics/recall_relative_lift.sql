{#-
    Relative lift (metrics.md §5) Δ / p_c = (p_t - p_c) / p_c of treatment
    over control, p = x / n (converters / assigned users), as a double.
    Computed as p_t / p_c - 1, the same quotient with one subtraction
    fewer, which is how the campaign marts have always published it.
    Arguments are SQL expressions (strings). Null when n_t or n_c is 0 or
    the control converts nobody, x_c = 0 (rulings R38).
-#}
{% macro recall_relative_lift(x_t, n_t, x_c, n_c) %}
    {%- for name, value in [('x_t', x_t), ('n_t', n_t), ('x_c', x_c),
            ('n_c', n_c)] -%}
        {{- recall_check_sql_expression('recall_relative_lift', name, value) -}}
    {%- endfor -%}
    cast({{ recall_safe_divide(recall_safe_divide(x_t, n_t),
        recall_safe_divide(x_c, n_c)) }} - 1.0e0
        as {{ recall_type_double() }})
{%- endmacro %}
