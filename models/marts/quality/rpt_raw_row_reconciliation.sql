{#-
    One row per raw table: where every raw row went. Raw rows = clean +
    duplicate + superseded + quarantined, and the quarantine table holds
    exactly the quarantined rows; tests/singular/assert_raw_rows_reconcile.sql
    fails the build otherwise.
-#}
{%- set tables = [
    ['crm', 'users', 'int_user_snapshots_triaged', 'quarantine_users'],
    ['shop', 'orders', 'int_order_versions_triaged', 'quarantine_orders'],
    ['crm', 'campaigns', 'int_campaigns_triaged', 'quarantine_campaigns'],
    ['crm', 'campaign_variants', 'int_campaign_variants_triaged',
        'quarantine_campaign_variants'],
    ['crm', 'campaign_assignments', 'int_campaign_assignments_triaged',
        'quarantine_campaign_assignments'],
    ['crm', 'message_sends', 'int_message_sends_triaged',
        'quarantine_message_sends'],
    ['crm', 'message_events', 'int_message_events_triaged',
        'quarantine_message_events'],
] -%}

with

{#- Each events relation is read once: the kept events with the users
    rules applied, the triaged rows, the quarantine view. #}
event_checks_counted as (

    select
        count(case when is_clean then 1 end) as clean_row_count,
        count(case when not is_clean then 1 end) as user_check_row_count

    from {{ ref('int_events_cleaned') }}

),

event_triage_counted as (

    select
        count(case when row_status = 'duplicate' then 1 end)
            as duplicate_row_count,
        count(case when row_status = 'quarantined' then 1 end)
            as quarantined_row_count

    from {{ ref('int_event_rows_triaged') }}

),

event_rows as (

    select
        'events' as source_table,
        (select count(*) from {{ source('tracking', 'events') }})
            as raw_row_count,
        event_checks_counted.clean_row_count,
        event_triage_counted.duplicate_row_count,
        cast(0 as {{ dbt.type_bigint() }}) as superseded_row_count,
        event_triage_counted.quarantined_row_count
        + event_checks_counted.user_check_row_count as quarantined_row_count,
        (select count(*) from {{ ref('quarantine_events') }})
            as quarantine_table_row_count

    from event_checks_counted
    cross join event_triage_counted

),

{% for source_name, table, triaged, quarantine in tables %}

{{ table }}_rows as (

    select
        '{{ table }}' as source_table,
        (select count(*) from {{ source(source_name, table) }})
            as raw_row_count,
        count(case when triaged.row_status = 'clean' then 1 end)
            as clean_row_count,
        count(case when triaged.row_status = 'duplicate' then 1 end)
            as duplicate_row_count,
        count(case when triaged.row_status = 'superseded' then 1 end)
            as superseded_row_count,
        count(case when triaged.row_status = 'quarantined' then 1 end)
            as quarantined_row_count,
        (select count(*) from {{ ref(quarantine) }})
            as quarantine_table_row_count

    from {{ ref(triaged) }} as triaged

),

{% endfor %}

final as (

    select
        event_rows.source_table,
        event_rows.raw_row_count,
        event_rows.clean_row_count,
        event_rows.duplicate_row_count,
        event_rows.superseded_row_count,
        event_rows.quarantined_row_count,
        event_rows.quarantine_table_row_count
    from event_rows
    {% for source_name, table, triaged, quarantine in tables %}
    union all
    select
        {{ table }}_rows.source_table,
        {{ table }}_rows.raw_row_count,
        {{ table }}_rows.clean_row_count,
        {{ table }}_rows.duplicate_row_count,
        {{ table }}_rows.superseded_row_count,
        {{ table }}_rows.quarantined_row_count,
        {{ table }}_rows.quarantine_table_row_count
    from {{ table }}_rows
    {% endfor %}

)

select * from final
