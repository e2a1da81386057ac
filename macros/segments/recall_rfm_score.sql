{#-
    An RFM score from a value and its breakpoints (metrics.md §4, rulings
    R26): 1 + the number of breakpoints strictly below the value, so the
    smallest value scores 1 and tied values share a score. With reverse=true
    (recency, where fewer days is better) the score is flipped:
    (number of breakpoints + 2) - that, i.e. 6 - that with four breakpoints.
    `breakpoints` is a list of SQL expressions (columns of the breakpoint
    row); a null value gives a null score.
-#}
{% macro recall_rfm_score(value, breakpoints, reverse=false) %}
    {{- recall_check_sql_expression('recall_rfm_score', 'value', value) -}}
    {%- if breakpoints is string or breakpoints is not iterable
          or breakpoints is mapping or breakpoints | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_rfm_score: argument 'breakpoints' must be a non-empty"
            ~ " list of SQL expressions; received "
            ~ (breakpoints | tojson) ~ ".") }}
    {%- endif -%}
    {%- for breakpoint in breakpoints -%}
        {{- recall_check_sql_expression('recall_rfm_score', 'breakpoints',
            breakpoint) -}}
    {%- endfor -%}
    {%- if reverse is not boolean -%}
        {{ exceptions.raise_compiler_error(
            "recall_rfm_score: argument 'reverse' must be true or false;"
            ~ " received " ~ (reverse | tojson) ~ ".") }}
    {%- endif -%}
    case
        when {{ value }} is null then null
        else {% if reverse %}{{ breakpoints | length + 2 }} - ({% endif -%}
            1
            {%- for breakpoint in breakpoints %}
            + case when {{ breakpoint }} < {{ value }} then 1 else 0 end
            {%- endfor %}
            {%- if reverse %}){% endif %}
    end
{%- endmacro %}
