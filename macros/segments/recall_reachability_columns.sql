{#-
    The reachability columns dim_users publishes (rulings R30), in contract
    order, separated by commas: is_reachable_<channel> for every channel of
    the registry with reachability true (recall_channels()), then
    is_reachable. relation, when given, qualifies each column.
-#}
{% macro recall_reachability_columns(relation=none) %}
    {%- if relation is not none and relation is not string -%}
        {{ exceptions.raise_compiler_error(
            "recall_reachability_columns: argument 'relation' must be a"
            ~ " relation name or omitted; received " ~ (relation | tojson)
            ~ ".") }}
    {%- endif -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- for channel in recall_channels(reachability=true) -%}
        {{ prefix }}is_reachable_{{ channel.channel }},
        {% endfor -%}
    {{ prefix }}is_reachable
{%- endmacro %}
