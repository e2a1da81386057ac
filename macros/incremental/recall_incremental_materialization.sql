{#-
    The materialization of the models that load incrementally (config
    materialized=recall_incremental_materialization()): 'incremental' where
    the engine's own tables serve their strategies, 'table' where they do
    not, so those models are rebuilt whole on every run there and hold
    exactly what a full refresh holds.
-#}
{% macro recall_incremental_materialization() %}
    {{- return(adapter.dispatch('recall_incremental_materialization',
        'recall')()) -}}
{% endmacro %}

{% macro default__recall_incremental_materialization() %}
    {{- return('incremental') -}}
{% endmacro %}

{#- Spark: its default tables (Parquet, no Delta or Iceberg) take neither
    delete nor merge, and dbt-spark runs only its own strategies (append,
    insert_overwrite, merge, microbatch): delete+insert, the custom
    recall_user_days and the `delete from` pre-hook have no path there. -#}
{% macro spark__recall_incremental_materialization() %}
    {{- return('table') -}}
{% endmacro %}
