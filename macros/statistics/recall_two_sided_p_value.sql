{#-
    Two-sided p-value of a standard normal test statistic `z` (a SQL
    expression): 2 (1 - Phi(|z|)), as a double; null for null. Computed
    from the upper tail directly, 2 (1 - Phi(|z|)) = erfc(|z| / sqrt(2)),
    so it stays accurate for large |z| where 1 - Phi(|z|) would cancel to
    0: relative error below 1e-14 for |z| <= 8 and below 2e-13 out to
    |z| = 37 (rounding |z| / sqrt(2) costs 2 z^2 eps); 0 once the tail is
    below the smallest double (|z| > 37.5). `z` is repeated about 50
    times in the SQL: pass a column, or accept a long expression (e.g.
    recall_two_sided_p_value(recall_two_proportion_z(...)) compiles to
    about 40 kB).
-#}
{% macro recall_two_sided_p_value(z) %}
    {{- recall_check_sql_expression('recall_two_sided_p_value', 'z', z) -}}
    cast({{ recall_erfc(
        'abs(cast((' ~ z ~ ') as ' ~ recall_type_double() ~ '))'
        ~ ' * 0.7071067811865476e0') }} as {{ recall_type_double() }})
{%- endmacro %}
