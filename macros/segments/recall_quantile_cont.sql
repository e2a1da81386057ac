{#-
    The continuous (linear-interpolation) quantile of a numeric expression at
    `fraction`, as an aggregate (metrics.md §4, rulings R26: RFM
    breakpoints). Cast the expression to recall_type_double() first for a
    double-precision result. DuckDB quantile_cont, Spark percentile and the
    SQL standard percentile_cont all interpolate linearly between the two
    nearest ranks: q = x[k] + (h - k) * (x[k + 1] - x[k]), h = (n - 1) *
    fraction, k = floor(h), x sorted ascending and indexed from 0.
-#}
{% macro recall_quantile_cont(expression, fraction) %}
    {{- recall_check_sql_expression('recall_quantile_cont', 'expression',
        expression) -}}
    {%- if fraction is not number or fraction is boolean
          or fraction < 0 or fraction > 1 -%}
        {{ exceptions.raise_compiler_error(
            "recall_quantile_cont: argument 'fraction' must be a number from"
            ~ " 0 to 1; received " ~ (fraction | tojson) ~ ".") }}
    {%- endif -%}
    {{- adapter.dispatch('recall_quantile_cont', 'recall')(
        expression, fraction) -}}
{% endmacro %}

{% macro duckdb__recall_quantile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro spark__recall_quantile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro default__recall_quantile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}
