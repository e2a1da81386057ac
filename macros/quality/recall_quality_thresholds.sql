{#-
    The thresholds of every data-quality check in effect: a map of check
    name to {'warn': share, 'error': share}, each the check's default in
    recall_quality_checks unless the var dq_thresholds gives it, e.g.
    --vars '{dq_thresholds: {late_events: {warn: 0.05}}}' changes the warn
    threshold of late_events alone. validate_recall_vars checks the var and
    the result at run start (unknown checks, keys and shares are errors);
    here an entry that is not a map is read as no override.
-#}
{% macro recall_quality_thresholds() %}
    {%- set overrides = var('dq_thresholds') -%}
    {%- set thresholds = {} -%}
    {%- for check in recall_quality_checks() -%}
        {%- set given = overrides.get(check.name)
            if overrides is mapping else none -%}
        {%- set given = given if given is mapping else {} -%}
        {%- do thresholds.update({check.name: {
            'warn': given.get('warn', check.warn),
            'error': given.get('error', check.error),
        }}) -%}
    {%- endfor -%}
    {{- return(thresholds) -}}
{% endmacro %}
