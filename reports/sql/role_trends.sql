-- Monthly demand points of the role's units over the trailing window ending at the period.
with trends as (
    select * from skill_trends where market = $market and period = $period and role_id = $role_id
),
final as (
    select unit_id, month, postings_in_role, postings_citing, demand_pct
    from trends
    order by unit_id, month
)
select * from final
