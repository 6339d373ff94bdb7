-- Demand-minus-supply rows of the role's groups and gap clusters, with the numerators behind each share.
with gaps as (
    select * from skill_gaps where market = $market and period = $period and role_id = $role_id
),
demand as (
    select unit_id, postings_citing
    from skill_demand where market = $market and period = $period and role_id = $role_id
),
supply as (
    select unit_id, profiles_listing
    from skill_supply where market = $market and period = $period and role_id = $role_id
),
final as (
    select gaps.*, demand.postings_citing, supply.profiles_listing
    from gaps
    left join demand using (unit_id)
    left join supply using (unit_id)
    order by gaps.gap_rank, gaps.gap_pts desc, gaps.unit_id
)
select * from final
