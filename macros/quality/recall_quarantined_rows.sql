{#-
    The quarantined rows of a triaged model in the quarantine tables' shape:
    source_table, raw_key, reason, landing_date, then the raw columns.
-#}
{% macro recall_quarantined_rows(triaged_relation, source_table, key_columns,
                                 raw_columns, landing_date='null') %}
    {%- if key_columns is string or key_columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_quarantined_rows: argument 'key_columns' must be a "
            ~ "non-empty list of column names; received "
            ~ (key_columns | tojson) ~ ".") }}
    {%- endif -%}
    select
        '{{ source_table }}' as source_table,
        {% if key_columns | length == 1 -%}
        cast({{ key_columns[0] }} as {{ dbt.type_string() }})
        {%- else -%}
        {{ dbt.concat(recall_key_parts(key_columns)) }}
        {%- endif %} as raw_key,
        quarantine_reason as reason,
        cast({{ landing_date }} as date) as landing_date,
        {{ raw_columns | join(', ') }}
    from {{ triaged_relation }}
    where row_status = 'quarantined'
{% endmacro %}

{#- Key columns as concat() arguments: coalesced to '' and joined by '|'. -#}
{% macro recall_key_parts(key_columns) %}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as "
            ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}
            {%- do parts.append("'|'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(parts) -}}
{% endmacro %}
