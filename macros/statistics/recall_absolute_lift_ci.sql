{#-
    One bound of the confidence interval of the absolute lift
    (metrics.md §5), as a double (Wald, unpooled):
        (p_t - p_c) -/+ z sqrt(p_t (1 - p_t) / n_t + p_c (1 - p_c) / n_c).
    x_t, n_t, x_c, n_c: SQL expressions (strings) for converters and
    assigned users of treatment and control. bound: 'lower' or 'upper'
    (checked when compiling). z: the normal critical value, 1.96 for 95%
    (a positive number or a SQL expression). Null (rulings R38) when n_t
    or n_c is 0 or the variance is negative (impossible counts, x > n);
    when both rates are 0 or 1 the interval is the single point p_t - p_c.
-#}
{% macro recall_absolute_lift_ci(x_t, n_t, x_c, n_c, bound, z=1.96) %}
    {%- for name, value in [('x_t', x_t), ('n_t', n_t), ('x_c', x_c),
            ('n_c', n_c)] -%}
        {{- recall_check_sql_expression(
            'recall_absolute_lift_ci', name, value) -}}
    {%- endfor -%}
    {%- set sign = recall_ci_bound_sign('recall_absolute_lift_ci', bound) -%}
    {{- recall_check_critical_value('recall_absolute_lift_ci', z) -}}
    {%- set p_t = recall_safe_divide(x_t, n_t) -%}
    {%- set p_c = recall_safe_divide(x_c, n_c) -%}
    {%- set variance = recall_safe_divide(
            p_t ~ ' * (1.0e0 - ' ~ p_t ~ ')', n_t)
        ~ ' + ' ~ recall_safe_divide(
            p_c ~ ' * (1.0e0 - ' ~ p_c ~ ')', n_c) -%}
    cast(({{ p_t }} - {{ p_c }}
        {{ sign }} ({{ z }}) * {{ recall_safe_sqrt(variance) }})
        as {{ recall_type_double() }})
{%- endmacro %}
