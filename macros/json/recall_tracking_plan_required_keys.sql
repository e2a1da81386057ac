{#-
    The tracking plan seed's required property keys per event name, read at
    run time so the checks compile to plain literals (no per-row list work).
    Returns {} while parsing.
-#}
{% macro recall_tracking_plan_required_keys() %}
    {%- if not execute -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set rows = run_query(
        'select event_name, required_properties from '
        ~ ref('tracking_plan')).rows -%}
    {%- set required = {} -%}
    {%- for row in rows -%}
        {%- set keys = [] -%}
        {%- for key in (row[1] or '').split('|') if key | trim != '' -%}
            {%- do keys.append(key | trim) -%}
        {%- endfor -%}
        {%- if keys | length > 0 -%}
            {%- do required.update({row[0]: keys}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(required) -}}
{% endmacro %}
