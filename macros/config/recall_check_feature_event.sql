{#-
    Stops the run when the var feature_event is not an event of the
    tracking plan (recall_tracking_plan_event_names), naming the var and
    listing the plan's events. validate_recall_vars calls it at run start;
    int_user_days_aggregated calls it again when it compiles, which covers
    a first run on an engine where the seed's table did not exist yet at
    start. Does nothing while the names cannot be read.
-#}
{% macro recall_check_feature_event() %}
    {%- set names = recall_tracking_plan_event_names() -%}
    {%- if names is not none and var('feature_event') not in names -%}
        {{ recall_var_error('feature_event',
            'an event name of the tracking plan (seed tracking_plan): '
            ~ names | sort | join(', '), var('feature_event')) }}
    {%- endif -%}
{% endmacro %}
