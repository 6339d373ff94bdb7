-- Share of the role's canonical postings citing each unit this period, with Wilson interval, rank and changes.
with

demand_monthly as (
    select month, role_id, unit_id, postings_in_role, postings_citing, demand_pct, demand_rank
    from metric_demand_monthly
),

report_roles as (
    select unnest($report_roles::varchar[]) as role_id
),

current_month as (
    select d.*
    from demand_monthly as d
    join report_roles using (role_id)
    where d.month = $period
),

previous_month as (
    select role_id, unit_id, demand_pct, demand_rank from demand_monthly where month = $previous_period
),

year_ago as (
    select role_id, unit_id, demand_pct, demand_rank from demand_monthly where month = $year_ago_period
),

with_changes as (
    select
        c.*,
        -- a month in which the role had no postings has no rank: the change is then null, not zero
        p.demand_rank - c.demand_rank as rank_change_1m,
        y.demand_rank - c.demand_rank as rank_change_12m,
        c.demand_pct - p.demand_pct as change_pts_1m,
        c.demand_pct - y.demand_pct as change_pts_12m
    from current_month as c
    left join previous_month as p using (role_id, unit_id)
    left join year_ago as y using (role_id, unit_id)
),

final as (
    select
        $market as market,
        $period as period,
        role_id,
        unit_id,
        postings_in_role,
        postings_citing,
        demand_pct,
        100.0 * wilson_low(postings_citing, postings_in_role, $z) as ci_low_pct,
        100.0 * wilson_high(postings_citing, postings_in_role, $z) as ci_high_pct,
        demand_rank,
        rank_change_1m,
        rank_change_12m,
        change_pts_1m,
        change_pts_12m
    from with_changes
    order by role_id, demand_rank, unit_id
)

select * from final
