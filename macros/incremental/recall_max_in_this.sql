{#-
    The greatest value of a column of the model's existing table, as a string
    (or none when the table is empty), for incremental filters that must be
    literals so the engine can prune partitions and row groups.
-#}
{% macro recall_max_in_this(column_name) %}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set result = run_query(
        'select cast(max(' ~ column_name ~ ') as ' ~ dbt.type_string()
        ~ ') from ' ~ this) -%}
    {{- return(result.columns[0].values()[0]) -}}
{% endmacro %}
