{#-
    The days since registration, both ends included, whose `feature_event`
    events decide whether a user is a feature user (rulings R25): days
    [reg, reg + feature_days - 1], returned as a mapping
    {'first_day': 0, 'last_day': feature_days - 1}. A cohort is measured
    only once its window is over (reg + last_day <= as_of_date). Override
    this macro to move the window everywhere.
-#}
{% macro recall_feature_window() %}
    {%- set feature_days = var('feature_days') -%}
    {%- if feature_days is not number or feature_days is boolean
          or feature_days != (feature_days | int) or feature_days < 1 -%}
        {{ exceptions.raise_compiler_error(
            "recall_feature_window: var 'feature_days' must be a whole"
            ~ " number of days, at least 1; received "
            ~ (feature_days | tojson) ~ ".") }}
    {%- endif -%}
    {{- return({'first_day': 0, 'last_day': feature_days - 1}) -}}
{% endmacro %}
