{#- The text value of a top-level key of a JSON object held in a string. -#}
{% macro recall_json_value(json_expression, key) %}
    {%- if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', key) -%}
        {{ exceptions.raise_compiler_error(
            "recall_json_value: argument 'key' must be a plain property name "
            ~ "(letters, digits, underscore); received '" ~ key ~ "'.") }}
    {%- endif -%}
    {{ adapter.dispatch('recall_json_value', 'recall')(json_expression, key) }}
{% endmacro %}

{% macro duckdb__recall_json_value(json_expression, key) %}
    json_extract_string({{ json_expression }}, '$.{{ key }}')
{% endmacro %}

{% macro spark__recall_json_value(json_expression, key) %}
    get_json_object({{ json_expression }}, '$.{{ key }}')
{% endmacro %}

{% macro default__recall_json_value(json_expression, key) %}
    (cast({{ json_expression }} as jsonb) ->> '{{ key }}')
{% endmacro %}
