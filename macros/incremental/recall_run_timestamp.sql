{#-
    The run's start time as a timestamp literal (UTC): stamped on rows as
    `loaded_at` so later incremental steps can find what an earlier one added.
-#}
{% macro recall_run_timestamp() %}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
        as {{ dbt.type_timestamp() }})
{%- endmacro %}
