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
-#}
{% test recall_unique_combination(model, columns, latest_load_column=none) %}
    {%- if columns is string or columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_unique_combination: argument 'columns' must be a non-empty"
            ~ " list of column names; received " ~ (columns | tojson) ~ ".") }}
    {%- endif -%}
    {%- if latest_load_column is not none
          and latest_load_column is not string -%}
        {{ exceptions.raise_compiler_error(
            "recall_unique_combination: argument 'latest_load_column' must be"
            ~ " a column name; received " ~ (latest_load_column | tojson)
            ~ ".") }}
    {%- endif -%}
    {%- set latest_load = none -%}
    {%- if latest_load_column is not none and execute -%}
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
    {%- if latest_load is none %}
    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
    {%- else %}
    with

    checked_rows as (

        select * from {{ model }}

    ),

    latest_keys as (

        select distinct {{ columns | join(', ') }}
        from checked_rows
        where {{ latest_load_column }} = (
            select max({{ latest_load_column }}) from checked_rows
        )

    )

    select
        {% for column in columns -%}
        checked_rows.{{ column }},
        {% endfor -%}
        count(*) as row_count
    from checked_rows
    inner join latest_keys
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
