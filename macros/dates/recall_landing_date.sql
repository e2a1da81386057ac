{#-
    The landing date of a raw event row: the Hive partition `dt` on DuckDB
    (so filters on it prune whole partitions), the UTC date of received_at
    elsewhere (the contract defines dt as exactly that).
-#}
{% macro recall_landing_date() %}
    {{ adapter.dispatch('recall_landing_date', 'recall')() }}
{% endmacro %}

{% macro duckdb__recall_landing_date() %}
    cast(dt as date)
{% endmacro %}

{% macro default__recall_landing_date() %}
    cast(received_at as date)
{% endmacro %}
