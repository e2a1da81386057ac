{#-
    One row per user at risk on as_of_date (risk band medium or high in
    fct_user_churn_risk), with what a CRM team needs to act: the value and
    response tiers, the reachable channels and the recall priority rank of
    dim_user_segments.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set channels = recall_channels(reachability=true) -%}

with

scores as (

    select
        user_id,
        churn_probability,
        risk_band,
        risk_driver

    from {{ ref('fct_user_churn_risk') }}
    where
        score_date = {{ as_of_date }}
        and risk_band in ('medium', 'high')

),

segments as (

    select
        user_id,
        value_tier,
        response_tier,
        {%- for channel in channels %}
        is_reachable_{{ channel.channel }},
        {%- endfor %}
        recall_priority_rank

    from {{ ref('dim_user_segments') }}

),

channels_listed as (

    {#- The reachable channels in registry order, joined by ', ' ('none'
        when no channel reaches the user). #}
    {%- set pieces = [] %}
    {%- for channel in channels %}
        {%- do pieces.append("case when segments.is_reachable_"
            ~ channel.channel ~ " then ', " ~ channel.channel
            ~ "' else '' end") %}
    {%- endfor %}
    select
        segments.user_id,
        {{ dbt.concat(pieces) }} as channel_list

    from segments

),

channels_named as (

    select
        channels_listed.user_id,
        case
            when channels_listed.channel_list = '' then 'none'
            else substr(channels_listed.channel_list, 3)
        end as reachable_channels

    from channels_listed

),

final as (

    select
        scores.user_id,
        scores.churn_probability,
        scores.risk_band,
        scores.risk_driver,
        segments.value_tier,
        segments.response_tier,
        channels_named.reachable_channels,
        segments.recall_priority_rank

    from scores
    inner join segments
        on scores.user_id = segments.user_id
    inner join channels_named
        on scores.user_id = channels_named.user_id

)

select * from final
