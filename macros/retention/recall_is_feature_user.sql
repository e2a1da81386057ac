{#-
    Whether a user is a feature user (metrics.md §3, rulings R25), from the
    number of clean `feature_event` events in the user's feature window
    (recall_feature_window): at least var `feature_min_count`.
    `feature_event_count_expression` is that per-user count as SQL. Returns
    a boolean expression.
-#}
{% macro recall_is_feature_user(feature_event_count_expression) %}
    {{- recall_check_sql_expression('recall_is_feature_user',
        'feature_event_count_expression', feature_event_count_expression) -}}
    {%- set min_count = var('feature_min_count') -%}
    {%- if min_count is not number or min_count is boolean
          or min_count != (min_count | int) or min_count < 1 -%}
        {{ exceptions.raise_compiler_error(
            "recall_is_feature_user: var 'feature_min_count' must be a whole"
            ~ " number, at least 1; received " ~ (min_count | tojson) ~ ".") }}
    {%- endif -%}
    ({{ feature_event_count_expression }} >= {{ min_count }})
{%- endmacro %}
