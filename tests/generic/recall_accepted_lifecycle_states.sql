{#-
    Every non-null value is a recall lifecycle state of
    recall_lifecycle_states() (metrics.md §1); with inactivity_only true, a
    state that is part of an inactivity episode (is_inactivity). The rows
    holding another value fail.
-#}
{% test recall_accepted_lifecycle_states(model, column_name,
        inactivity_only=false) %}
    {%- if inactivity_only is not boolean -%}
        {{ exceptions.raise_compiler_error(
            "recall_accepted_lifecycle_states: argument 'inactivity_only'"
            ~ " must be true or false; received "
            ~ (inactivity_only | tojson) ~ ".") }}
    {%- endif -%}
    {%- set states = [] -%}
    {%- for state in recall_lifecycle_states() -%}
        {%- if state.is_inactivity or not inactivity_only -%}
            {%- do states.append(state.state) -%}
        {%- endif -%}
    {%- endfor -%}
    select *
    from {{ model }}
    where {{ column_name }} not in ({{ recall_sql_list(states) }})
{% endtest %}
