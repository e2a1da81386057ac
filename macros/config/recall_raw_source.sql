{#-
    The relation of a raw table for a staging model to read: source(), on
    DuckDB with its landing root made absolute. A staging view stores the
    path it reads; with RECALL_RAW_DIR given relative (data/raw), a reader in
    another folder (a BI tool, a notebook) would find no files. dbt's Jinja
    cannot ask the process for its folder, so the folder is found by
    candidates that DuckDB verifies: the folder implied by the warehouse
    file (DuckDB opens it by an absolute path; the profile gives it relative
    to the folder dbt runs in) and the shell's PWD; a candidate is taken
    only when the files it lists are exactly the files the relative root
    lists. None verified stops the run, asking for an absolute path.
-#}
{% macro recall_raw_source(source_name, table_name) %}
    {{- return(adapter.dispatch('recall_raw_source', 'recall')(
        source_name, table_name)) -}}
{% endmacro %}

{% macro default__recall_raw_source(source_name, table_name) %}
    {{- return(source(source_name, table_name)) -}}
{% endmacro %}

{% macro duckdb__recall_raw_source(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set node = (graph.get('sources') or {}).get('source.' ~ project_name
        ~ '.' ~ source_name ~ '.' ~ table_name) -%}
    {%- if node is none -%}
        {#- A unit test: its graph has no sources, it reads no file. -#}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set meta = node.config.meta or node.meta -%}
    {%- set root = recall_absolute_landing_root(meta.get('raw_dir', ''),
        meta.get('raw_glob', '')) -%}
    {%- set location = meta.external_location
        | replace('{raw_dir_sql}', root | replace("'", "''"))
        | replace('{raw_glob}', meta.get('raw_glob', '')) -%}
    {{- return(relation.incorporate(external=location)) -}}
{% endmacro %}

{#- The landing root `raw_dir` as an absolute path (see recall_raw_source);
    `raw_glob`: the files of one table under it, to verify a candidate. -#}
{% macro recall_absolute_landing_root(raw_dir, raw_glob) %}
    {%- if raw_dir.startswith('/') or raw_dir.startswith('\\')
          or modules.re.match('^[A-Za-z]:[\\\\/]', raw_dir) -%}
        {{- return(raw_dir) -}}
    {%- endif -%}
    {%- set candidates = [] -%}
    {%- set db_path = (target.path or '') | replace('\\', '/') -%}
    {%- set segments = db_path.split('/') | reject('in', ['', '.']) | list -%}
    {%- if db_path and not db_path.startswith('/') and ':' not in db_path
          and '..' not in segments -%}
        {%- set opened = run_query(
            "select path from duckdb_databases()"
            ~ " where database_name = current_database()")
            .columns[0].values()[0] -%}
        {%- set suffix = '/' ~ segments | join('/') -%}
        {%- set opened = (opened or '') | replace('\\', '/') -%}
        {%- if opened.endswith(suffix) -%}
            {%- do candidates.append(opened[:opened | length - suffix | length]) -%}
        {%- endif -%}
    {%- endif -%}
    {%- set pwd = env_var('PWD', '') -%}
    {%- if pwd.startswith('/') and pwd not in candidates -%}
        {%- do candidates.append(pwd) -%}
    {%- endif -%}
    {%- set relative_pattern = raw_dir ~ '/' ~ raw_glob -%}
    {%- for folder in candidates -%}
        {%- set absolute = folder.rstrip('/') ~ '/' ~ raw_dir -%}
        {%- set same_files_query -%}
            select
                (
                    select list(substr(file, {{ raw_dir | length + 1 }})
                        order by file)
                    from glob('{{ relative_pattern | replace("'", "''") }}')
                )
                = (
                    select list(substr(file, {{ absolute | length + 1 }})
                        order by file)
                    from glob('{{ (absolute ~ '/' ~ raw_glob)
                        | replace("'", "''") }}')
                )
        {%- endset -%}
        {%- if run_query(same_files_query).columns[0].values()[0] -%}
            {{- return(absolute) -}}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "The landing root RECALL_RAW_DIR='" ~ raw_dir ~ "' is relative and"
        ~ " the folder dbt runs in could not be determined (tried: "
        ~ (candidates | join(', ') or 'none') ~ "); the staging views store"
        ~ " the path, so readers in other folders need it absolute. Set"
        ~ " RECALL_RAW_DIR to an absolute path.") }}
{% endmacro %}
