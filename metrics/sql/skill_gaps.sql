-- Demand minus supply for every report group and gap cluster of each report role, largest gap first.
with

demand as (
    select role_id, unit_id, postings_in_role, demand_pct
    from skill_demand
    where market = $market and period = $period
),

supply as (
    select role_id, unit_id, profiles_in_role, supply_pct
    from skill_supply
    where market = $market and period = $period
),

postings_per_role as (
    select distinct role_id, postings_in_role from demand
),

profiles_per_role as (
    select distinct role_id, profiles_in_role from supply
),

gap_units as (
    select unit_id, unit_kind from taxonomy_units where unit_kind in ('group', 'gap_cluster')
),

report_roles as (
    select unnest($report_roles::varchar[]) as role_id
),

grid as (
    -- a role without postings or profiles keeps its rows, at 0% and suppressed, so the page can say why
    select
        r.role_id,
        u.unit_id,
        u.unit_kind,
        coalesce(d.demand_pct, 0.0) as demand_pct,
        coalesce(s.supply_pct, 0.0) as supply_pct,
        coalesce(pp.postings_in_role, 0) as postings_in_role,
        coalesce(pr.profiles_in_role, 0) as profiles_in_role
    from report_roles as r
    cross join gap_units as u
    left join postings_per_role as pp using (role_id)
    left join profiles_per_role as pr using (role_id)
    left join demand as d using (role_id, unit_id)
    left join supply as s using (role_id, unit_id)
),

with_suppression as (
    select
        *,
        demand_pct - supply_pct as gap_pts,
        postings_in_role < $min_demand_n or profiles_in_role < $min_supply_n as suppressed,
        nullif(concat_ws('; ',
            case when postings_in_role < $min_demand_n
                then 'postings_in_role ' || postings_in_role || ' < minimum ' || $min_demand_n end,
            case when profiles_in_role < $min_supply_n
                then 'profiles_in_role ' || profiles_in_role || ' < minimum ' || $min_supply_n end
        ), '') as suppression_reason
    from grid
),

final as (
    select
        $market as market,
        $period as period,
        role_id,
        unit_id,
        unit_kind,
        demand_pct,
        supply_pct,
        gap_pts,
        postings_in_role,
        profiles_in_role,
        rank() over (partition by role_id order by gap_pts desc) as gap_rank,
        suppressed,
        suppression_reason
    from with_suppression
    order by role_id, gap_rank, unit_id
)

select * from final
