{#-
    Checks, at run start, that every raw table of the contract has landed and
    that each contract column is present with a compatible type. The expected
    types are the `data_type`s of the source columns
    (models/staging/*/_*__sources.yml). A missing table or a wrong type stops
    the run with a message naming the table and the column.
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
        "select count(*) from glob('" ~ location ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ source_node.name ~ "' is missing: no file matches "
            ~ location ~ " (set RECALL_RAW_DIR to the landing root; see "
            ~ "spec/raw-contract.md for the layout).") }}
    {%- endif -%}
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

{#- Type families the contract's types accept, matched on the type's prefix. -#}
{% macro recall_compare_raw_columns(source_node, actual) %}
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
    {%- for column in source_node.columns.values() -%}
        {%- set name = column.name | lower -%}
        {%- set expected = (column.data_type or '') | lower -%}
        {%- set family = 'decimal' if expected.startswith('decimal')
                         else expected -%}
        {%- if name not in actual -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source_node.name ~ "' has no column '" ~ name
                ~ "' (contract type " ~ expected ~ "); columns found: "
                ~ actual.keys() | list | join(', ') ~ ".") }}
        {%- endif -%}
        {%- set found_type = actual[name] -%}
        {%- set ns = namespace(ok=(found_type == 'NULL')) -%}
        {%- for prefix in families.get(family, [family | upper]) -%}
            {%- if found_type.startswith(prefix)
                  and 'TIME ZONE' not in found_type -%}
                {%- set ns.ok = true -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not ns.ok -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source_node.name ~ "', column '" ~ name
                ~ "' has type " ~ found_type ~ "; the contract expects "
                ~ expected ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
