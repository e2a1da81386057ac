{#-
    The position (1, 2, ...) of a lifecycle state in recall_lifecycle_states()
    as a SQL case expression over `state_expression` (null for another
    value), so the furthest state a set of rows reached is a max() of it;
    recall_lifecycle_state_at_rank turns the position back into the state.
-#}
{% macro recall_lifecycle_state_rank(state_expression) %}
    {{- recall_check_sql_expression('recall_lifecycle_state_rank',
        'state_expression', state_expression) -}}
    case {{ state_expression }}
    {%- for def in recall_lifecycle_states() %}
        when '{{ def.state }}' then {{ loop.index }}
    {%- endfor %}
    end
{%- endmacro %}
