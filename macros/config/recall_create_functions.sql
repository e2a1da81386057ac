{#-
    Creates, at run start, the SQL functions the models call on engines
    whose built-ins lack them, in the target schema; nothing elsewhere.
    PostgreSQL: recall_is_json_object(text), true for a JSON object, false
    for any other JSON value or text jsonb cannot parse, null for null
    (what `IS JSON OBJECT` gives from version 16).
-#}
{% macro recall_create_functions() %}
    {{- return(adapter.dispatch('recall_create_functions', 'recall')()) -}}
{% endmacro %}

{% macro default__recall_create_functions() %}
    select 1 as recall_functions_created
{% endmacro %}

{% macro postgres__recall_create_functions() %}
    create schema if not exists {{ target.schema }};
    create or replace function {{ target.schema }}.recall_is_json_object(
        candidate text
    ) returns boolean
    language plpgsql immutable parallel safe
    as $recall$
    begin
        if candidate is null then
            return null;
        end if;
        return jsonb_typeof(candidate::jsonb) = 'object';
    exception when others then
        return false;
    end;
    $recall$
{% endmacro %}
