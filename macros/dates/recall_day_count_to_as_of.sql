{#-
    The number of days from the earliest date_column of relation (rows
    matching `where`, when given) to as_of_date, both included: the length
    of a day series that holds exactly the days a report needs, queried at
    compile time. At least 1 (no rows, or a first day after as_of_date).
    While parsing, and when relation is not built yet (`dbt compile` or
    sqlfluff on an empty warehouse; a build always builds it first), it is
    1; in a unit test, whose inputs are CTEs no query can read, it is
    unit_test_day_count.
-#}
{% macro recall_day_count_to_as_of(relation, date_column, where=none,
                                   unit_test_day_count=3660) %}
    {%- if date_column is not string or date_column | trim == '' -%}
        {{ exceptions.raise_compiler_error(
            "recall_day_count_to_as_of: argument 'date_column' must be a "
            ~ "column name; received " ~ (date_column | tojson) ~ ".") }}
    {%- endif -%}
    {%- if not execute -%}
        {{- return(1) -}}
    {%- endif -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{- return(unit_test_day_count) -}}
    {%- endif -%}
    {%- if adapter.get_relation(database=relation.database,
            schema=relation.schema, identifier=relation.identifier) is none -%}
        {{- return(1) -}}
    {%- endif -%}
    {%- set day_count_query -%}
        select {{ recall_datediff('min(' ~ date_column ~ ')',
            recall_as_of_date_sql(), 'day') }} + 1
        from {{ relation }}
        {%- if where is not none %}
        where {{ where }}
        {%- endif %}
    {%- endset -%}
    {%- set queried_count = run_query(day_count_query)
        .columns[0].values()[0] -%}
    {{- return([(queried_count or 1) | int, 1] | max) -}}
{% endmacro %}
