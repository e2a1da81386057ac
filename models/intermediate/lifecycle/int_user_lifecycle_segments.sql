{#-
    One row per user per active day per recall lifecycle state that the user
    passes through between that active day and the next one (or the end of
    as_of_date): the unmerged pieces of the state intervals. Each piece
    keeps the active day it follows (last_active_date), which is what an
    inactivity episode needs. The states and their bounds come from
    recall_lifecycle_states(), so no user-day table is ever spelled out.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

user_days as (

    select
        user_id,
        activity_date,
        days_since_registration

    from {{ ref('int_user_days_aggregated') }}

),

segments_bounded as (

    select
        user_days.user_id,
        {{ recall_add_days('user_days.activity_date',
            '-1 * user_days.days_since_registration') }}
            as registration_date,
        user_days.activity_date as last_active_date,
        coalesce(
            lead(user_days.activity_date) over (
                partition by user_days.user_id
                order by user_days.activity_date
            ),
            {{ recall_add_days(as_of_date, 1) }}
        ) as segment_end_date

    from user_days

),

pieces_cut as (

    {% for def in recall_lifecycle_states() %}
    select
        segments_bounded.user_id,
        '{{ def.state }}' as lifecycle_state,
        {{ 'true' if def.is_inactivity else 'false' }} as is_inactivity,
        segments_bounded.registration_date,
        segments_bounded.last_active_date,
        segments_bounded.segment_end_date,
        greatest(
            {{ recall_add_days('segments_bounded.registration_date',
                def.tenure_from) }},
            {{ recall_add_days('segments_bounded.last_active_date',
                def.inactive_from) }}
        ) as valid_from,
        {#- least() needs two arguments on Spark: a state without a tenure
            or an inactivity end ends with the segment. #}
        {%- set ends = [] %}
        {%- if def.tenure_to is not none %}
            {%- do ends.append(recall_add_days(
                'segments_bounded.registration_date', def.tenure_to)) %}
        {%- endif %}
        {%- if def.inactive_to is not none %}
            {%- do ends.append(recall_add_days(
                'segments_bounded.last_active_date', def.inactive_to)) %}
        {%- endif %}
        {%- do ends.append('segments_bounded.segment_end_date') %}
        {%- set valid_to = ends[0] if ends | length == 1
            else 'least(' ~ ends | join(', ') ~ ')' %}
        {{ valid_to }} as valid_to

    from segments_bounded
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

final as (

    select
        pieces_cut.user_id,
        pieces_cut.lifecycle_state,
        pieces_cut.is_inactivity,
        pieces_cut.registration_date,
        pieces_cut.last_active_date,
        pieces_cut.segment_end_date,
        pieces_cut.valid_from,
        pieces_cut.valid_to

    from pieces_cut
    where pieces_cut.valid_from < pieces_cut.valid_to

)

select * from final
