{#-
    The standard normal cumulative distribution Phi(z) = P(Z <= z) of a
    SQL expression, as a double; null for null. Computed as
    erfc(-z / sqrt(2)) / 2 with recall_erfc (W. J. Cody's rational
    Chebyshev approximation, no 1 - erf cancellation), so the lower tail
    keeps its relative accuracy and the absolute error stays below 1e-15
    everywhere; checked against Python's math.erfc by
    recall/tests/test_statistics_macros.py.
-#}
{% macro recall_normal_cdf(z) %}
    {{- recall_check_sql_expression('recall_normal_cdf', 'z', z) -}}
    cast(0.5e0 * {{ recall_erfc(
        '-cast((' ~ z ~ ') as ' ~ recall_type_double() ~ ')'
        ~ ' * 0.7071067811865476e0') }} as {{ recall_type_double() }})
{%- endmacro %}
