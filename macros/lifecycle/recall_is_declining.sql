{#-
    Whether a user's activity was declining before they went quiet (rulings
    R13): fewer active days in the last declining_window_days up to the last
    active day than half of those in the window before.
-#}
{% macro recall_is_declining(recent_active_days, earlier_active_days) %}
    ({{ recent_active_days }} < 0.5 * {{ earlier_active_days }})
{%- endmacro %}
