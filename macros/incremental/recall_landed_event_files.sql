{#-
    Which raw event rows an incremental load of int_event_rows_triaged reads.

    DuckDB reads Parquet files: the load reads every file under the events
    landing folder that the table does not hold yet, by name, wherever it
    lies (a new day, a redelivery into a day already loaded, a backfill into
    an old day), so an incremental build holds the same rows as a full one.
    A file the table holds with another row count than the file now has was
    changed in place: that stops the run, naming the file. Other engines
    read tables, not files: the unit is the landing day (the UTC date of
    received_at). The raw table's rows per landing day are counted against
    the rows the table holds per day; the load reads every day it does not
    hold (a new day, a backfilled old one, a day stamped far in the future
    by a broken clock, which a high-water mark would let hide every later
    day), and a day held with another count than the raw table now has
    stops the run, naming the day and the cure.

    Returns none (read every row: a full build or an empty table) or a dict
    for recall_landed_events_filter: {'landing_days': ['YYYY-MM-DD' or
    'null']} or {'source_files': [relative paths]}.
-#}
{% macro recall_landed_events_selection() %}
    {{- return(adapter.dispatch('recall_landed_events_selection',
        'recall')()) -}}
{% endmacro %}

{% macro default__recall_landed_events_selection() %}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set landings = recall_compare_landings(
        "select " ~ recall_landing_day_key('raw_rows.landing_date')
        ~ " as landing_key, count(*) as row_count from "
        ~ ref('stg_tracking__events') ~ " as raw_rows group by "
        ~ recall_landing_day_key('raw_rows.landing_date'),
        "select " ~ recall_landing_day_key('this_table.landing_date')
        ~ " as landing_key, count(*) as row_count from " ~ this
        ~ " as this_table group by "
        ~ recall_landing_day_key('this_table.landing_date')) -%}
    {%- set changed = landings['changed'] -%}
    {%- if changed -%}
        {{ exceptions.raise_compiler_error(
            "Raw events were added to (or removed from) landing days already "
            ~ "loaded: " ~ changed[:5] | join(', ')
            ~ (" and " ~ (changed | length - 5) ~ " more days"
               if changed | length > 5 else "")
            ~ " in " ~ source('tracking', 'events') ~ ". A table engine tells "
            ~ "new rows from old ones by their landing day (the UTC date of "
            ~ "received_at): land corrections with a new received_at. To "
            ~ "load the table as it is now, rebuild: dbt build --full-refresh "
            ~ "--select int_event_rows_triaged+") }}
    {%- endif -%}
    {{- return({'landing_days': landings['new']}) -}}
{% endmacro %}

{#- A landing date as the text key the day counts above compare: null (a
    row without received_at) is a day of its own. -#}
{% macro recall_landing_day_key(date_expression) %}
    coalesce(cast({{ date_expression }} as {{ dbt.type_string() }}), 'null')
{%- endmacro %}

{% macro duckdb__recall_landed_events_selection() %}
    {%- if not execute or not is_incremental() -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set held = adapter.get_columns_in_relation(this)
        | map(attribute='name') | map('lower') | list -%}
    {%- if 'source_file' not in held -%}
        {{ exceptions.raise_compiler_error(
            this ~ " was built before the warehouse recorded the raw file of "
            ~ "each event row (column source_file). Rebuild it once: "
            ~ "dbt build --full-refresh --select int_event_rows_triaged+") }}
    {%- endif -%}
    {%- set source_node = graph.sources[
        'source.' ~ project_name ~ '.tracking.events'] -%}
    {%- set meta = source_node.config.meta or source_node.meta -%}
    {%- set pattern = meta.get('raw_dir', '') ~ '/'
        ~ meta.get('raw_glob', '') -%}
    {%- set landings = recall_compare_landings(
        "select " ~ recall_source_file('file_name')
        ~ " as landing_key, num_rows as row_count from parquet_file_metadata("
        ~ recall_string_literal(pattern) ~ ")",
        "select source_file as landing_key, count(*) as row_count from "
        ~ this ~ " group by source_file") -%}
    {%- set changed = landings['changed'] -%}
    {%- if changed -%}
        {{ exceptions.raise_compiler_error(
            "Raw event file(s) changed after they were loaded: "
            ~ changed | join(', ') ~ " under " ~ meta.get('raw_dir', '')
            ~ ". A landed file must never be rewritten: land corrections as "
            ~ "new files. To load the files as they are now, rebuild: "
            ~ "dbt build --full-refresh --select int_event_rows_triaged+") }}
    {%- endif -%}
    {{- return({'source_files': landings['new']}) -}}
{% endmacro %}

{#-
    What an incremental load must read, from row counts per landing (a file
    or a landing day): `landed_sql` and `held_sql` each select
    (landing_key, row_count), for the raw data as it is now and for the rows
    the table holds. Returns {'new': keys the table does not hold, in key
    order, 'changed': ['<key> (<held> rows loaded, <now> rows now)'] for
    keys held with another count}.
-#}
{% macro recall_compare_landings(landed_sql, held_sql) %}
    {%- set query -%}
        with

        landed as ({{ landed_sql }}),

        held as ({{ held_sql }})

        select
            landed.landing_key,
            landed.row_count as landed_row_count,
            held.row_count as held_row_count
        from landed
        left join held
            on landed.landing_key = held.landing_key
        where
            held.landing_key is null
            or held.row_count <> landed.row_count
        order by landed.landing_key
    {%- endset -%}
    {%- set new = [] -%}
    {%- set changed = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- if row[2] is none -%}
            {%- do new.append(row[0]) -%}
        {%- else -%}
            {%- do changed.append(row[0] ~ ' (' ~ row[2] ~ ' rows loaded, '
                ~ row[1] ~ ' rows now)') -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return({'new': new, 'changed': changed}) -}}
{% endmacro %}

{#-
    The condition that keeps the rows of a selection (see
    recall_landed_events_selection) in a relation of raw event rows with
    columns landing_date and source_file, prefixed by `relation_alias`;
    none when the selection reads every row.
-#}
{% macro recall_landed_events_filter(selection, relation_alias) %}
    {%- if selection is none -%}
        {{- return(none) -}}
    {%- elif 'landing_days' in selection -%}
        {%- if selection['landing_days'] | length == 0 -%}
            {{- return('1 = 0') -}}
        {%- endif -%}
        {{- return(recall_landing_day_key(relation_alias ~ '.landing_date')
            ~ ' in (' ~ recall_raw_names_sql(selection['landing_days'])
            ~ ')') -}}
    {%- elif selection['source_files'] | length == 0 -%}
        {{- return('1 = 0') -}}
    {%- endif -%}
    {{- return(relation_alias ~ '.source_file in ('
        ~ recall_raw_names_sql(selection['source_files']) ~ ')') -}}
{% endmacro %}

{#-
    The landed file of a raw event row, relative to the landing root
    (events/dt=YYYY-MM-DD/<name>.parquet), from the full path in
    `path_column` (DuckDB's read_parquet filename); null on engines that read
    tables. Relative, so that moving the landing root changes nothing.
-#}
{% macro recall_source_file(path_column='filename') %}
    {{- adapter.dispatch('recall_source_file', 'recall')(path_column) -}}
{% endmacro %}

{% macro duckdb__recall_source_file(path_column) %}
    regexp_extract(
        replace({{ path_column }}, '\', '/'), '[^/]+/[^/]+/[^/]+$'
    )
{%- endmacro %}

{% macro default__recall_source_file(path_column) %}
    cast(null as {{ dbt.type_string() }})
{%- endmacro %}
