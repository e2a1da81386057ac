{#-
    One bound of the confidence interval of the relative lift
    (metrics.md §5), as a double (log-ratio method):
        exp(ln(p_t / p_c) -/+ z sqrt(1/x_t - 1/n_t + 1/x_c - 1/n_c)) - 1.
    x_t, n_t, x_c, n_c: SQL expressions (strings) for converters and
    assigned users of treatment and control. bound: 'lower' or 'upper'
    (checked when compiling). z: the normal critical value, 1.96 for 95%
    (a positive number or a SQL expression). Null (rulings R38) when x_t
    or x_c is 0 (log(0)), when n_t or n_c is 0, for negative counts, and
    when the variance is negative (impossible counts, x > n).
-#}
{% macro recall_relative_lift_ci(x_t, n_t, x_c, n_c, bound, z=1.96) %}
    {%- for name, value in [('x_t', x_t), ('n_t', n_t), ('x_c', x_c),
            ('n_c', n_c)] -%}
        {{- recall_check_sql_expression(
            'recall_relative_lift_ci', name, value) -}}
    {%- endfor -%}
    {%- set sign = recall_ci_bound_sign('recall_relative_lift_ci', bound) -%}
    {{- recall_check_critical_value('recall_relative_lift_ci', z) -}}
    {%- set variance = recall_safe_divide('1.0e0', x_t)
        ~ ' - ' ~ recall_safe_divide('1.0e0', n_t)
        ~ ' + ' ~ recall_safe_divide('1.0e0', x_c)
        ~ ' - ' ~ recall_safe_divide('1.0e0', n_c) -%}
    cast((case
        when ({{ x_t }}) <= 0 or ({{ x_c }}) <= 0 then null
        when ({{ n_t }}) <= 0 or ({{ n_c }}) <= 0 then null
        else exp(ln({{ recall_safe_divide(
                recall_safe_divide(x_t, n_t), recall_safe_divide(x_c, n_c))
            }}) {{ sign }} ({{ z }}) * {{ recall_safe_sqrt(variance) }})
            - 1.0e0
    end) as {{ recall_type_double() }})
{%- endmacro %}
