{#-
    A cheap non-cryptographic hash of an expression, for grouping or joining
    on a narrow key when an exact comparison follows (collisions only add
    candidates, never change a result). DuckDB's 64-bit hash(); md5
    elsewhere.
-#}
{% macro recall_fast_hash(expression) %}
    {{ adapter.dispatch('recall_fast_hash', 'recall')(expression) }}
{% endmacro %}

{% macro duckdb__recall_fast_hash(expression) %}
    hash({{ expression }})
{%- endmacro %}

{% macro spark__recall_fast_hash(expression) %}
    xxhash64({{ expression }})
{%- endmacro %}

{% macro default__recall_fast_hash(expression) %}
    {{ dbt.hash(expression) }}
{%- endmacro %}
