"""Demo data generator of the recall warehouse.

    python -m recall.generator --out DIR --users N --days D [--seed 42]
        [--start-date 2026-01-01] [--defects default|none|all|a,b,c] [--defect-rate 0.01]
        [--land-through YYYY-MM-DD] [--no-expected] [--quiet]

Writes the eight raw tables of spec/raw-contract.md as Parquet (events Hive-partitioned by
dt = UTC date of received_at; the files carry no dt column), DIR/_truth.json and
DIR/_truth_uplift.parquet (top-level files: the warehouse reads table folders only).

The world (world.py)
--------------------
Users register over the period (15% launch burst in the first week, the rest on an
exponential growth curve) from acquisition channels of different quality. Each user runs a
daily two-state process: *engaged* users lapse with a per-day hazard LAPSE[channel]
(x2.5 during the first 7 days) and are otherwise active with a per-user probability
p_u ~ Beta(2,4) x QUALITY[channel] (x weekday multiplier); *lapsed* users return on their own
with a per-day hazard RETURN[channel] (the return day is active). The registration day is
always active. Active days become sessions (1 + Poisson(mu_u)) placed by a local diurnal
rhythm wrapped into the UTC day; each session opens with app_open, then a mix of tracking
plan events; on an active day a purchase (with its order) happens with probability pi_u.
Campaigns (one every ~3 weeks; arm templates world.ARM_TEMPLATES) assign, at 00:00 UTC of
their start day, every user whose lifecycle state (metrics.md §1, defaults, from the
simulated activity) on the previous day equals the target state, to arms by
allocation_share. Treatment users get one send; a delivered message makes the user respond
with probability e_u = min(1, e_arm x rho_u) (click -> app_open with source/send_id, plus
coupon purchase for purchase campaigns), which also re-engages the user. Effects are
heterogeneous: rho_u is a latent per-user responsiveness (LogNormal, mean 1, own random
stream; it also drives the user's responses to earlier campaigns, which the warehouse's
response tier sees), and a delivered message can cost the user's natural conversion over the
window (own random stream): with probability s_low when rho_u < 0.5 (put off: no natural
activity in the window for app_open campaigns, no natural purchase for purchase campaigns),
and with probability s_cannibal when a coupon arm of a purchase campaign reaches a
high-value user (purchase propensity pi_u >= 0.10: the user waits for the coupon instead of
buying anyway), independently: s_u = 1 - (1 - s_low 1[rho_u < 0.5])(1 - s_cannibal 1[coupon,
purchase, pi_u >= 0.10]). Some cells' effects are thus negative. copy_id names the message
text: the arms of a campaign with the same hook share one copy, except in the two planted
copy tests (template 0: push coupon 100 with a second copy that responds x1.4; template 1:
sms coupon 50 with a second copy of equal effect, x1.0). Users are independent, so the world
is simulated in chunks of 50,000 users (fixed: a seed gives identical output) and
--land-through only filters the same world.

_truth.json
-----------
params                 seed, users, days, start_date, defects (enabled classes), defect_rate,
                       land_through
as_of_date             the day before the UTC date of the latest landed received_at (R1)
raw_rows               rows written per table
registered_users       distinct user_ids in users
uplift_model           the effect model's parameters (formula, responsiveness distribution,
                       thresholds, s_low, s_cannibal, purchase amount distributions)
arms                   {campaign_id: {start_date, conversion_event, target_state,
                        attribution_window_days, window_end, variants: {variant_id: {
                        channel, hook_type, offer_value, copy_id,
                        copy_effect_multiplier, is_control, n_assigned,
                        true_conversion_rate, true_natural_rate, response_prob_if_delivered,
                        [treatment only] true_absolute_lift, true_rate_minus_control_rate}}}}
natural_return_daily_hazard, lapse_daily_hazard   {channel (null -> "unknown"): hazard}
lapse_hazard_new_user_multiplier                  {multiplier, first_days}
natural_return_rates   {state (silent, churned): {channel (null -> "unknown"): {user_days,
                        expected_returns, variance, rate}}}: the observable natural return
                        rate (below); rate is null when user_days is 0
defects                {class: landed rows added/affected; conflicting_versions:
                        {users: rows, orders: rows}} (0 for disabled classes). The delivery
                        classes (duplicate_sends, missed_sends, early_sends, late_sends,
                        contaminated_controls) count affected users (campaign x user, one
                        delivery class at most per pair): each equals the warehouse's exposure
                        flag count. missing_platform_day: {platform, date: "YYYY-MM-DD",
                        rows_dropped: landed event rows dropped} (rows_dropped 0 when off).
                        Other campaign classes: see the unit of each in defects.py
delivery_defects       {campaign_id: {variant_id: {delivery class: users}}}: the delivery
                        classes per arm, every landed campaign and variant, zeros included
expected               oracle figures (expected.py): clean_events, duplicate_rows_removed,
                       daily_active_users {date: n} (first registration date .. as_of_date),
                       active_user_days, credited_event_count (all clean events, any name,
                       credited to a registered user on a day in [registration day, as_of])

How the true rates are computed (analytically, not from the sample): for an assigned user u
the generator knows the latent state at the end of the day before assignment and the
parameters (lambda_u, rho_u, p_u, pi_u, responsiveness). The window (assigned_at, assigned_at
+ W days] is exactly the UTC days s .. s+W-1 (assignment at 00:00, events never at 00:00:00).
A forward pass of the two-state chain over those days with "no conversion yet" probability
mass gives the natural conversion probability n_u (app_open: any active day; purchase: an
active day with a purchase, prob pi_u). A treated user is reached with probability r_u =
1[not suppressed by their attributes at assignment] x (1 - channel failure rate) x
P(delivered | sent); a reached user responds (converts inside the window) with e_u and loses
the natural conversion with s_u, independently of each other and of the natural process, so

    P_T,u = r_u (1 - (1 - e_u)(1 - (1 - s_u) n_u)) + (1 - r_u) n_u

(= 1 - (1 - n_u)(1 - r_u e_u) when s_u = 0); control users: n_u. true_conversion_rate = mean
of P over the arm's assigned users; true_natural_rate = mean of n_u over them;
true_absolute_lift = mean over the arm's users of (P_T,u - n_u), i.e. the treatment's effect on
that arm's own population (the randomised control estimates the same quantity; it can be
negative); true_rate_minus_control_rate is the plain difference of the two arms' true rates
(includes sampling differences between the arms' populations). Rates are for the full window
even when it is still open at as_of_date (see window_end). Defects (quarantined, late or
unlanded rows) make the warehouse's figure differ slightly from the truth.

_truth_uplift.parquet: the same figures per user, counterfactual: one row per (campaign_id,
user_id, variant_id) for every assigned user of every landed campaign (control users
included) and every treatment arm variant_id of that campaign, whatever the arm the user was
assigned (assigned_variant_id, 'control' included): p_natural = n_u, p_treated = P_T,u were
the user in variant_id; value_per_conversion (purchase campaigns, else null) = expected gross
amount of the converting purchase, (q G_induced + (P_T,u - q) G_natural) / P_T,u with q = r_u
e_u the probability of converting through the message and G the mean purchase amounts
(uplift_model; a message-induced coupon purchase is at least offer + 10); reward_cost =
offer_value x q / P_T,u for coupon arms of purchase campaigns (every message-induced purchase
redeems the coupon for its face value, natural ones never), else 0; so per assigned user the
expected revenue is value_per_conversion x p_treated and the coupon cost reward_cost x
p_treated (without a message: natural_purchase_mean_amount x p_natural). The arm truth above is
the mean of these rows over the arm's assigned users (variant_id = assigned_variant_id for
P_T). Not included: the extra control users of the off_target_assignments defect class.

How natural_return_rates is computed (during the day loop, without drawing random numbers):
the latent hazards above are not what the data can estimate (a user observed silent may still
be latently engaged with a low activity probability), so the generator also tallies returns at
the observed level. For every day d >= 1 and every user who is registered by d-1, is in
observed lifecycle state s in {silent, churned} on d-1 (metrics.md §1 with the default
thresholds 7/7/30, computed from the simulated observed activity, natural or induced, exactly
as the warehouse computes it) and has not been assigned to a treatment (non-control) arm of any
campaign on or before d, it takes p = P(active on d | latent state on d, parameters): engaged
(1 - lapse hazard) x min(1, p_u x weekday multiplier of d), lapsed rho_u. Per channel x s,
over the days d <= as_of_date: user_days = number of such (user, d) pairs, expected_returns =
sum of p, variance = sum of p(1 - p), rate = expected_returns / user_days. The observed
number of returns R on those pairs (active on d after silent/churned on d-1) satisfies
R - expected_returns = a martingale with predictable variance `variance` (membership of a
pair and its p depend only on the past), so (R - expected_returns) / sqrt(variance) is
approximately N(0, 1) when expected_returns is not small; rate is thus the figure a
warehouse estimate R / user_days should match within z x sqrt(variance) / user_days. Defects
(quarantined or unlanded active events, anonymous rows crossing midnight) can move an active
day, so the warehouse's user_days may differ very slightly.

Defects (defects.py): registry DEFECTS, each class a function with its own random stream;
see that module for the classes and how to add one. `--defects default` enables the classes
registered with default=True: the event, users/orders and campaign delivery classes; the
cross-system / tracking classes (missing_platform_day, clicks_without_app_open,
purchases_without_order, orders_without_purchase, callbacks_without_send,
sends_without_assignment, duplicate_assignments, unknown_campaign_assignments,
callbacks_out_of_order, off_target_assignments) are on only under `all` or by name. No
class changes the arm truth except off_target_assignments, whose extra control users are
included in the control arm's n_assigned and true rates (exact natural probability).
"""
