{#-
    The message channels as data, from the var channels (dbt_project.yml),
    in the order listed: one dict per channel with its name (channel),
    opens_app (a click on it opens the app, rulings R45), cost_per_send (the
    default price of one message, R37), reachability (dim_users publishes
    is_reachable_<channel>, R30) and description. Every reader of the channel
    list calls this macro (triage, clicks followed, default costs,
    reachability, var checks); the landing gate reads the same var from
    dbt_project.yml. Optional filters keep the channels whose opens_app or
    reachability is true.
-#}
{% macro recall_channels(opens_app=none, reachability=none) %}
    {%- set registry = var('channels') -%}
    {%- set allowed = 'a non-empty map of channel name (lowercase letters,'
        ~ ' digits, _) to {opens_app: true/false, cost_per_send: a number'
        ~ ' >= 0, reachability: true/false, description: text}' -%}
    {%- if registry is not mapping or registry | length == 0 -%}
        {{ recall_var_error('channels', allowed, registry) }}
    {%- endif -%}
    {%- set channels = [] -%}
    {%- for name, entry in registry.items() -%}
        {%- if name is not string
              or not modules.re.match('^[a-z][a-z0-9_]*$', name)
              or entry is not mapping
              or entry.keys() | sort | list
                 != ['cost_per_send', 'description', 'opens_app',
                     'reachability']
              or entry.opens_app is not boolean
              or entry.reachability is not boolean
              or entry.cost_per_send is not number
              or entry.cost_per_send is boolean
              or entry.cost_per_send < 0
              or entry.description is not string -%}
            {{ recall_var_error('channels', allowed,
                {name: entry}) }}
        {%- endif -%}
        {%- if (opens_app is none or entry.opens_app == opens_app)
              and (reachability is none
                   or entry.reachability == reachability) -%}
            {%- do channels.append({
                'channel': name,
                'opens_app': entry.opens_app,
                'cost_per_send': entry.cost_per_send,
                'reachability': entry.reachability,
                'description': entry.description,
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(channels) -}}
{% endmacro %}
