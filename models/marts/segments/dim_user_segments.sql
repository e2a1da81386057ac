{#-
    One row per registered user (dim_users) with the segments of metrics.md
    §4 as of as_of_date: RFM values, scores and segment (rulings R26), the
    repeat-purchase summary (R27), value tier (R28), response tier (R29),
    reachability and lifecycle state from dim_users (R30), and the recall
    priority rank and reason (R31).
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

users as (

    select
        user_id,
        lifecycle_state,
        days_inactive,
        {{ recall_reachability_columns() }}

    from {{ ref('dim_users') }}

),

purchases as (

    select
        user_id,
        rfm_recency_days,
        rfm_frequency,
        rfm_monetary,
        repeat_frequency,
        repeat_recency_days,
        repeat_age_days,
        repeat_monetary

    from {{ ref('int_user_purchases_summarised') }}

),

value_tiers as (

    select
        user_id,
        value_tier

    from {{ ref('int_user_value_tiers_ranked') }}
    where evaluation_date = {{ as_of_date }}

),

responses as (

    select
        user_id,
        response_tier

    from {{ ref('int_user_responses_measured') }}

),

rfm_segment_rules as (

    select
        rule_order,
        rfm_segment,
        r_min,
        r_max,
        f_min,
        f_max,
        m_min,
        m_max

    from {{ ref('rfm_segment_rules') }}

),

rfm_in_scope as (

    {#- Registered users with a paid order in the RFM window. #}
    select
        purchases.user_id,
        cast(purchases.rfm_recency_days as {{ recall_type_double() }})
            as recency,
        cast(purchases.rfm_frequency as {{ recall_type_double() }})
            as frequency,
        cast(purchases.rfm_monetary as {{ recall_type_double() }})
            as monetary

    from purchases
    inner join users
        on purchases.user_id = users.user_id
    where purchases.rfm_frequency > 0

),

rfm_breakpoints as (

    {#- The 20/40/60/80 % quantiles (metrics.md §4), double precision. #}
    select
        {{ recall_quantile_cont('rfm_in_scope.recency', 0.2) }}
            as recency_p20,
        {{ recall_quantile_cont('rfm_in_scope.recency', 0.4) }}
            as recency_p40,
        {{ recall_quantile_cont('rfm_in_scope.recency', 0.6) }}
            as recency_p60,
        {{ recall_quantile_cont('rfm_in_scope.recency', 0.8) }}
            as recency_p80,
        {{ recall_quantile_cont('rfm_in_scope.frequency', 0.2) }}
            as frequency_p20,
        {{ recall_quantile_cont('rfm_in_scope.frequency', 0.4) }}
            as frequency_p40,
        {{ recall_quantile_cont('rfm_in_scope.frequency', 0.6) }}
            as frequency_p60,
        {{ recall_quantile_cont('rfm_in_scope.frequency', 0.8) }}
            as frequency_p80,
        {{ recall_quantile_cont('rfm_in_scope.monetary', 0.2) }}
            as monetary_p20,
        {{ recall_quantile_cont('rfm_in_scope.monetary', 0.4) }}
            as monetary_p40,
        {{ recall_quantile_cont('rfm_in_scope.monetary', 0.6) }}
            as monetary_p60,
        {{ recall_quantile_cont('rfm_in_scope.monetary', 0.8) }}
            as monetary_p80

    from rfm_in_scope

),

rfm_scored as (

    select
        rfm_in_scope.user_id,
        {{ recall_rfm_score('rfm_in_scope.recency', [
            'rfm_breakpoints.recency_p20', 'rfm_breakpoints.recency_p40', 'rfm_breakpoints.recency_p60',
            'rfm_breakpoints.recency_p80'
        ], reverse=true) }} as r_score,
        {{ recall_rfm_score('rfm_in_scope.frequency', [
            'rfm_breakpoints.frequency_p20', 'rfm_breakpoints.frequency_p40', 'rfm_breakpoints.frequency_p60',
            'rfm_breakpoints.frequency_p80'
        ]) }} as f_score,
        {{ recall_rfm_score('rfm_in_scope.monetary', [
            'rfm_breakpoints.monetary_p20', 'rfm_breakpoints.monetary_p40', 'rfm_breakpoints.monetary_p60',
            'rfm_breakpoints.monetary_p80'
        ]) }} as m_score

    from rfm_in_scope
    cross join rfm_breakpoints

),

rfm_rules_matched as (

    select
        rfm_scored.user_id,
        rfm_segment_rules.rfm_segment,
        row_number() over (
            partition by rfm_scored.user_id
            order by rfm_segment_rules.rule_order
        ) as match_rank

    from rfm_scored
    inner join rfm_segment_rules
        on
            rfm_scored.r_score between rfm_segment_rules.r_min
            and rfm_segment_rules.r_max
            and rfm_scored.f_score between rfm_segment_rules.f_min
            and rfm_segment_rules.f_max
            and rfm_scored.m_score between rfm_segment_rules.m_min
            and rfm_segment_rules.m_max

),

rfm_segments_chosen as (

    select
        rfm_scored.user_id,
        rfm_scored.r_score,
        rfm_scored.f_score,
        rfm_scored.m_score,
        {#- A user no rule matches (a gap in an edited seed) is
            unclassified. #}
        coalesce(rfm_rules_matched.rfm_segment, 'unclassified')
            as rfm_segment

    from rfm_scored
    left join rfm_rules_matched
        on
            rfm_scored.user_id = rfm_rules_matched.user_id
            and rfm_rules_matched.match_rank = 1

),

segments_joined as (

    select
        users.user_id,
        purchases.rfm_recency_days,
        coalesce(purchases.rfm_frequency, 0) as rfm_frequency,
        coalesce(purchases.rfm_monetary, 0) as rfm_monetary,
        rfm_segments_chosen.r_score,
        rfm_segments_chosen.f_score,
        rfm_segments_chosen.m_score,
        coalesce(rfm_segments_chosen.rfm_segment, 'no_purchase')
            as rfm_segment,
        purchases.repeat_frequency,
        purchases.repeat_recency_days,
        purchases.repeat_age_days,
        purchases.repeat_monetary,
        coalesce(value_tiers.value_tier, 'none') as value_tier,
        coalesce(responses.response_tier, 'unknown') as response_tier,
        {{ recall_reachability_columns('users') }},
        users.lifecycle_state,
        users.days_inactive

    from users
    left join purchases
        on users.user_id = purchases.user_id
    left join rfm_segments_chosen
        on users.user_id = rfm_segments_chosen.user_id
    left join value_tiers
        on users.user_id = value_tiers.user_id
    left join responses
        on users.user_id = responses.user_id

),

priorities_ranked as (

    select
        segments_joined.*,
        row_number() over (
            order by {{ recall_priority_order(
                'segments_joined.is_reachable',
                'segments_joined.lifecycle_state',
                'segments_joined.value_tier',
                'segments_joined.response_tier',
                'segments_joined.days_inactive',
                'segments_joined.user_id') }}
        ) as recall_priority_rank,
        {{ recall_priority_reason(
            'segments_joined.is_reachable',
            'segments_joined.lifecycle_state',
            'segments_joined.value_tier',
            'segments_joined.response_tier',
            'segments_joined.days_inactive') }} as recall_priority_reason

    from segments_joined

),

final as (

    select
        priorities_ranked.user_id,
        priorities_ranked.rfm_recency_days,
        cast(priorities_ranked.rfm_frequency as {{ dbt.type_bigint() }})
            as rfm_frequency,
        cast(priorities_ranked.rfm_monetary as decimal(18, 2))
            as rfm_monetary,
        cast(priorities_ranked.r_score as {{ dbt.type_int() }}) as r_score,
        cast(priorities_ranked.f_score as {{ dbt.type_int() }}) as f_score,
        cast(priorities_ranked.m_score as {{ dbt.type_int() }}) as m_score,
        priorities_ranked.rfm_segment,
        priorities_ranked.repeat_frequency,
        priorities_ranked.repeat_recency_days,
        priorities_ranked.repeat_age_days,
        priorities_ranked.repeat_monetary,
        priorities_ranked.value_tier,
        priorities_ranked.response_tier,
        {{ recall_reachability_columns('priorities_ranked') }},
        priorities_ranked.lifecycle_state,
        priorities_ranked.days_inactive,
        {#- row_number() is an int on Spark, a bigint elsewhere. #}
        cast(priorities_ranked.recall_priority_rank as {{ dbt.type_bigint() }})
            as recall_priority_rank,
        priorities_ranked.recall_priority_reason

    from priorities_ranked

)

select * from final
