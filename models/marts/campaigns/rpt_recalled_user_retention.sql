{#-
    One row per return day x return type x credited campaign x arm x day n
    (metrics.md §3, rulings R24): of the users whose inactivity episode ended
    that day, how many were active again n days after the return day. One
    returner per returned episode; natural returns carry campaign_id and
    variant_id 'none'. Cells whose day n lies after as_of_date are published
    with their to-date values and is_complete false.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set retention_days = var('retention_days') | unique | list -%}
{%- set last_day_n = retention_days | max -%}

with

returns as (

    select
        episode_id,
        user_id,
        return_date,
        return_type,
        coalesce(credited_campaign_id, 'none') as campaign_id,
        coalesce(credited_variant_id, 'none') as variant_id

    from {{ ref('fct_recall_attributions') }}

),

user_days as (

    select
        user_id,
        activity_date

    from {{ ref('fct_user_days') }}
    where activity_date <= {{ as_of_date }}

),

days_after_return as (

    select
        returns.episode_id,
        {{ recall_datediff('returns.return_date', 'user_days.activity_date',
            'day') }} as days_since_return

    from returns
    inner join user_days
        on
            returns.user_id = user_days.user_id
            and returns.return_date < user_days.activity_date
            and {{ recall_add_days('returns.return_date', last_day_n) }}
            >= user_days.activity_date

),

returners_retained as (

    select
        {% for n in retention_days %}
        max(
            case
                when {{ recall_retained_on_day(
                    'days_after_return.days_since_return', n) }}
                    then 1
                else 0
            end
        ) as retained_on_day_{{ n }},
        {% endfor %}
        days_after_return.episode_id

    from days_after_return
    group by days_after_return.episode_id

),

groups_measured as (

    select
        returns.return_date,
        returns.return_type,
        returns.campaign_id,
        returns.variant_id,
        {% for n in retention_days %}
        sum(coalesce(returners_retained.retained_on_day_{{ n }}, 0))
            as retained_on_day_{{ n }},
        {% endfor %}
        count(*) as returners_count

    from returns
    left join returners_retained
        on returns.episode_id = returners_retained.episode_id
    group by
        returns.return_date,
        returns.return_type,
        returns.campaign_id,
        returns.variant_id

),

groups_by_day_n as (

    {% for n in retention_days %}
    select
        groups_measured.return_date,
        groups_measured.return_type,
        groups_measured.campaign_id,
        groups_measured.variant_id,
        {{ n }} as day_n,
        groups_measured.returners_count,
        groups_measured.retained_on_day_{{ n }} as retained_on_day_n,
        {{ recall_retention_is_complete(
            'groups_measured.return_date', n, as_of_date) }} as is_complete

    from groups_measured
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

final as (

    select
        groups_by_day_n.return_date,
        groups_by_day_n.return_type,
        groups_by_day_n.campaign_id,
        groups_by_day_n.variant_id,
        cast(groups_by_day_n.day_n as {{ dbt.type_bigint() }}) as day_n,
        cast(groups_by_day_n.returners_count as {{ dbt.type_bigint() }})
            as returners_count,
        cast(groups_by_day_n.retained_on_day_n as {{ dbt.type_bigint() }})
            as retained_on_day_n,
        groups_by_day_n.is_complete

    from groups_by_day_n

)

select * from final
