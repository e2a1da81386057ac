{#-
    One row per data-quality check x day x slice (metrics.md §5, §6, rulings
    R45): a numerator over a denominator, the share, the check's thresholds
    and the status the alert stream reads. Days run to as_of_date. The checks
    are the entries of recall_quality_checks: an entry measured_from
    platform_days or campaign_arms is counted by the loops below from the
    columns it names; any other is counted by the CTE <check>_measured.
    Thresholds and directions come from int_quality_checks_configured, left
    joined so that no counted check is dropped
    (tests/singular/assert_quality_checks_are_registered.sql).
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set checks = recall_quality_checks() -%}
{%- set platform_checks = checks
    | selectattr('measured_from', 'equalto', 'platform_days') | list -%}
{%- set arm_checks = checks
    | selectattr('measured_from', 'equalto', 'campaign_arms') | list -%}
{#- The counts per campaign x arm that the campaign_arms checks read. -#}
{%- set arm_columns = (arm_checks | map(attribute='numerator_column') | list
    + arm_checks | map(attribute='denominator_column') | list)
    | unique | list -%}

with

orders as (

    select
        order_id,
        ordered_at,
        status,
        row_status

    from {{ ref('int_order_versions_triaged') }}
    where row_status <> 'quarantined'

),

events as (

    select
        event_name,
        user_id,
        event_date,
        order_id,
        quarantine_reason,
        is_clean

    from {{ ref('int_events_cleaned') }}

),

quarantined_event_rows as (

    select
        event_at,
        landing_date,
        quarantine_reason

    from {{ ref('int_event_rows_triaged') }}
    where row_status = 'quarantined'

),

quarantined_table_rows as (

    {% for table in ['users', 'orders', 'campaigns', 'campaign_variants',
        'campaign_assignments', 'message_sends', 'message_events'] %}
    select
        source_table,
        reason

    from {{ ref('quarantine_' ~ table) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

raw_tables as (

    select
        source_table,
        raw_row_count

    from {{ ref('rpt_raw_row_reconciliation') }}
    where source_table <> 'events'

),

volumes as (

    select
        date_day,
        platform,
        event_count,
        identified_count,
        late_count,
        missing_property_count,
        duplicate_count,
        quarantined_count

    from {{ ref('int_tracking_volumes_counted') }}

),

clicks as (

    select
        click_date,
        is_followed_by_app_open

    from {{ ref('int_message_clicks_followed') }}

),

users as (

    select
        user_id,
        registration_date,
        has_unknown_timezone

    from {{ ref('int_users_current') }}

),

callbacks as (

    select
        send_id,
        event_type,
        event_at,
        received_at,
        row_status,
        quarantine_reason

    from {{ ref('int_message_events_triaged') }}
    where row_status <> 'duplicate'

),

sends as (

    select
        scheduled_at,
        sent_at,
        row_status,
        quarantine_reason

    from {{ ref('int_message_sends_triaged') }}
    where row_status <> 'duplicate'

),

assignments as (

    select
        campaign_id,
        assigned_at,
        quarantine_reason

    from {{ ref('int_campaign_assignments_triaged') }}

),

campaigns as (

    select
        campaign_id,
        starts_at

    from {{ ref('int_campaigns_triaged') }}
    where row_status = 'clean'

),

delivery as (

    select
        campaign_id,
        variant_id,
        {% for column in arm_columns %}
        {{ column }},
        {% endfor %}
        is_control

    from {{ ref('int_campaign_deliveries_counted') }}

),

checks_configured as (

    select
        check_name,
        threshold_direction,
        warn_threshold,
        error_threshold

    from {{ ref('int_quality_checks_configured') }}

),

purchase_events as (

    select
        events.event_date,
        events.order_id

    from events
    where
        events.is_clean
        and events.event_name = 'purchase'

),

purchase_event_orders as (

    select distinct purchase_events.order_id
    from purchase_events
    where purchase_events.order_id is not null

),

known_orders as (

    select distinct orders.order_id
    from orders

),

paid_orders_with_purchase_event_measured as (

    select
        'paid_orders_with_purchase_event' as check_name,
        {{ recall_local_date('orders.ordered_at') }} as date_day,
        'all' as slice,
        count(purchase_event_orders.order_id) as numerator_count,
        count(*) as denominator_count

    from orders
    left join purchase_event_orders
        on orders.order_id = purchase_event_orders.order_id
    where
        orders.row_status = 'clean'
        and orders.status = 'paid'
    group by {{ recall_local_date('orders.ordered_at') }}

),

purchase_events_with_order_measured as (

    select
        'purchase_events_with_order' as check_name,
        purchase_events.event_date as date_day,
        'all' as slice,
        count(known_orders.order_id) as numerator_count,
        count(*) as denominator_count

    from purchase_events
    left join known_orders
        on purchase_events.order_id = known_orders.order_id
    group by purchase_events.event_date

),

clicks_followed_by_app_open_measured as (

    select
        'clicks_followed_by_app_open' as check_name,
        clicks.click_date as date_day,
        'all' as slice,
        count(case when clicks.is_followed_by_app_open then 1 end)
            as numerator_count,
        count(*) as denominator_count

    from clicks
    group by clicks.click_date

),

register_events as (

    select distinct events.user_id
    from events
    where
        events.is_clean
        and events.event_name = 'register'
        and events.user_id is not null

),

users_with_register_event_measured as (

    select
        'users_with_register_event' as check_name,
        users.registration_date as date_day,
        'all' as slice,
        count(register_events.user_id) as numerator_count,
        count(*) as denominator_count

    from users
    left join register_events
        on users.user_id = register_events.user_id
    group by users.registration_date

),

platform_days as (

    select
        volumes.date_day,
        volumes.platform,
        sum(volumes.event_count) as event_count,
        sum(volumes.identified_count) as identified_count,
        sum(volumes.late_count) as late_count,
        sum(volumes.missing_property_count) as missing_property_count,
        sum(volumes.duplicate_count) as duplicate_count,
        sum(volumes.event_count + volumes.duplicate_count)
            as event_row_count

    from volumes
    group by
        volumes.date_day,
        volumes.platform

),

{% for check in platform_checks %}

{{ check.name }}_measured as (

    select
        '{{ check.name }}' as check_name,
        platform_days.date_day,
        platform_days.platform as slice,
        platform_days.{{ check.numerator_column }} as numerator_count,
        platform_days.{{ check.denominator_column }} as denominator_count

    from platform_days

),

{% endfor %}

event_row_days as (

    select
        volumes.date_day,
        sum(volumes.event_count + volumes.quarantined_count)
            as event_row_count

    from volumes
    group by volumes.date_day

),

quarantine_reasons as (

    select
        {# dated as in int_tracking_volumes_counted: the landing date when
            event_at is missing or implausible #}
        case
            when quarantined_event_rows.event_at is null
                or {{ recall_is_implausible_timestamp(
                    'quarantined_event_rows.event_at') }}
                then quarantined_event_rows.landing_date
            else {{ recall_local_date('quarantined_event_rows.event_at') }}
        end as date_day,
        quarantined_event_rows.quarantine_reason

    from quarantined_event_rows
    union all
    select
        events.event_date as date_day,
        events.quarantine_reason

    from events
    where not events.is_clean

),

quarantined_event_rows_measured as (

    select
        'quarantined_event_rows' as check_name,
        quarantine_reasons.date_day,
        quarantine_reasons.quarantine_reason as slice,
        count(*) as numerator_count,
        max(event_row_days.event_row_count) as denominator_count

    from quarantine_reasons
    inner join event_row_days
        on quarantine_reasons.date_day = event_row_days.date_day
    group by
        quarantine_reasons.date_day,
        quarantine_reasons.quarantine_reason

),

quarantined_table_rows_measured as (

    select
        'quarantined_table_rows' as check_name,
        {{ as_of_date }} as date_day,
        {{ dbt.concat(['quarantined_table_rows.source_table', "'/'",
            'quarantined_table_rows.reason']) }} as slice,
        count(*) as numerator_count,
        max(raw_tables.raw_row_count) as denominator_count

    from quarantined_table_rows
    inner join raw_tables
        on quarantined_table_rows.source_table = raw_tables.source_table
    group by
        quarantined_table_rows.source_table,
        quarantined_table_rows.reason

),

{# A row only when some user's time zone is unknown to the engine, like
    the quarantine counts above: the report of clean data keeps its rows. #}
unknown_time_zone_users_measured as (

    select
        'unknown_time_zone_users' as check_name,
        {{ as_of_date }} as date_day,
        'all' as slice,
        sum(
            case when users.has_unknown_timezone then 1 else 0 end
        ) as numerator_count,
        count(*) as denominator_count

    from users
    having sum(case when users.has_unknown_timezone then 1 else 0 end) > 0

),

callbacks_without_send_measured as (

    select
        'callbacks_without_send' as check_name,
        {{ recall_local_date(
            'coalesce(callbacks.event_at, callbacks.received_at)') }}
            as date_day,
        'all' as slice,
        count(
            case when callbacks.quarantine_reason = 'unknown_send' then 1 end
        ) as numerator_count,
        count(*) as denominator_count

    from callbacks
    group by {{ recall_local_date(
        'coalesce(callbacks.event_at, callbacks.received_at)') }}

),

sends_without_assignment_measured as (

    select
        'sends_without_assignment' as check_name,
        {{ recall_local_date('coalesce(sends.sent_at, sends.scheduled_at)') }}
            as date_day,
        'all' as slice,
        count(
            case when sends.quarantine_reason = 'no_assignment' then 1 end
        ) as numerator_count,
        count(*) as denominator_count

    from sends
    group by {{ recall_local_date(
        'coalesce(sends.sent_at, sends.scheduled_at)') }}

),

deliveries_first as (

    select
        callbacks.send_id,
        min(callbacks.event_at) as delivered_at

    from callbacks
    where
        callbacks.row_status = 'clean'
        and callbacks.event_type = 'delivered'
    group by callbacks.send_id

),

callbacks_out_of_order_measured as (

    select
        'callbacks_out_of_order' as check_name,
        {{ recall_local_date('callbacks.event_at') }} as date_day,
        'all' as slice,
        count(
            case
                when callbacks.event_at < deliveries_first.delivered_at
                    then 1
            end
        ) as numerator_count,
        count(*) as denominator_count

    from callbacks
    inner join deliveries_first
        on callbacks.send_id = deliveries_first.send_id
    where
        callbacks.row_status = 'clean'
        and callbacks.event_type = 'clicked'
    group by {{ recall_local_date('callbacks.event_at') }}

),

duplicate_assignments_measured as (

    select
        'duplicate_assignments' as check_name,
        {{ recall_local_date('campaigns.starts_at') }} as date_day,
        campaigns.campaign_id as slice,
        count(
            case
                when assignments.quarantine_reason = 'duplicate_assignment'
                    then 1
            end
        ) as numerator_count,
        count(*) as denominator_count

    from assignments
    inner join campaigns
        on assignments.campaign_id = campaigns.campaign_id
    group by
        {{ recall_local_date('campaigns.starts_at') }},
        campaigns.campaign_id

),

unknown_campaign_assignments_measured as (

    select
        'unknown_campaign_assignments' as check_name,
        {{ recall_local_date('assignments.assigned_at') }} as date_day,
        'all' as slice,
        count(
            case
                when assignments.quarantine_reason in (
                        'unknown_campaign', 'unknown_variant'
                    )
                    then 1
            end
        ) as numerator_count,
        count(*) as denominator_count

    from assignments
    group by {{ recall_local_date('assignments.assigned_at') }}

),

arms_dated as (

    select
        delivery.*,
        {{ recall_local_date('campaigns.starts_at') }} as date_day,
        {{ dbt.concat(['delivery.campaign_id', "'/'",
            'delivery.variant_id']) }} as slice

    from delivery
    inner join campaigns
        on delivery.campaign_id = campaigns.campaign_id

),

{% for check in arm_checks %}

{{ check.name }}_measured as (

    select
        '{{ check.name }}' as check_name,
        arms_dated.date_day,
        arms_dated.slice,
        arms_dated.{{ check.numerator_column }} as numerator_count,
        arms_dated.{{ check.denominator_column }} as denominator_count

    from arms_dated
    {% if check.arms == 'treatment' %}
    where not arms_dated.is_control
    {% elif check.arms == 'control' %}
    where arms_dated.is_control
    {% endif %}

),

{% endfor %}

checks_unioned as (

    {% for check in checks %}
    select * from {{ check.name }}_measured
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

shares_measured as (

    select
        checks_unioned.check_name,
        checks_unioned.date_day,
        checks_unioned.slice,
        checks_unioned.numerator_count,
        checks_unioned.denominator_count,
        {{ recall_safe_divide('checks_unioned.numerator_count',
            'checks_unioned.denominator_count') }} as share,  -- noqa: RF04
        checks_configured.threshold_direction,
        cast(checks_configured.warn_threshold as {{ recall_type_double() }})
            as warn_threshold,
        cast(checks_configured.error_threshold as {{ recall_type_double() }})
            as error_threshold

    from checks_unioned
    left join checks_configured
        on checks_unioned.check_name = checks_configured.check_name
    where checks_unioned.date_day <= {{ as_of_date }}

),

final as (

    select
        shares_measured.check_name,
        shares_measured.date_day,
        shares_measured.slice,
        cast(shares_measured.numerator_count as {{ dbt.type_bigint() }})
            as numerator_count,
        cast(shares_measured.denominator_count as {{ dbt.type_bigint() }})
            as denominator_count,
        shares_measured.share,
        shares_measured.threshold_direction,
        shares_measured.warn_threshold,
        shares_measured.error_threshold,
        {{ recall_quality_status('shares_measured.share',
            'shares_measured.denominator_count',
            'shares_measured.threshold_direction',
            'shares_measured.warn_threshold',
            'shares_measured.error_threshold') }} as status

    from shares_measured

)

select * from final
