{#-
    True when the JSON object in a string carries a non-null value for every
    key of a list of literal keys (one parse on DuckDB).
-#}
{% macro recall_json_has_keys(json_expression, keys) %}
    {%- if keys is string or keys | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_json_has_keys: argument 'keys' must be a non-empty list of"
            ~ " property names; received " ~ (keys | tojson) ~ ".") }}
    {%- endif -%}
    {{ adapter.dispatch('recall_json_has_keys', 'recall')(json_expression, keys) }}
{% endmacro %}

{% macro duckdb__recall_json_has_keys(json_expression, keys) %}
    (list_count(json_extract_string({{ json_expression }}, [
        {%- for key in keys %}'$.{{ key }}'{{ ', ' if not loop.last }}{% endfor -%}
    ])) = {{ keys | length }})
{% endmacro %}

{% macro default__recall_json_has_keys(json_expression, keys) %}
    ({% for key in keys -%}
        {{ recall_json_value(json_expression, key) }} is not null
        {%- if not loop.last %} and {% endif %}
    {%- endfor %})
{% endmacro %}
