-- Each report role against its adjacent roles: demand-profile similarity, most distinguishing units, pay.
with

adjacency as (
    select a.role_id, a.adjacent_role_id, a.position
    from role_adjacency as a
    where a.role_id in (select unnest($report_roles::varchar[]))
),

page_units as (
    -- the units the page lists: skills not shown through a group, and groups (gap clusters would count twice)
    select unit_id
    from taxonomy_units
    where unit_kind = 'group' or (unit_kind = 'skill' and hidden_by_group is null)
),

demand as (
    -- any role may be an adjacent one, report role or not
    select d.role_id, d.unit_id, d.demand_pct
    from metric_demand_monthly as d
    semi join page_units using (unit_id)
    where d.month = $period
),

role_postings as (
    select role_id, count(*) as postings
    from metric_postings
    where month = $period
    group by role_id
),

role_salary as (
    -- the UK salary median, null when under the pay minimum sample (as in pay_stats)
    select role_id, case when count(*) >= $min_pay_n then quantile_cont(pay_mid, 0.5) end as median_salary
    from metric_postings
    where month = $period and pay_kind = 'salary' and pay_mid is not null
    group by role_id
),

unit_pairs as (
    select a.role_id, a.adjacent_role_id, r.unit_id, r.demand_pct as role_pct, o.demand_pct as adjacent_pct
    from adjacency as a
    join demand as r on r.role_id = a.role_id
    join demand as o on o.role_id = a.adjacent_role_id and o.unit_id = r.unit_id
),

compared as (
    select
        role_id,
        adjacent_role_id,
        sum(role_pct * adjacent_pct) / nullif(sqrt(sum(role_pct * role_pct)) * sqrt(sum(adjacent_pct * adjacent_pct)), 0)
            as similarity,
        list(unit_id order by role_pct - adjacent_pct desc, unit_id) filter (where role_pct > adjacent_pct)
            as role_units_all,
        list(role_pct - adjacent_pct order by role_pct - adjacent_pct desc, unit_id) filter (where role_pct > adjacent_pct)
            as role_pts_all,
        list(unit_id order by adjacent_pct - role_pct desc, unit_id) filter (where adjacent_pct > role_pct)
            as adjacent_units_all,
        list(adjacent_pct - role_pct order by adjacent_pct - role_pct desc, unit_id) filter (where adjacent_pct > role_pct)
            as adjacent_pts_all
    from unit_pairs
    group by role_id, adjacent_role_id
),

final as (
    select
        $market as market,
        $period as period,
        a.role_id,
        a.adjacent_role_id,
        a.position,
        coalesce(rp.postings, 0) as role_postings,
        coalesce(ap.postings, 0) as adjacent_postings,
        c.similarity,
        coalesce(c.role_units_all[1:3], []::varchar[]) as role_distinct_units,
        coalesce(c.role_pts_all[1:3], []::double[]) as role_distinct_pts,
        coalesce(c.adjacent_units_all[1:3], []::varchar[]) as adjacent_distinct_units,
        coalesce(c.adjacent_pts_all[1:3], []::double[]) as adjacent_distinct_pts,
        rs.median_salary as role_median_salary,
        adj.median_salary as adjacent_median_salary,
        100.0 * (adj.median_salary / rs.median_salary - 1) as pay_diff_pct
    from adjacency as a
    left join compared as c using (role_id, adjacent_role_id)
    left join role_postings as rp on rp.role_id = a.role_id
    left join role_postings as ap on ap.role_id = a.adjacent_role_id
    left join role_salary as rs on rs.role_id = a.role_id
    left join role_salary as adj on adj.role_id = a.adjacent_role_id
    order by a.role_id, a.position
)

select * from final
