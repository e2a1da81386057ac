{#-
    Triage of a keyed raw table with versions (rulings R9). Selects every row
    of `relation_name` (which carries an `invalid_reason`, null when the row
    passes the table's own rules) with:
      - row_status: clean (the winning version of its key), superseded (an
        older version), duplicate (an identical copy of a version) or
        quarantined;
      - quarantine_reason: the invalid_reason, or conflicting_versions for a
        row that shares its version value with a greater row of other
        content (the greatest content of each version value survives).
    The winner is the greatest version; ties are broken by the content
    columns, compared in the order given, greatest first (nulls lowest).
    Without a version column every copy of a key shares one version.
-#}
{% macro recall_triage_versions(relation_name, key_columns, content_columns,
                                version_column=none) %}
    {%- if key_columns is string or key_columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_triage_versions: argument 'key_columns' must be a "
            ~ "non-empty list of column names; received "
            ~ (key_columns | tojson) ~ ".") }}
    {%- endif -%}
    {%- if content_columns is string or content_columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_triage_versions: argument 'content_columns' must be a "
            ~ "non-empty list of column names; received "
            ~ (content_columns | tojson) ~ ".") }}
    {%- endif -%}
    {%- set partition -%}
        partition by
            {{ relation_name }}.invalid_reason is null,
            {% for column in key_columns -%}
            {{ relation_name }}.{{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
    {%- endset -%}
    {%- set version_order -%}
        {%- if version_column is not none -%}
            {{ relation_name }}.{{ version_column }} desc nulls last
        {%- else -%}
            1
        {%- endif -%}
    {%- endset -%}
    {%- set content_order -%}
        {%- for column in content_columns -%}
            {{ relation_name }}.{{ column }} desc nulls last
            {{- ',' if not loop.last }}
        {% endfor -%}
    {%- endset -%}
    {%- set version_partition -%}
        {{ partition }}
        {%- if version_column is not none -%}
            , {{ relation_name }}.{{ version_column }}
        {%- endif -%}
    {%- endset -%}
    select
        {{ relation_name }}.*,
        row_number() over (
            {{ partition }}
            order by {{ version_order }}, {{ content_order }}
        ) as copy_number,
        dense_rank() over (
            {{ version_partition }}
            order by {{ content_order }}
        ) as content_rank,
        row_number() over (
            {{ version_partition }}
            order by {{ content_order }}
        ) as copy_in_version
    from {{ relation_name }}
{% endmacro %}

{#- The row_status of a row ranked by recall_triage_versions. -#}
{% macro recall_triage_status(relation_name) %}
    case
        when {{ relation_name }}.invalid_reason is not null then 'quarantined'
        when {{ relation_name }}.copy_number = 1 then 'clean'
        when {{ relation_name }}.content_rank > 1 then 'quarantined'
        when {{ relation_name }}.copy_in_version > 1 then 'duplicate'
        else 'superseded'
    end
{%- endmacro %}

{#- The quarantine_reason of a row ranked by recall_triage_versions. -#}
{% macro recall_triage_reason(relation_name) %}
    case
        when {{ relation_name }}.invalid_reason is not null
            then {{ relation_name }}.invalid_reason
        when {{ relation_name }}.copy_number > 1
            and {{ relation_name }}.content_rank > 1
            then 'conflicting_versions'
    end
{%- endmacro %}
