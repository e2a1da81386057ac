{#-
    Spark: loads a seed's CSV rows as SQL literals. dbt-spark's own version
    binds every cell through its session cursor, which writes Python's None
    as the text 'None' and does not escape quotes, so an empty cell (the
    tracking plan's `login` has no required property) became the string
    'None'. Here an empty cell is null and a text cell a quoted, escaped
    literal; every cell is cast to its column type as dbt-spark does.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
            (
                {%- for col_name in agate_table.column_names -%}
                {%- set type = column_override.get(col_name,
                    adapter.convert_type(agate_table, loop.index0)) -%}
                {%- set value = row[loop.index0] -%}
                {%- if value is none -%}
                    {%- set literal = 'null' -%}
                {%- elif value is boolean -%}
                    {%- set literal = 'true' if value else 'false' -%}
                {%- elif value is number -%}
                    {%- set literal = value | string -%}
                {%- else -%}
                    {%- set literal = "'" ~ (value | string)
                        | replace('\\', '\\\\') | replace("'", "\\'")
                        ~ "'" -%}
                {%- endif -%}
                cast({{ literal }} as {{ type }})
                {%- if not loop.last %}, {% endif -%}
                {%- endfor -%}
            )
            {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(statements[0]) -}}
{% endmacro %}
