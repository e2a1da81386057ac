{#-
    The status (ok, warn, error) of a check's share against its thresholds,
    all arguments SQL expressions: where direction is 'at_least' the check
    fails below a threshold, where it is 'at_most' above it. A share over
    fewer than dq_min_denominator_count rows (or over none) is not judged.
-#}
{% macro recall_quality_status(share, denominator, direction, warn_threshold,
                               error_threshold) %}
    {%- for name, expression in [('share', share),
            ('denominator', denominator), ('direction', direction),
            ('warn_threshold', warn_threshold),
            ('error_threshold', error_threshold)] -%}
        {{- recall_check_sql_expression('recall_quality_status', name,
            expression) -}}
    {%- endfor -%}
    case
        when {{ share }} is null
            or {{ denominator }} < {{ var('dq_min_denominator_count') }}
            then 'ok'
        when {{ direction }} = 'at_least' and {{ share }} < {{ error_threshold }}
            then 'error'
        when {{ direction }} = 'at_most' and {{ share }} > {{ error_threshold }}
            then 'error'
        when {{ direction }} = 'at_least' and {{ share }} < {{ warn_threshold }}
            then 'warn'
        when {{ direction }} = 'at_most' and {{ share }} > {{ warn_threshold }}
            then 'warn'
        else 'ok'
    end
{%- endmacro %}
