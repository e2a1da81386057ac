{#-
    The recall lifecycle state of a user on a day (metrics.md §1): new while
    the user is younger than new_user_days, then active, silent or churned by
    days inactive. The one place the states are defined; override it to
    change them everywhere.
-#}
{% macro recall_lifecycle_state(days_since_registration, days_inactive) %}
    case
        when {{ days_since_registration }} < {{ var('new_user_days') }}
            then 'new'
        when {{ days_inactive }} < {{ var('silent_after_days') }}
            then 'active'
        when {{ days_inactive }} < {{ var('churned_after_days') }}
            then 'silent'
        else 'churned'
    end
{%- endmacro %}
