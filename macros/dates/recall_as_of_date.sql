{#-
    The last day every "to date" figure covers, as 'YYYY-MM-DD' (rulings R1):
    the var `as_of_date` when given, else the day before the
    reporting-time-zone date of the latest received_at of the raw events.
    Data without any event is an error.

    The default is resolved once per dbt invocation: the first caller runs
    the two queries and keeps the answer in dbt's graph object, which every
    node of one invocation shares, so the other models and tests read it
    from there. Models use recall_as_of_date_sql(), the same day as a SQL
    date literal.
-#}
{% macro recall_as_of_date() %}
    {%- if var('as_of_date') is not none -%}
        {{- return(var('as_of_date') | string) -}}
    {%- endif -%}
    {%- if not execute -%}
        {{- return('1970-01-01') -}}
    {%- endif -%}
    {%- if graph.get('recall_as_of_date') is not none -%}
        {{- return(graph['recall_as_of_date']) -}}
    {%- endif -%}
    {%- set events = source('tracking', 'events') -%}
    {%- set last_landing = run_query(
        'select cast(max(' ~ recall_landing_date() ~ ') as '
        ~ dbt.type_string() ~ ') from ' ~ events).columns[0].values()[0] -%}
    {%- if last_landing is none -%}
        {{ exceptions.raise_compiler_error(
            "recall_as_of_date: the raw events table " ~ events
            ~ " has no rows, so there is no default as_of_date; land events"
            ~ " or pass --vars '{as_of_date: YYYY-MM-DD}'.") }}
    {%- endif -%}
    {%- set query -%}
        select cast({{ dbt.dateadd('day', -1,
            recall_local_date('max(received_at)')) }} as date)
        from {{ events }}
        where {{ recall_landing_date() }} >= {{ dbt.dateadd('day', -1,
            recall_date_literal(last_landing)) }}
    {%- endset -%}
    {%- set as_of = run_query(query).columns[0].values()[0] | string -%}
    {%- do graph.update({'recall_as_of_date': as_of}) -%}
    {{- return(as_of) -}}
{% endmacro %}
