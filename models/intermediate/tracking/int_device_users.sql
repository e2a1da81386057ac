{#-
    One row per device ever identified: the user of its identified clean
    event with the greatest (event_at, event_id) up to as_of_date (identity
    stitching, rulings R5). Anonymous events of the device are credited to
    that user. Incremental: a run looks only at identified events loaded since
    the last run or dated after the previous as_of_date, and keeps the later
    of the old and the new identification. `changed_at` records when the
    device last moved to another user, so fct_user_days can re-process the
    days of its anonymous events.
-#}
{{
    config(
        materialized=recall_incremental_materialization(),
        unique_key='device_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{%- set as_of = recall_as_of_date() -%}
{%- set previous_as_of = recall_max_in_this('as_of_date') -%}
{#- On a full build these bounds let every row through. -#}
{%- set previous_as_of_date = recall_date_literal(
    previous_as_of or recall_earliest_date()) -%}
{%- set loaded_since_at = recall_loaded_since_sql('loaded_at') -%}
{{ recall_guard_as_of(as_of, previous_as_of) }}
{#- Events land within days of when they happen, so the landing days read
    start two days before the previous as_of_date; a file backfilled into
    an older day moves that start back to its landing day. -#}
{%- set landed_from = dbt.dateadd('day', -2, previous_as_of_date) -%}
{%- if is_incremental() and execute -%}
{%- set backfilled_from = run_query(
    'select cast(min(landing_date) as ' ~ dbt.type_string() ~ ') from '
    ~ ref('int_events_kept') ~ ' where loaded_at > '
    ~ loaded_since_at).columns[0].values()[0] -%}
{%- if backfilled_from is not none -%}
{%- set landed_from = 'least(' ~ landed_from ~ ', '
    ~ recall_date_literal(backfilled_from) ~ ')' -%}
{%- endif -%}
{%- endif -%}

with

identified_events as (

    {#- Kept events, before the users rules: they are applied per device
        and user below. #}
    select
        device_id,
        user_id,
        event_at,
        event_id

    from {{ ref('int_events_kept') }}
    where
        user_id is not null
        and event_date <= {{ recall_date_literal(as_of) }}
        and landing_date >= {{ landed_from }}
        and (
            loaded_at > {{ loaded_since_at }}
            or event_date > {{ previous_as_of_date }}
        )

),

users as (

    select
        user_id,
        registration_date

    from {{ ref('int_users_current') }}

),

pairs_latest as (

    {#- The latest identified event per device and user; (event_at,
        event_id) is unique, so both arg_max pick the same event. -#}
    select
        identified_events.device_id,
        identified_events.user_id,
        max(identified_events.event_at) as event_at,
        {{ recall_arg_max('identified_events.event_id',
            ['identified_events.event_at', 'identified_events.event_id']) }}
            as event_id

    from identified_events
    group by
        identified_events.device_id,
        identified_events.user_id

),

clean_pairs as (

    {#- The users rules (rulings R4, R5), per device and user: an event is
        clean when its user has a users row and its day is not before the
        registration day. The local day only grows with event_at, so the
        pair's latest event is clean when any of its events is, and it is
        then the latest clean one. -#}
    select pairs_latest.*
    from pairs_latest
    inner join users
        on pairs_latest.user_id = users.user_id
    where
        {{ recall_local_date('pairs_latest.event_at') }}
        >= users.registration_date

),

new_identifications as (

    {#- The latest clean identified event per device. -#}
    select
        clean_pairs.device_id,
        {{ recall_arg_max('clean_pairs.user_id',
            ['clean_pairs.event_at', 'clean_pairs.event_id']) }}
            as user_id,
        max(clean_pairs.event_at) as event_at,
        {{ recall_arg_max('clean_pairs.event_id',
            ['clean_pairs.event_at', 'clean_pairs.event_id']) }}
            as event_id

    from clean_pairs
    group by clean_pairs.device_id

),

{% if previous_as_of is not none %}

previous_identifications as (

    select
        this_table.device_id,
        this_table.user_id,
        this_table.identified_at,
        this_table.identified_event_id,
        this_table.previous_user_id,
        this_table.changed_at

    from {{ this }} as this_table
    inner join new_identifications
        on this_table.device_id = new_identifications.device_id

),

identifications_merged as (

    select
        new_identifications.device_id,
        case
            when previous_identifications.device_id is null
                or new_identifications.event_at
                > previous_identifications.identified_at
                or (
                    new_identifications.event_at
                    = previous_identifications.identified_at
                    and new_identifications.event_id
                    > previous_identifications.identified_event_id
                )
                then 'new'
            else 'previous'
        end as winner,
        new_identifications.user_id as new_user_id,
        new_identifications.event_at as new_identified_at,
        new_identifications.event_id as new_identified_event_id,
        previous_identifications.user_id as old_user_id,
        previous_identifications.identified_at as old_identified_at,
        previous_identifications.identified_event_id
            as old_identified_event_id,
        previous_identifications.previous_user_id as old_previous_user_id,
        previous_identifications.changed_at as old_changed_at

    from new_identifications
    left join previous_identifications
        on new_identifications.device_id = previous_identifications.device_id

),

identifications as (

    select
        identifications_merged.device_id,
        case
            when identifications_merged.winner = 'new'
                then identifications_merged.new_user_id
            else identifications_merged.old_user_id
        end as user_id,
        case
            when identifications_merged.winner = 'new'
                then identifications_merged.new_identified_at
            else identifications_merged.old_identified_at
        end as identified_at,
        case
            when identifications_merged.winner = 'new'
                then identifications_merged.new_identified_event_id
            else identifications_merged.old_identified_event_id
        end as identified_event_id,
        case
            when identifications_merged.winner = 'new'
                and identifications_merged.old_user_id
                <> identifications_merged.new_user_id
                then identifications_merged.old_user_id
            else identifications_merged.old_previous_user_id
        end as previous_user_id,
        case
            when identifications_merged.winner = 'new'
                and identifications_merged.old_user_id is null
                then {{ recall_run_timestamp() }}
            when identifications_merged.winner = 'new'
                and identifications_merged.old_user_id
                <> identifications_merged.new_user_id
                then {{ recall_run_timestamp() }}
            else identifications_merged.old_changed_at
        end as changed_at

    from identifications_merged

),

{% else %}

identifications as (

    select
        new_identifications.device_id,
        new_identifications.user_id,
        new_identifications.event_at as identified_at,
        new_identifications.event_id as identified_event_id,
        cast(null as {{ dbt.type_string() }}) as previous_user_id,
        {{ recall_run_timestamp() }} as changed_at

    from new_identifications

),

{% endif %}

final as (

    select
        identifications.device_id,
        identifications.user_id,
        identifications.identified_at,
        identifications.identified_event_id,
        identifications.previous_user_id,
        identifications.changed_at,
        {{ recall_date_literal(as_of) }} as as_of_date,
        {{ recall_run_timestamp() }} as loaded_at

    from identifications

)

select * from final
