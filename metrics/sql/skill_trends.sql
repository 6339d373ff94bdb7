-- Monthly demand share over the trailing window for each unit with enough demand this period, for charts.
with

demand_monthly as (
    select month, role_id, unit_id, postings_in_role, postings_citing, demand_pct
    from metric_demand_monthly
),

report_roles as (
    select unnest($report_roles::varchar[]) as role_id
),

charted_units as (
    select d.role_id, d.unit_id
    from demand_monthly as d
    join report_roles using (role_id)
    where d.month = $period and d.demand_pct >= $trend_min_pct
),

final as (
    -- a month in which the role had no postings has no point (no denominator), rather than a 0% point
    select
        $market as market,
        $period as period,
        d.role_id,
        d.unit_id,
        d.month,
        d.postings_in_role,
        d.postings_citing,
        d.demand_pct
    from demand_monthly as d
    join charted_units using (role_id, unit_id)
    order by d.role_id, d.unit_id, d.month
)

select * from final
