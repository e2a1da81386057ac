{#-
    The key of a row's cell at one level of the churn-risk hazard table
    (recall_churn_risk_levels): 'all' at level 0, else the values of the
    level's features, in level order, joined by '|', e.g. '12|2-3|true'.
-#}
{% macro recall_churn_risk_cell_key(relation, level) %}
    {%- set levels = recall_churn_risk_levels() -%}
    {%- if level is not number or level is boolean or level < 0
          or level > levels | length -%}
        {{ exceptions.raise_compiler_error(
            "recall_churn_risk_cell_key: argument 'level' must be a whole"
            ~ " number from 0 to " ~ levels | length ~ "; received "
            ~ (level | tojson) ~ ".") }}
    {%- endif -%}
    {%- if level == 0 -%}
        'all'
    {%- else -%}
        {%- set parts = [] -%}
        {%- for entry in levels[:level] -%}
            {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
            {%- do parts.append('cast(' ~ relation ~ '.' ~ entry.column
                ~ ' as ' ~ dbt.type_string() ~ ')') -%}
        {%- endfor -%}
        {{ dbt.concat(parts) }}
    {%- endif -%}
{%- endmacro %}
