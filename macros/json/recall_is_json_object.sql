{#-
    True when a string holds a well-formed JSON object, false when it holds
    anything else, null when it is null. Well-formed means the strict JSON
    grammar (RFC 8259) on every engine: no single quotes, no unquoted keys,
    no trailing garbage.
-#}
{% macro recall_is_json_object(json_expression) %}
    {{ adapter.dispatch('recall_is_json_object', 'recall')(json_expression) }}
{% endmacro %}

{% macro duckdb__recall_is_json_object(json_expression) %}
    (case
        when {{ json_expression }} is null then null
        when not json_valid({{ json_expression }}) then false
        else json_type({{ json_expression }}) = 'OBJECT'
    end)
{% endmacro %}

{% macro spark__recall_is_json_object(json_expression) %}
    (case
        when {{ json_expression }} is null then null
        else from_json({{ json_expression }}, 'map<string,string>') is not null
            and substr(ltrim({{ json_expression }}), 1, 1) = chr(123)
    end)
{% endmacro %}

{#- PostgreSQL: `IS JSON OBJECT` needs version 16; the project's own
    function (recall_create_functions, created at run start) parses with
    jsonb on every version. -#}
{% macro postgres__recall_is_json_object(json_expression) %}
    {{ target.schema }}.recall_is_json_object({{ json_expression }})
{% endmacro %}

{% macro default__recall_is_json_object(json_expression) %}
    ({{ json_expression }} is json object)
{% endmacro %}
