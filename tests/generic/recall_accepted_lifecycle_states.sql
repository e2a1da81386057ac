{#-
    Every non-null value is a recall lifecycle state of
    recall_lifecycle_states() (metrics.md §1); with inactivity_only true, a
    state that is part of an inactivity episode (is_inactivity). `also`: more
    accepted values (a campaign's target_state may be `any`). The rows
    holding another value fail.
-#}
{% test recall_accepted_lifecycle_states(model, column_name,
        inactivity_only=false, also=[]) %}
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
    {%- if also is string or also is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "recall_accepted_lifecycle_states: argument 'also' must be a"
            ~ " list of strings; received " ~ (also | tojson) ~ ".") }}
    {%- endif -%}
    {%- set states = states + also -%}
    select *
    from {{ model }}
    where {{ column_name }} not in ({{ recall_sql_list(states) }})
{% endtest %}
