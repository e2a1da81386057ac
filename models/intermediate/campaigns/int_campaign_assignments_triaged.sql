{#-
    One row per raw campaign_assignments row with its fate (rulings R42):
    clean (the earliest assignment of a user to a campaign) or quarantined
    (missing fields, an unknown campaign or arm, assigned outside
    [starts_at, ends_at), assigned at an implausible time, or a later
    duplicate assignment).
-#}

with

assignments as (

    select
        campaign_id,
        user_id,
        variant_id,
        assigned_at

    from {{ ref('stg_crm__campaign_assignments') }}

),

campaigns as (

    select
        campaign_id,
        starts_at,
        ends_at

    from {{ ref('int_campaigns_triaged') }}
    where row_status = 'clean'

),

variants as (

    select
        campaign_id,
        variant_id

    from {{ ref('int_campaign_variants_triaged') }}
    where row_status = 'clean'

),

rules_checked as (

    select
        assignments.*,
        case
            when assignments.campaign_id is null
                or assignments.user_id is null
                or assignments.variant_id is null
                or assignments.assigned_at is null
                then 'missing_required_field'
            when campaigns.campaign_id is null then 'unknown_campaign'
            when variants.variant_id is null then 'unknown_variant'
            when assignments.assigned_at < campaigns.starts_at
                or assignments.assigned_at >= campaigns.ends_at
                then 'outside_campaign_window'
            when
                {{ recall_is_implausible_timestamp('assignments.assigned_at') }}
                then 'implausible_date'
        end as invalid_reason

    from assignments
    left join campaigns
        on assignments.campaign_id = campaigns.campaign_id
    left join variants
        on
            assignments.campaign_id = variants.campaign_id
            and assignments.variant_id = variants.variant_id

),

assignments_ranked as (

    select
        rules_checked.*,
        row_number() over (
            partition by
                rules_checked.invalid_reason is null,
                rules_checked.campaign_id,
                rules_checked.user_id
            order by
                rules_checked.assigned_at,
                rules_checked.variant_id
        ) as assignment_rank

    from rules_checked

),

final as (

    select
        assignments_ranked.campaign_id,
        assignments_ranked.user_id,
        assignments_ranked.variant_id,
        assignments_ranked.assigned_at,
        case
            when assignments_ranked.invalid_reason is null
                and assignments_ranked.assignment_rank = 1
                then 'clean'
            else 'quarantined'
        end as row_status,
        case
            when assignments_ranked.invalid_reason is not null
                then assignments_ranked.invalid_reason
            when assignments_ranked.assignment_rank > 1
                then 'duplicate_assignment'
        end as quarantine_reason

    from assignments_ranked

)

select * from final
