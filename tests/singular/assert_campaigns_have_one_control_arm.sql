{{ config(severity='error', store_failures=true, schema='quality_failures') }}
{#-
    Data quality (rulings R39, R42): every campaign has exactly one control
    arm, and its arms either all give an allocation_share or none does.
    A campaign that fails gets no incrementality rows (one control) or no
    sample-ratio check (mixed shares); this test says which and why.
-#}
with

arms_counted as (

    select
        campaign_id,
        count(*) as arm_count,
        count(case when is_control then 1 end) as control_arm_count,
        count(allocation_share) as shared_arm_count

    from {{ ref('dim_campaign_variants') }}
    group by campaign_id

),

final as (

    select
        arms_counted.campaign_id,
        arms_counted.arm_count,
        arms_counted.control_arm_count,
        arms_counted.shared_arm_count,
        case
            when arms_counted.control_arm_count <> 1
                then 'control_arm_count_not_one'
            else 'allocation_shares_mixed'
        end as failure_reason

    from arms_counted
    where
        arms_counted.control_arm_count <> 1
        or (
            arms_counted.shared_arm_count > 0
            and arms_counted.shared_arm_count < arms_counted.arm_count
        )

)

select * from final
