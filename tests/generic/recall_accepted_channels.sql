{#-
    Every non-null value is a channel of the registry (var channels, macro
    recall_channels()); with opens_app true, a channel whose click opens the
    app. The rows holding another value fail.
-#}
{% test recall_accepted_channels(model, column_name, opens_app=none) %}
    {%- if opens_app is not none and opens_app is not boolean -%}
        {{ exceptions.raise_compiler_error(
            "recall_accepted_channels: argument 'opens_app' must be true,"
            ~ " false or omitted; received " ~ (opens_app | tojson) ~ ".") }}
    {%- endif -%}
    {%- set channels = recall_channels(opens_app=opens_app)
        | map(attribute='channel') | list -%}
    select *
    from {{ model }}
    where {{ column_name }} not in ({{ recall_sql_list(channels) }})
{% endtest %}
