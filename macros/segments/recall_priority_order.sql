{#-
    The order of the recall priority list (metrics.md §4, rulings R31), as
    the comma-separated expressions of an `order by`: reachable users first;
    then lifecycle state (silent, churned, then the others: waking is
    cheaper than recalling); then value tier (high, mid, low, none); then
    response tier (high, mid, low, unknown); then fewest days inactive; then
    user_id. Values outside the lists sort after the listed ones. Override
    this macro to rank differently; recall_priority_reason describes the
    same keys.
-#}
{% macro recall_priority_order(is_reachable, lifecycle_state, value_tier,
        response_tier, days_inactive, user_id) %}
    {%- set arguments = {
        'is_reachable': is_reachable,
        'lifecycle_state': lifecycle_state,
        'value_tier': value_tier,
        'response_tier': response_tier,
        'days_inactive': days_inactive,
        'user_id': user_id,
    } -%}
    {%- for name, value in arguments.items() -%}
        {{- recall_check_sql_expression('recall_priority_order', name,
            value) -}}
    {%- endfor -%}
    {%- set ranked_values = [
        (lifecycle_state, ['silent', 'churned']),
        (value_tier, ['high', 'mid', 'low', 'none']),
        (response_tier, ['high', 'mid', 'low', 'unknown']),
    ] -%}
    case when {{ is_reachable }} then 0 else 1 end
    {%- for expression, values in ranked_values %},
    case {{ expression }}
        {%- for value in values %}
        when '{{ value }}' then {{ loop.index0 }}
        {%- endfor %}
        else {{ values | length }}
    end
    {%- endfor %},
    {{ days_inactive }},
    {{ user_id }}
{%- endmacro %}
