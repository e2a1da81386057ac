{#-
    The recall lifecycle states (metrics.md §1) as data: each state is a
    rectangle of tenure (days since registration) and days inactive, bounds
    inclusive from, exclusive to, none = unbounded. The rectangles must not
    overlap and must cover every (tenure >= 0, days inactive >= 0) pair.
    recall_lifecycle_state() (one day) and int_user_lifecycle_segments (state
    intervals) are both generated from this list, and the generic test
    recall_accepted_lifecycle_states checks the state columns against it, so
    a fork that changes the states overrides this one macro. is_inactivity
    marks the states that make up an inactivity episode.
-#}
{% macro recall_lifecycle_states() %}
    {%- set new_days = var('new_user_days') -%}
    {%- set silent_days = var('silent_after_days') -%}
    {%- set churned_days = var('churned_after_days') -%}
    {{- return([
        {'state': 'new', 'tenure_from': 0, 'tenure_to': new_days,
         'inactive_from': 0, 'inactive_to': none, 'is_inactivity': false},
        {'state': 'active', 'tenure_from': new_days, 'tenure_to': none,
         'inactive_from': 0, 'inactive_to': silent_days,
         'is_inactivity': false},
        {'state': 'silent', 'tenure_from': new_days, 'tenure_to': none,
         'inactive_from': silent_days, 'inactive_to': churned_days,
         'is_inactivity': true},
        {'state': 'churned', 'tenure_from': new_days, 'tenure_to': none,
         'inactive_from': churned_days, 'inactive_to': none,
         'is_inactivity': true},
    ]) -}}
{% endmacro %}
