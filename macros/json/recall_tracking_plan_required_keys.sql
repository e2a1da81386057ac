{#-
    The tracking plan seed's required property keys per event name, read at
    run time so the checks compile to plain literals (no per-row list work).
    Returns {} while parsing and while the seed's table does not exist.
-#}
{% macro recall_tracking_plan_required_keys() %}
    {%- if not execute -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set plan = ref('tracking_plan') -%}
    {#- Inside a unit test ref() names the fixture CTE, which a separate query
        cannot see: read the seed's table (schema `reference`,
        dbt_project.yml) instead, in the target's database (none on Spark,
        whose target has no database key). -#}
    {%- if (plan | string).startswith('__dbt__cte__') -%}
        {%- set plan = api.Relation.create(database=target.get('database'),
            schema=generate_schema_name('reference', none),
            identifier='tracking_plan') -%}
    {%- endif -%}
    {#- Not built yet (dbt compile or docs before the first build; a build
        loads the seed before the models that read it): no keys to inline. -#}
    {%- if adapter.get_relation(database=plan.database, schema=plan.schema,
            identifier=plan.identifier) is none -%}
        {{- return({}) -}}
    {%- endif -%}
    {%- set rows = run_query(
        'select event_name, required_properties from ' ~ plan).rows -%}
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
