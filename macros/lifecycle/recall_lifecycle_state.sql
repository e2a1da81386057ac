{#-
    The recall lifecycle state of a user on one day (metrics.md §1), from the
    days since registration and the days inactive, as a case expression
    generated from recall_lifecycle_states(): override that macro to change
    the states everywhere.
-#}
{% macro recall_lifecycle_state(days_since_registration, days_inactive) %}
    case
    {%- for def in recall_lifecycle_states() %}
        when {{ days_since_registration }} >= {{ def.tenure_from }}
        {%- if def.tenure_to is not none %}
            and {{ days_since_registration }} < {{ def.tenure_to }}
        {%- endif %}
            and {{ days_inactive }} >= {{ def.inactive_from }}
        {%- if def.inactive_to is not none %}
            and {{ days_inactive }} < {{ def.inactive_to }}
        {%- endif %}
            then '{{ def.state }}'
    {%- endfor %}
    end
{%- endmacro %}
