{#-
    The greatest load timestamp of the model's existing table, as a SQL
    timestamp literal, for "loaded since the last run" filters; on a full
    build (no table yet) 0001-01-01 00:00:00, which lets every row through.
    `column_name`: the load timestamp column of {{ this }}.
-#}
{% macro recall_loaded_since_sql(column_name) %}
    {%- set loaded_since = recall_max_in_this(column_name) -%}
    {{- return("cast('" ~ (loaded_since or '0001-01-01 00:00:00') ~ "' as "
        ~ dbt.type_timestamp() ~ ")") -}}
{% endmacro %}
