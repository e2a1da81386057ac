{#-
    True when a string holds a well-formed JSON object, false when it holds
    anything else, null when it is null. Well-formed means the strict JSON
    grammar (RFC 8259) on every engine: no single quotes, no unquoted keys,
    no trailing garbage.
-#}
{% macro recall_is_json_object(json_expression) %}
    {{ adapter.dispatch('recall_is_json_object', 'recall')(json_expression) }}
{% endmacro %}

{#- DuckDB: json_valid also accepts two extensions of its JSON reader,
    trailing commas ('{"a": 1,}') and NaN / Infinity numbers, which the
    grammar and the other engines reject. Both are looked for outside the
    string literals (blanked first; in valid JSON the pattern finds them
    from left to right): a comma before a closing bracket, or a letter left
    after removing true, false and null that is not an exponent's e. -#}
{% macro duckdb__recall_is_json_object(json_expression) %}
    {%- set outside_strings -%}
        regexp_replace({{ json_expression }}, '"(\\.|[^"\\])*"', '""', 'g')
    {%- endset -%}
    (case
        when {{ json_expression }} is null then null
        when not json_valid({{ json_expression }}) then false
        when json_type({{ json_expression }}) <> 'OBJECT' then false
        when regexp_matches({{ outside_strings }}, ',[ \t\n\r]*[\]}]')
            then false
        else not regexp_matches(
            regexp_replace({{ outside_strings }}, 'true|false|null', '', 'g'),
            '[a-df-zA-DF-Z]'
        )
    end)
{% endmacro %}

{#- Spark: from_json with every leniency of its JSON reader switched off
    (single quotes, unquoted names, NaN, leading zeros, comments...). The
    reader stops after the first value and ignores what follows, so the text
    is parsed twice, wrapped as '[' text ']' (must give one object) and as
    '{"k":' text '}': trailing text would have to start with ']' to pass the
    first and with '}' or ',' to pass the second, so only whitespace can
    follow the object. -#}
{% macro spark__recall_is_json_object(json_expression) %}
    {%- set options -%}
        map('allowSingleQuotes', 'false',
            'allowUnquotedFieldNames', 'false',
            'allowNonNumericNumbers', 'false',
            'allowNumericLeadingZeros', 'false',
            'allowBackslashEscapingAnyCharacter', 'false',
            'allowUnquotedControlChars', 'false',
            'allowComments', 'false')
    {%- endset -%}
    (case
        when {{ json_expression }} is null then null
        else {{ json_expression }} rlike '^[ \t\n\r]*[{]'
            and coalesce(size(from_json(
                concat('[', {{ json_expression }}, ']'),
                'array<map<string,string>>', {{ options }})) = 1, false)
            and from_json(
                concat('{"k":', {{ json_expression }}, '}'),
                'map<string,string>', {{ options }}) is not null
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
