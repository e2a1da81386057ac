{#-
    One row per raw campaigns row with its fate: clean, duplicate (an
    identical copy) or quarantined (missing fields, a value outside the
    contract, a date before earliest_plausible_date, or a conflicting copy
    of the same campaign_id). A campaign's dates are planned, so a start or
    end after the load is no defect.
-#}
{#- A campaign targets one lifecycle state, or any. -#}
{%- set target_states = recall_lifecycle_states() | map(attribute='state')
    | list + ['any'] -%}
{%- set content_columns = ['campaign_name', 'objective', 'target_state',
    'starts_at', 'ends_at', 'conversion_event', 'attribution_window_days'] -%}

with

campaigns as (

    select
        campaign_id,
        campaign_name,
        objective,
        target_state,
        starts_at,
        ends_at,
        conversion_event,
        attribution_window_days

    from {{ ref('stg_crm__campaigns') }}

),

rules_checked as (

    select
        campaigns.*,
        case
            when campaigns.campaign_id is null
                or campaigns.campaign_name is null
                or campaigns.objective is null
                or campaigns.target_state is null
                or campaigns.starts_at is null
                or campaigns.ends_at is null
                or campaigns.conversion_event is null
                or campaigns.attribution_window_days is null
                then 'missing_required_field'
            when campaigns.objective not in (
                    'wake_silent', 'recall_churned', 'first_purchase_nudge',
                    'reactivate'
                )
                or campaigns.target_state not in (
                    {{ recall_sql_list(target_states) }}
                )
                or campaigns.attribution_window_days < 1
                or campaigns.ends_at < campaigns.starts_at
                then 'invalid_value'
            when
                {{ recall_is_implausible_timestamp('campaigns.starts_at',
                    allow_future=true) }}
                or {{ recall_is_implausible_timestamp('campaigns.ends_at',
                    allow_future=true) }}
                then 'implausible_date'
        end as invalid_reason

    from campaigns

),

versions_ranked as (

    {{ recall_triage_versions('rules_checked', ['campaign_id'],
        content_columns) }}

),

final as (

    select
        versions_ranked.campaign_id,
        versions_ranked.campaign_name,
        versions_ranked.objective,
        versions_ranked.target_state,
        versions_ranked.starts_at,
        versions_ranked.ends_at,
        versions_ranked.conversion_event,
        versions_ranked.attribution_window_days,
        {{ recall_triage_status('versions_ranked') }} as row_status,
        {{ recall_triage_reason('versions_ranked') }} as quarantine_reason

    from versions_ranked

)

select * from final
