{#-
    The response tier of a user (metrics.md §4, rulings R29) from the
    response rate (sends with a qualifying touch / delivered sends) and the
    number of delivered sends over the last response_lookback_days: unknown
    with fewer than response_min_sends delivered sends (or no rate), high
    from response_high_rate, mid from response_mid_rate (both cut points
    inclusive), else low.
-#}
{% macro recall_response_tier(response_rate, delivered_count) %}
    {{- recall_check_sql_expression('recall_response_tier', 'response_rate',
        response_rate) -}}
    {{- recall_check_sql_expression('recall_response_tier',
        'delivered_count', delivered_count) -}}
    {%- set high_rate = var('response_high_rate') -%}
    {%- set mid_rate = var('response_mid_rate') -%}
    {%- set min_sends = var('response_min_sends') -%}
    {%- if high_rate is not number or high_rate is boolean
          or mid_rate is not number or mid_rate is boolean
          or not (0 <= mid_rate <= high_rate <= 1) -%}
        {{ exceptions.raise_compiler_error(
            "recall_response_tier: vars 'response_mid_rate' and"
            ~ " 'response_high_rate' must be numbers with 0 <= mid <= high"
            ~ " <= 1; received " ~ (mid_rate | tojson) ~ " and "
            ~ (high_rate | tojson) ~ ".") }}
    {%- endif -%}
    {%- if min_sends is not number or min_sends is boolean
          or min_sends != (min_sends | int) or min_sends < 1 -%}
        {{ exceptions.raise_compiler_error(
            "recall_response_tier: var 'response_min_sends' must be a whole"
            ~ " number of sends, at least 1; received "
            ~ (min_sends | tojson) ~ ".") }}
    {%- endif -%}
    case
        when {{ delivered_count }} < {{ min_sends }}
            or {{ response_rate }} is null
            then 'unknown'
        when {{ response_rate }}
            >= cast({{ high_rate }} as {{ recall_type_double() }})
            then 'high'
        when {{ response_rate }}
            >= cast({{ mid_rate }} as {{ recall_type_double() }})
            then 'mid'
        else 'low'
    end
{%- endmacro %}
