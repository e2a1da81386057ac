{#-
    The lifecycle state at a position of recall_lifecycle_states(), as a SQL
    case expression over `rank_expression` (see recall_lifecycle_state_rank).
-#}
{% macro recall_lifecycle_state_at_rank(rank_expression) %}
    {{- recall_check_sql_expression('recall_lifecycle_state_at_rank',
        'rank_expression', rank_expression) -}}
    case {{ rank_expression }}
    {%- for def in recall_lifecycle_states() %}
        when {{ loop.index }} then '{{ def.state }}'
    {%- endfor %}
    end
{%- endmacro %}
