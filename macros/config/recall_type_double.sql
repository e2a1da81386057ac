{#-
    The double-precision floating-point type (rates, shares, statistics);
    dbt.type_float() is single precision on DuckDB.
-#}
{% macro recall_type_double() %}
    {{- return(adapter.dispatch('recall_type_double', 'recall')()) -}}
{% endmacro %}

{% macro duckdb__recall_type_double() %}double{% endmacro %}

{% macro spark__recall_type_double() %}double{% endmacro %}

{% macro default__recall_type_double() %}double precision{% endmacro %}
