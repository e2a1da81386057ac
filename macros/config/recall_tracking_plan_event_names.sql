{#-
    The event names of the tracking plan (seed tracking_plan), for the start
    check of feature_event; none when they cannot be read yet. On-run-start
    hooks run before seeds, so the seed's table may be missing or older
    than its CSV: DuckDB reads the seed's CSV file itself (the same file the
    seed loads in this run); other engines read the seed's table when it
    exists, and recall_check_feature_event checks again when the model that
    uses the var compiles (after the seed).
-#}
{% macro recall_tracking_plan_event_names() %}
    {%- if not execute -%}
        {{- return(none) -}}
    {%- endif -%}
    {#- A unit test's graph has no nodes: nothing to read there. -#}
    {%- set seed = (graph.get('nodes') or {}).get(
        'seed.recall.tracking_plan') -%}
    {%- if seed is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(adapter.dispatch('recall_tracking_plan_event_names',
        'recall')(seed)) -}}
{% endmacro %}

{% macro duckdb__recall_tracking_plan_event_names(seed) %}
    {%- set path = recall_string_literal(seed.root_path ~ '/'
        ~ seed.original_file_path) -%}
    {%- if run_query('select count(*) from glob(' ~ path ~ ')')
            .columns[0].values()[0] == 0 -%}
        {{- return(default__recall_tracking_plan_event_names(seed)) -}}
    {%- endif -%}
    {%- set query -%}
        select distinct event_name
        from read_csv({{ path }}, header = true, all_varchar = true,
            delim = {{ recall_string_literal(seed.config.delimiter or ',') }})
        where event_name is not null
    {%- endset -%}
    {{- return(run_query(query).columns[0].values() | list) -}}
{% endmacro %}

{% macro default__recall_tracking_plan_event_names(seed) %}
    {%- set relation = adapter.get_relation(database=seed.database,
        schema=seed.schema, identifier=seed.alias) -%}
    {%- if relation is none -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(run_query('select distinct event_name from ' ~ relation
        ~ ' where event_name is not null').columns[0].values() | list) -}}
{% endmacro %}
