{#-
    A comma-separated list of columns qualified by a relation name, on one
    line: `rel.a, rel.b, rel.c` (for column lists that a model repeats).
-#}
{% macro recall_prefixed_columns(relation_name, columns) %}
    {%- if columns is string or columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_prefixed_columns: argument 'columns' must be a non-empty"
            ~ " list of column names; received " ~ (columns | tojson) ~ ".") }}
    {%- endif -%}
    {%- for column in columns -%}
        {{ relation_name }}.{{ column }}{{ ', ' if not loop.last }}
    {%- endfor -%}
{% endmacro %}

{#-
    True when any of the columns differs between two relations, nulls
    compared as values (`is distinct from`).
-#}
{% macro recall_columns_differ(left_name, right_name, columns) %}
    {%- if columns is string or columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_columns_differ: argument 'columns' must be a non-empty"
            ~ " list of column names; received " ~ (columns | tojson) ~ ".") }}
    {%- endif -%}
    ({% for column in columns -%}
        {{ left_name }}.{{ column }} is distinct from {{ right_name }}.{{ column }}
        {{- ' or ' if not loop.last }}
    {%- endfor %})
{%- endmacro %}
