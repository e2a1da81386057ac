{#-
    Every raw event row, once, with its fate: kept (the copy of its event_id
    that reached the collector first), duplicate (a retry of a kept copy) or
    quarantined (with a reason). Rules that need no other table are applied
    here, on the kept copy (rulings R2, R3); rules that need the users table
    (unknown user, before registration) follow in int_events_cleaned.
    Incremental by landed file (by landing date on engines that read tables):
    a run reads only the raw files it does not hold yet, so each raw row is
    parsed and deduplicated once (recall_landed_events_selection).
-#}
{{
    config(
        materialized=recall_incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail'
    )
}}

{%- set selection = recall_landed_events_selection() -%}
{%- set batch_ids_filter = recall_landed_events_filter(selection,
    'batch_ids') -%}
{#- Raw files without a contract column (schema drift, see
    check_raw_contract): their rows are quarantined as schema_drift, ranked
    after every other copy of their event_id, and never serve as the copy
    later retries are compared with. -#}
{%- set drifted_files = [] -%}
{#- (A unit test's graph has no sources: it reads no raw file.) -#}
{%- set events_source = (graph.get('sources') or {}).get(
    'source.' ~ project_name ~ '.tracking.events') -%}
{%- for drifted in (recall_drifted_raw_files(events_source)
        if events_source else []) -%}
    {%- if drifted[2] not in drifted_files -%}
        {%- do drifted_files.append(drifted[2]) -%}
    {%- endif -%}
{%- endfor -%}
{%- set drifted_condition = ('events_hashed.source_file in ('
    ~ recall_raw_names_sql(drifted_files) ~ ')') if drifted_files
    else 'false' -%}
{%- set drifted_last = ('case when ' ~ drifted_condition
    ~ ' then 1 else 0 end,') if drifted_files else '' -%}
{%- set required_keys = recall_tracking_plan_required_keys() -%}
{%- set payload_columns = ['event_name', 'user_id', 'device_id',
    'session_id', 'event_at', 'platform', 'app_version', 'properties'] -%}
{%- set event_columns = ['event_id', 'event_name', 'user_id', 'device_id',
    'session_id', 'event_at', 'received_at', 'platform', 'app_version',
    'properties', 'landing_date', 'source_file', 'event_id_hash'] -%}

{#- Each branch below reads the landed batch itself (see the macro for
    why); only the narrow event_id hashes and the few repeated ids are
    shared. -#}
{%- set events_batch = recall_landed_events_batch(selection) -%}

{#- The earliest landing day of a row landed before that shares an id hash
    with the batch: a narrow scan of the stored hashes, so that the lookup of
    the earlier copies' payloads below reads only the row groups from that
    day on (retries mostly land within days), not every column of every row
    landed before. A hash collision only moves the bound earlier. -#}
{%- set reference_landed_from = none -%}
{%- if is_incremental() and execute -%}
{%- set reference_bound_query -%}
    select cast(min(this_table.landing_date) as {{ dbt.type_string() }})
    from {{ this }} as this_table
    where
        this_table.row_status <> 'duplicate'
        and this_table.event_id_hash in (
            select {{ recall_fast_hash('batch_ids.event_id') }}
            from {{ ref('stg_tracking__events') }} as batch_ids
            where {{ batch_ids_filter or '1 = 1' }}
        )
{%- endset -%}
{%- set reference_landed_from = run_query(reference_bound_query)
    .columns[0].values()[0] -%}
{%- endif -%}

with

tracking_plan as (

    select event_name from {{ ref('tracking_plan') }}

),

{# Candidates by a narrow hash of event_id (a small hash table even for a
    hundred million ids); a collision only adds a candidate, which the exact
    ranking below then finds to be alone. #}
repeated_hashes as (

    select {{ recall_fast_hash('batch_ids.event_id') }} as event_id_hash
    from {{ ref('stg_tracking__events') }} as batch_ids
    {% if batch_ids_filter is not none %}
    where
        batch_ids.event_id is not null
        and {{ batch_ids_filter }}
    {% else %}
    where batch_ids.event_id is not null
    {% endif %}
    group by {{ recall_fast_hash('batch_ids.event_id') }}
    having count(*) > 1

),

{# Most ids arrive once: they stream through in landing order, never
    ranked and never compared with another copy of the batch. #}
single_copies as (

    select
        {{ recall_prefixed_columns('events_hashed', event_columns) }},
        1 as copy_rank,
        1 as copy_count

    from ({{ events_batch }}) as events_hashed
    left join repeated_hashes
        on events_hashed.event_id_hash = repeated_hashes.event_id_hash
    where repeated_hashes.event_id_hash is null

),

repeated_copies_ranked as (

    select
        {{ recall_prefixed_columns('events_hashed', event_columns) }},
        row_number() over (
            partition by events_hashed.event_id
            order by
                {{ drifted_last }}
                events_hashed.received_at,
                events_hashed.landing_date,
                {{ recall_prefixed_columns('events_hashed', payload_columns) }},
                events_hashed.source_file
        ) as copy_rank,
        count(*) over (partition by events_hashed.event_id) as copy_count

    from ({{ events_batch }}) as events_hashed
    inner join repeated_hashes
        on events_hashed.event_id_hash = repeated_hashes.event_id_hash

),

first_copies_in_batch as (

    select
        repeated_copies_ranked.event_id,
        {{ recall_prefixed_columns('repeated_copies_ranked', payload_columns) }}

    from repeated_copies_ranked
    where
        repeated_copies_ranked.copy_count > 1
        and repeated_copies_ranked.copy_rank = 1

),

{% if is_incremental() %}

first_copies_landed_before as (

    select
        this_table.event_id,
        {{ recall_prefixed_columns('this_table', payload_columns) }}

    from {{ this }} as this_table
    where
        {% if reference_landed_from is none %}
        1 = 0
        {% else %}
        this_table.landing_date >= cast('{{ reference_landed_from }}' as date)
        {% endif %}
        and this_table.row_status <> 'duplicate'
        and coalesce(this_table.quarantine_reason, '') <> 'schema_drift'
        and this_table.event_id is not null
        and this_table.event_id in (
            select batch_ids.event_id
            from {{ ref('stg_tracking__events') }} as batch_ids
            where {{ batch_ids_filter or '1 = 1' }}
        )

),

{% endif %}

reference_copies as (

    {% if is_incremental() %}
    select
        first_copies_landed_before.*,
        true as is_landed_before
    from first_copies_landed_before
    union all
    select
        first_copies_in_batch.*,
        false as is_landed_before
    from first_copies_in_batch
    left join first_copies_landed_before
        on first_copies_in_batch.event_id = first_copies_landed_before.event_id
    where first_copies_landed_before.event_id is null
    {% else %}
    select
        first_copies_in_batch.*,
        false as is_landed_before
    from first_copies_in_batch
    {% endif %}

),

{# A single copy can only meet an earlier copy landed before; a repeated
    one meets the first copy of its id, in this batch or landed before. #}
copies_compared as (

    select
        single_copies.*,
        {% if is_incremental() %}
        first_copies_landed_before.event_id is not null as has_reference_copy,
        first_copies_landed_before.event_id is not null
            as is_reference_landed_before,
        {{ recall_columns_differ('single_copies',
            'first_copies_landed_before', payload_columns) }}
            as differs_from_reference
        {% else %}
        false as has_reference_copy,
        false as is_reference_landed_before,
        false as differs_from_reference
        {% endif %}

    from single_copies
    {% if is_incremental() %}
    left join first_copies_landed_before
        on single_copies.event_id = first_copies_landed_before.event_id
    {% endif %}

    union all

    select
        repeated_copies_ranked.*,
        reference_copies.event_id is not null as has_reference_copy,
        coalesce(reference_copies.is_landed_before, false)
            as is_reference_landed_before,
        {{ recall_columns_differ('repeated_copies_ranked', 'reference_copies',
            payload_columns) }} as differs_from_reference

    from repeated_copies_ranked
    left join reference_copies
        on repeated_copies_ranked.event_id = reference_copies.event_id

),

checks_prepared as (

    select
        copies_compared.*,
        copies_compared.is_reference_landed_before
        or copies_compared.copy_rank > 1 as is_duplicate_copy,
        tracking_plan.event_name is not null as is_in_tracking_plan,
        {{ drifted_condition | replace('events_hashed', 'copies_compared') }}
            as is_schema_drift,
        {{ dbt.dateadd('minute', var('clock_skew_minutes'),
            'copies_compared.received_at') }} as future_cutoff_at,
        {{ recall_is_json_object('copies_compared.properties') }}
            as is_json_object

    from copies_compared
    left join tracking_plan
        on copies_compared.event_name = tracking_plan.event_name

),

reasons_found as (

    select
        checks_prepared.*,
        case
            when checks_prepared.is_schema_drift then 'schema_drift'
            when checks_prepared.event_id is null then 'missing_event_id'
            when checks_prepared.is_duplicate_copy then null
            when
                checks_prepared.event_name is null
                or checks_prepared.device_id is null
                or checks_prepared.event_at is null
                or checks_prepared.received_at is null
                then 'missing_required_field'
            when not checks_prepared.is_in_tracking_plan
                then 'unknown_event_name'
            when checks_prepared.event_at > checks_prepared.future_cutoff_at
                then 'event_at_in_future'
            when not checks_prepared.is_json_object
                then 'malformed_properties'
            when
                {{ recall_is_implausible_timestamp(
                    'checks_prepared.event_at') }}
                or {{ recall_is_implausible_timestamp(
                    'checks_prepared.received_at') }}
                then 'implausible_date'
        end as quarantine_reason

    from checks_prepared

),

rules_applied as (

    select
        reasons_found.*,
        case
            when reasons_found.quarantine_reason is not null
                then 'quarantined'
            when reasons_found.is_duplicate_copy then 'duplicate'
            else 'kept'
        end as row_status

    from reasons_found

),

final as (

    select
        rules_applied.event_id,
        rules_applied.event_name,
        rules_applied.user_id,
        rules_applied.device_id,
        rules_applied.session_id,
        rules_applied.event_at,
        rules_applied.received_at,
        rules_applied.platform,
        rules_applied.app_version,
        rules_applied.properties,
        rules_applied.landing_date,
        rules_applied.source_file,
        rules_applied.event_id_hash,
        rules_applied.row_status,
        rules_applied.quarantine_reason,
        (
            rules_applied.row_status = 'duplicate'
            and rules_applied.has_reference_copy
            and rules_applied.differs_from_reference
        ) as is_conflicting_duplicate,
        case
            when rules_applied.row_status <> 'kept' then null
            {% for event_name, keys in required_keys.items() %}
            when rules_applied.event_name = '{{ event_name }}'
                then rules_applied.properties is null
                    or not {{ recall_json_has_keys(
                        'rules_applied.properties', keys) }}
            {% endfor %}
            else false
        end as is_missing_required_property,
        case
            when rules_applied.row_status = 'kept'
                and rules_applied.event_name = 'app_open'
                then {{ recall_json_value('rules_applied.properties',
                    'send_id') }}
        end as send_id,
        case
            when rules_applied.row_status = 'kept'
                and rules_applied.event_name = 'purchase'
                then {{ recall_json_value('rules_applied.properties',
                    'order_id') }}
        end as order_id,
        {{ recall_run_timestamp() }} as loaded_at

    from rules_applied

)

select * from final
