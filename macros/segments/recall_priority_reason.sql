{#-
    The human-readable reason for a user's place in the recall priority list
    (metrics.md §4, rulings R31): the keys of recall_priority_order in order,
    joined by ' · ', e.g.
    'reachable · silent · high value · high response · 9 days inactive'.
    Parts: 'reachable' or 'unreachable'; the lifecycle state; '<tier> value'
    ('no purchase' for tier none); '<tier> response'; '<n> days inactive'
    ('1 day inactive'). A stable format: reports may parse it.
-#}
{% macro recall_priority_reason(is_reachable, lifecycle_state, value_tier,
        response_tier, days_inactive) %}
    {%- set arguments = {
        'is_reachable': is_reachable,
        'lifecycle_state': lifecycle_state,
        'value_tier': value_tier,
        'response_tier': response_tier,
        'days_inactive': days_inactive,
    } -%}
    {%- for name, value in arguments.items() -%}
        {{- recall_check_sql_expression('recall_priority_reason', name,
            value) -}}
    {%- endfor -%}
    {%- set separator = "' · '" -%}
    {{ dbt.concat([
        "case when " ~ is_reachable
            ~ " then 'reachable' else 'unreachable' end",
        separator,
        lifecycle_state,
        separator,
        "case when " ~ value_tier ~ " = 'none' then 'no purchase' else "
            ~ dbt.concat([value_tier, "' value'"]) ~ " end",
        separator,
        response_tier,
        "' response'",
        separator,
        "cast(" ~ days_inactive ~ " as " ~ dbt.type_string() ~ ")",
        "case when " ~ days_inactive ~ " = 1 then ' day inactive'"
            ~ " else ' days inactive' end",
    ]) }}
{%- endmacro %}
