{#-
    Whether a provider callback is a qualifying touch (metrics.md §1): its
    type is listed for its channel in the var qualifying_touches. Channels
    the var does not list have no qualifying touch.
-#}
{% macro recall_is_qualifying_touch(channel, event_type) %}
    {%- set touches = var('qualifying_touches') -%}
    {%- if touches is not mapping or touches | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_is_qualifying_touch: var 'qualifying_touches' must be a"
            ~ " non-empty map of channel to callback types; received "
            ~ (touches | tojson) ~ ".") }}
    {%- endif -%}
    (
    {%- for channel_name, types in touches.items() %}
        {% if not loop.first %}or {% endif -%}
        ({{ channel }} = {{ recall_string_literal(channel_name) }}
        {%- if types | length > 0 %}
            and {{ event_type }} in (
                {%- for touch_type in types -%}
                    {{ recall_string_literal(touch_type) }}
                    {%- if not loop.last %}, {% endif %}
                {%- endfor -%})
        {%- else %}
            and 1 = 0
        {%- endif %})
    {%- endfor %}
    )
{%- endmacro %}
