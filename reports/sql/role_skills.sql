-- Each unit with a tier for the role, with its demand and supply figures (left joins: gaps are reported, not dropped).
with tiers as (
    select * from skill_tiers where market = $market and period = $period and role_id = $role_id
),
demand as (
    select * from skill_demand where market = $market and period = $period and role_id = $role_id
),
supply as (
    select * from skill_supply where market = $market and period = $period and role_id = $role_id
),
final as (
    select
        tiers.unit_id, tiers.tier, tiers.is_emerging, tiers.slope_pts_per_month, tiers.slope_t,
        tiers.demand_12m_ago_pct, tiers.months_observed,
        demand.unit_id is not null as has_demand,
        demand.postings_in_role, demand.postings_citing, demand.demand_pct,
        demand.ci_low_pct as demand_ci_low_pct, demand.ci_high_pct as demand_ci_high_pct,
        demand.demand_rank, demand.rank_change_1m, demand.rank_change_12m,
        demand.change_pts_1m, demand.change_pts_12m,
        supply.unit_id is not null as has_supply,
        supply.profiles_period, supply.profiles_in_role, supply.profiles_listing, supply.supply_pct,
        supply.ci_low_pct as supply_ci_low_pct, supply.ci_high_pct as supply_ci_high_pct
    from tiers
    left join demand using (unit_id)
    left join supply using (unit_id)
    order by demand.demand_rank nulls last, demand.demand_pct desc nulls last, tiers.unit_id
)
select * from final
