{#-
    True when a raw timestamp lies outside the plausible range: before
    earliest_plausible_date, or after the load time (the run's start,
    recall_run_timestamp) plus clock_skew_minutes. With allow_future=true
    only the lower bound applies (planned dates, such as a campaign's
    starts_at and ends_at, may lie ahead of the load). Null when the
    timestamp is null (a missing value is another rule's business). Every
    triage model tests its timestamps with this one rule (reason
    implausible_date).
-#}
{% macro recall_is_implausible_timestamp(column, allow_future=false) %}
    {%- if allow_future not in [true, false] -%}
        {{ exceptions.raise_compiler_error(
            "recall_is_implausible_timestamp: argument 'allow_future' must be"
            ~ " true or false; received " ~ (allow_future | tojson) ~ ".") }}
    {%- endif -%}
    {%- set earliest_at = 'cast(' ~ recall_date_literal(
        var('earliest_plausible_date')) ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    {%- set latest_at = dbt.dateadd('minute', var('clock_skew_minutes'),
        recall_run_timestamp()) | trim -%}
    ({{ column }} < {{ earliest_at }}
    {%- if not allow_future %} or {{ column }} > {{ latest_at }}{% endif -%}
    )
{%- endmacro %}
