{#-
    Pooled two-proportion z statistic (metrics.md §5) of treatment
    against control, as a double:
        (p_t - p_c) / sqrt(p (1 - p) (1/n_t + 1/n_c)),
        p_t = x_t / n_t, p_c = x_c / n_c, p = (x_t + x_c) / (n_t + n_c).
    Arguments are SQL expressions (strings) for converters x and assigned
    users n. Null (rulings R38) when n_t or n_c is 0, when the pooled
    rate p is 0 or 1 (nobody or everybody converted: the standard error
    is 0), and for impossible counts (x < 0, x > n, n < 0), so the square
    root never sees a negative. Kept short, because its p-value,
    recall_two_sided_p_value(recall_two_proportion_z(...)), repeats it.
-#}
{% macro recall_two_proportion_z(x_t, n_t, x_c, n_c) %}
    {%- for name, value in [('x_t', x_t), ('n_t', n_t), ('x_c', x_c),
            ('n_c', n_c)] -%}
        {{- recall_check_sql_expression(
            'recall_two_proportion_z', name, value) -}}
    {%- endfor -%}
    {%- set double = recall_type_double() -%}
    {%- set x_t, n_t, x_c, n_c = '(' ~ x_t ~ ')', '(' ~ n_t ~ ')',
        '(' ~ x_c ~ ')', '(' ~ n_c ~ ')' -%}
    {%- set p = 'cast(' ~ x_t ~ ' + ' ~ x_c ~ ' as ' ~ double ~ ') / ('
        ~ n_t ~ ' + ' ~ n_c ~ ')' -%}
    cast((case
        when {{ n_t }} <= 0 or {{ n_c }} <= 0 then null
        when {{ x_t }} < 0 or {{ x_t }} > {{ n_t }} then null
        when {{ x_c }} < 0 or {{ x_c }} > {{ n_c }} then null
        when {{ x_t }} + {{ x_c }} = 0 then null
        when {{ x_t }} + {{ x_c }} = {{ n_t }} + {{ n_c }} then null
        else (cast({{ x_t }} as {{ double }}) / {{ n_t }}
            - cast({{ x_c }} as {{ double }}) / {{ n_c }})
            / sqrt({{ p }} * (1.0e0 - {{ p }})
                * (1.0e0 / {{ n_t }} + 1.0e0 / {{ n_c }}))
    end) as {{ double }})
{%- endmacro %}
