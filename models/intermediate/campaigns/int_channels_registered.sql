{#-
    One row per message channel of the registry (var channels, macro
    recall_channels()), in the order listed: its default price of one sent
    message, used when a campaign arm leaves cost_per_send empty (rulings
    R37), and its description.
-#}
{%- set string_type = dbt.type_string() -%}

with

channels as (
    {% for channel in recall_channels() %}
    select
        cast(
            {{ recall_string_literal(channel.channel) }} as {{ string_type }}
        ) as channel,
        cast({{ channel.cost_per_send }} as decimal(18, 4)) as cost_per_send,
        cast(
            {{ recall_string_literal(channel.description) }}
            as {{ string_type }}
        ) as description
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        channels.channel,
        channels.cost_per_send,
        channels.description

    from channels

)

select * from final
