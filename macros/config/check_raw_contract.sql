{#-
    Checks, at run start, that every raw table of the contract has landed and
    that each contract column is present with a compatible type. The expected
    types are the `data_type`s of the source columns
    (models/staging/*/_*__sources.yml). A missing table or a wrong type stops
    the run with a message naming the table and the column.

    On DuckDB each raw file is checked on its own as well (a union of files
    hides one file's drift): a file whose contract column has an
    incompatible type stops the run naming the file, and so does a file
    without a contract column, unless the table's meta sets
    `file_missing_column: quarantine` (events: landed once and never read
    again, so the file's rows are quarantined as schema_drift by
    int_event_rows_triaged, see recall_drifted_raw_files, instead of
    blocking every later load).
-#}
{% macro check_raw_contract() %}
    {%- if execute and flags.WHICH in ('run', 'build', 'test') -%}
        {%- for source_node in graph.sources.values()
                if source_node.package_name == project_name -%}
            {{ adapter.dispatch('check_raw_table', 'recall')(source_node) }}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_contract_checked
{% endmacro %}

{% macro duckdb__check_raw_table(source_node) %}
    {%- set meta = source_node.config.meta or source_node.meta -%}
    {%- set location = meta.get('raw_dir', '') ~ '/' ~ meta.get('raw_glob', '') -%}
    {%- set found = run_query(
        "select count(*) from glob('" ~ location | replace("'", "''")
        ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ source_node.name ~ "' is missing: no file matches "
            ~ location ~ " (set RECALL_RAW_DIR to the landing root; see "
            ~ "spec/raw-contract.md for the layout).") }}
    {%- endif -%}
    {{ recall_check_raw_files(source_node, found) }}
    {%- set described = run_query(
        'describe select * from ' ~ source(source_node.source_name,
                                           source_node.name)) -%}
    {%- set actual = {} -%}
    {%- for row in described.rows -%}
        {%- do actual.update({row[0] | lower: row[1] | upper}) -%}
    {%- endfor -%}
    {{ recall_compare_raw_columns(source_node, actual) }}
{% endmacro %}

{% macro default__check_raw_table(source_node) %}
    {%- set relation = source(source_node.source_name, source_node.name) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ source_node.name ~ "' is missing: " ~ relation
            ~ " does not exist or has no columns.") }}
    {%- endif -%}
    {%- set actual = {} -%}
    {%- for column in columns -%}
        {%- do actual.update({column.name | lower: column.data_type | upper}) -%}
    {%- endfor -%}
    {{ recall_compare_raw_columns(source_node, actual) }}
{% endmacro %}

{#- The columns found (name -> type) against the contract's. -#}
{% macro recall_compare_raw_columns(source_node, actual) %}
    {%- for column in source_node.columns.values() -%}
        {%- set name = column.name | lower -%}
        {%- set expected = (column.data_type or '') | lower -%}
        {%- if name not in actual -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source_node.name ~ "' has no column '" ~ name
                ~ "' (contract type " ~ expected ~ "); columns found: "
                ~ actual.keys() | list | join(', ') ~ ".") }}
        {%- endif -%}
        {%- set found_type = actual[name] -%}
        {%- if not recall_raw_type_matches(expected, found_type) -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source_node.name ~ "', column '" ~ name
                ~ "' has type " ~ found_type ~ "; the contract expects "
                ~ expected ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}

{#- Whether a type found in a raw table (the engine's name for it, upper
    case) is one the contract's type `expected` accepts: its family, matched
    on the type's prefix; NULL (a column of nulls only) matches any. The
    contract names a type as the target engine does (text on PostgreSQL,
    string elsewhere; double precision or double); a timestamp with a time
    zone is not the contract's UTC wall-clock timestamp. -#}
{% macro recall_raw_type_matches(expected, found_type) %}
    {%- set families = {
        'varchar': ['VARCHAR', 'STRING', 'TEXT', 'CHARACTER'],
        'timestamp': ['TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S',
                      'TIMESTAMP WITHOUT', 'TIMESTAMP'],
        'boolean': ['BOOLEAN', 'BOOL'],
        'decimal': ['DECIMAL', 'NUMERIC', 'BIGINT', 'INTEGER', 'SMALLINT',
                    'TINYINT', 'HUGEINT', 'INT'],
        'integer': ['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT',
                    'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'INT',
                    'LONG', 'SHORT'],
    } -%}
    {%- set aliases = {'string': 'varchar', 'text': 'varchar',
                       'double precision': 'double'} -%}
    {%- set family = 'decimal' if expected.startswith('decimal')
                     else aliases.get(expected, expected) -%}
    {%- set ns = namespace(ok=(found_type == 'NULL')) -%}
    {%- for prefix in families.get(family, [family | upper]) -%}
        {%- if found_type.startswith(prefix)
              and 'WITH TIME ZONE' not in found_type -%}
            {%- set ns.ok = true -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(ns.ok) -}}
{% endmacro %}

{#- The raw table's files, each checked against the contract on its own
    (DuckDB reads files; see the header). A problem every one of the
    `file_count` files shares is left to the check of the whole table,
    whose message names the table alone. -#}
{% macro recall_check_raw_files(source_node, file_count) %}
    {%- set meta = source_node.config.meta or source_node.meta -%}
    {%- set location = meta.get('raw_dir', '') ~ '/' ~ meta.get('raw_glob', '') -%}
    {%- set contract = {} -%}
    {%- for column in source_node.columns.values() -%}
        {%- do contract.update({column.name | lower:
            (column.data_type or '') | lower}) -%}
    {%- endfor -%}
    {%- set columns_query -%}
        select
            lower(name) as column_name,
            duckdb_type,
            min(file_name) as first_file_name,
            count(*) as file_count
        from parquet_schema('{{ location | replace("'", "''") }}')
        where lower(name) in ({{ recall_raw_names_sql(contract.keys()) }})
        group by lower(name), duckdb_type
        order by column_name, first_file_name
    {%- endset -%}
    {%- for row in run_query(columns_query).rows -%}
        {%- set expected = contract[row[0]] -%}
        {%- if row[3] < file_count
              and not recall_raw_type_matches(expected, row[1] | upper) -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source_node.name ~ "', file " ~ row[2]
                ~ (" (and " ~ (row[3] - 1) ~ " more)" if row[3] > 1 else "")
                ~ ": column '" ~ row[0] ~ "' has type " ~ row[1]
                ~ "; the contract expects " ~ expected ~ ". Replace the file"
                ~ " with one written to the contract (spec/raw-contract.md),"
                ~ " then run again.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if meta.get('file_missing_column') != 'quarantine' -%}
        {%- set missing = recall_drifted_raw_files(source_node) -%}
        {%- set files_missing = {} -%}
        {%- for row in missing -%}
            {%- do files_missing.update(
                {row[1]: files_missing.get(row[1], 0) + 1}) -%}
        {%- endfor -%}
        {%- set drifted = [] -%}
        {%- for row in missing if files_missing[row[1]] < file_count -%}
            {%- do drifted.append(row) -%}
        {%- endfor -%}
        {%- if drifted | length > 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source_node.name ~ "', file "
                ~ drifted[0][0] ~ " has no column '" ~ drifted[0][1]
                ~ "' (contract type " ~ contract[drifted[0][1]] ~ ")"
                ~ (" (" ~ (drifted | length - 1) ~ " more missing columns)"
                   if drifted | length > 1 else "")
                ~ ". The table is read whole on every run: replace the file"
                ~ " with one written to the contract (spec/raw-contract.md),"
                ~ " then run again.") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- The contract column names as a SQL list of string literals. -#}
{% macro recall_raw_names_sql(names) %}
    {%- for name in names -%}
        '{{ name | replace("'", "''") }}'{% if not loop.last %}, {% endif %}
    {%- endfor -%}
{% endmacro %}

{#-
    The files of a raw table that lack a contract column, as a list of
    [file name as read, column name, path relative to the landing root as
    recall_source_file gives it], on DuckDB (other engines read tables,
    whose columns the start check covers): a file whose columns were renamed
    would otherwise land nulls as if they were values.
-#}
{% macro recall_drifted_raw_files(source_node) %}
    {{- return(adapter.dispatch('recall_drifted_raw_files',
        'recall')(source_node)) -}}
{% endmacro %}

{% macro default__recall_drifted_raw_files(source_node) %}
    {{- return([]) -}}
{% endmacro %}

{% macro duckdb__recall_drifted_raw_files(source_node) %}
    {%- if not execute -%}
        {{- return([]) -}}
    {%- endif -%}
    {%- set meta = source_node.config.meta or source_node.meta -%}
    {%- set location = meta.get('raw_dir', '') ~ '/' ~ meta.get('raw_glob', '') -%}
    {%- set names = source_node.columns.values() | map(attribute='name')
        | map('lower') | list -%}
    {%- set missing_query -%}
        with

        found as (

            select
                file_name,
                lower(name) as column_name
            from parquet_schema('{{ location | replace("'", "''") }}')

        ),

        contract as (

            select column_name
            from (values
                {%- for name in names %}
                ('{{ name }}'){% if not loop.last %},{% endif %}
                {%- endfor %}
            ) as contract_columns (column_name)

        )

        select
            files.file_name,
            contract.column_name,
            {{ recall_source_file('files.file_name') }} as source_file
        from (select distinct file_name from found) as files
        cross join contract
        left join found
            on
                files.file_name = found.file_name
                and contract.column_name = found.column_name
        where found.file_name is null
        order by files.file_name, contract.column_name
    {%- endset -%}
    {%- set drifted = [] -%}
    {%- for row in run_query(missing_query).rows -%}
        {%- do drifted.append([row[0], row[1], row[2]]) -%}
    {%- endfor -%}
    {{- return(drifted) -}}
{% endmacro %}
