{#-
    The combination of the given columns is unique (a model's grain).

    latest_load_column (optional, for append or delete+insert incremental
    models that stamp each run's rows): when the table holds rows of more
    than one load, only the key values of the latest load are checked,
    against every row. Rows of earlier loads were checked by the run that
    wrote them and an incremental run does not change them, so a new
    duplicate always involves a key of the latest load. On a full build
    (a single load) every key is checked. `dbt build --full-refresh`
    re-checks the whole table. Key columns must not be null in the checked
    rows (filter them with the test's `where`).

    key_hash_column (optional): a stored column computed from the key
    columns alone, so equal keys have equal values (a 64-bit hash of the
    key). Candidates are then found on that narrow column, keys compared
    exactly only for rows whose hash repeats (or, with latest_load_column,
    matches one of the latest load): on a table of a hundred million rows
    this groups integers instead of strings. A collision only adds a
    candidate, which the exact comparison drops.

    The checked relation is read as subqueries, never as a CTE read twice,
    which an engine would materialise whole.
-#}
{% test recall_unique_combination(model, columns, latest_load_column=none,
        key_hash_column=none) %}
    {%- if columns is string or columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_unique_combination: argument 'columns' must be a non-empty"
            ~ " list of column names; received " ~ (columns | tojson) ~ ".") }}
    {%- endif -%}
    {%- for argument_name, argument in [
            ['latest_load_column', latest_load_column],
            ['key_hash_column', key_hash_column]] -%}
        {%- if argument is not none and argument is not string -%}
            {{ exceptions.raise_compiler_error(
                "recall_unique_combination: argument '" ~ argument_name
                ~ "' must be a column name; received " ~ (argument | tojson)
                ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set latest_load = none -%}
    {#- Only when the test runs: dbt compile or docs may meet a model not
        built yet, and compile the whole-table check instead. -#}
    {%- if latest_load_column is not none and execute
          and flags.WHICH in ('build', 'test', 'retry') -%}
        {%- set bounds = run_query(
            'select cast(min(' ~ latest_load_column ~ ') as '
            ~ dbt.type_string() ~ '), cast(max(' ~ latest_load_column
            ~ ') as ' ~ dbt.type_string() ~ ') from ' ~ model) -%}
        {%- set first_load = bounds.columns[0].values()[0] -%}
        {%- set last_load = bounds.columns[1].values()[0] -%}
        {%- if first_load != last_load -%}
            {%- set latest_load = last_load -%}
        {%- endif -%}
    {%- endif -%}
    {%- set key_list = columns | join(', ') -%}
    {%- set latest_load_filter = latest_load_column ~ " = cast('"
        ~ latest_load ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- if latest_load is none and key_hash_column is none %}
    select
        {{ key_list }},
        count(*) as row_count
    from {{ model }}
    group by {{ key_list }}
    having count(*) > 1
    {%- elif key_hash_column is not none %}
    {%- set candidates = 'latest_keys' if latest_load is not none
        else 'repeated_keys' %}
    select
        {% for column in columns -%}
        checked_rows.{{ column }},
        {% endfor -%}
        count(*) as row_count
    from (
        select {{ key_list }}, {{ key_hash_column }}
        from {{ model }}
    ) as checked_rows
    where checked_rows.{{ key_hash_column }} in (
        select {{ candidates }}.{{ key_hash_column }}
        from (
            select {{ key_hash_column }}
                {%- if latest_load is not none %}, {{ latest_load_column }}
                {%- endif %}
            from {{ model }}
        ) as {{ candidates }}
        {%- if latest_load is not none %}
        where {{ candidates }}.{{ latest_load_filter }}
        {%- else %}
        group by {{ candidates }}.{{ key_hash_column }}
        having count(*) > 1
        {%- endif %}
    )
    group by
        {% for column in columns -%}
        checked_rows.{{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    having count(*) > 1
    {%- else %}
    select
        {% for column in columns -%}
        checked_rows.{{ column }},
        {% endfor -%}
        count(*) as row_count
    from (
        select {{ key_list }}
        from {{ model }}
    ) as checked_rows
    inner join (
        select distinct {{ key_list }}
        from (
            select {{ key_list }}, {{ latest_load_column }}
            from {{ model }}
        ) as load_rows
        where load_rows.{{ latest_load_filter }}
    ) as latest_keys
        on
            {% for column in columns -%}
            checked_rows.{{ column }} = latest_keys.{{ column }}
            {%- if not loop.last %} and {% endif %}
            {% endfor %}
    group by
        {% for column in columns -%}
        checked_rows.{{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    having count(*) > 1
    {%- endif %}
{% endtest %}
