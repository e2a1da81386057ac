{#-
    One row per raw users row with its fate: clean (the user's latest
    snapshot), superseded (an older snapshot), duplicate (an identical copy)
    or quarantined (missing key fields, a timestamp outside the plausible
    range, or a conflicting version: same updated_at, other content; rulings
    R9). The registration is the earliest registered_at of the snapshots
    not rejected by a rule, so a quarantined snapshot cannot move it.
-#}
{%- set content_columns = ['registered_at', 'acquisition_channel',
    'platform', 'country', 'timezone', 'push_enabled', 'has_phone',
    'has_email', 'sms_opt_out', 'email_opt_out'] -%}

with

users as (

    select
        user_id,
        registered_at,
        acquisition_channel,
        platform,
        country,
        timezone,
        push_enabled,
        has_phone,
        has_email,
        sms_opt_out,
        email_opt_out,
        updated_at

    from {{ ref('stg_crm__users') }}

),

rules_checked as (

    select
        users.*,
        case
            when users.user_id is null
                or users.registered_at is null
                or users.updated_at is null
                then 'missing_required_field'
            when
                {{ recall_is_implausible_timestamp('users.registered_at') }}
                or {{ recall_is_implausible_timestamp('users.updated_at') }}
                then 'implausible_date'
        end as invalid_reason

    from users

),

versions_ranked as (

    {{ recall_triage_versions('rules_checked', ['user_id'], content_columns,
        'updated_at') }}

),

final as (

    select
        versions_ranked.user_id,
        versions_ranked.registered_at,
        versions_ranked.acquisition_channel,
        versions_ranked.platform,
        versions_ranked.country,
        versions_ranked.timezone,
        versions_ranked.push_enabled,
        versions_ranked.has_phone,
        versions_ranked.has_email,
        versions_ranked.sms_opt_out,
        versions_ranked.email_opt_out,
        versions_ranked.updated_at,
        {{ recall_triage_status('versions_ranked') }} as row_status,
        {{ recall_triage_reason('versions_ranked') }} as quarantine_reason,
        min(
            case
                when versions_ranked.invalid_reason is null
                    then versions_ranked.registered_at
            end
        ) over (
            partition by versions_ranked.user_id
        ) as first_registered_at

    from versions_ranked

)

select * from final
