-- Roles with metrics for the (market, period): the metric stage computes only `report: true` roles.
with tiers as (
    select distinct role_id from skill_tiers where market = $market and period = $period
),
demand as (
    select distinct role_id from skill_demand where market = $market and period = $period
),
reported as (
    select role_id from tiers
    union
    select role_id from demand
),
final as (
    select reported.role_id, roles.name, roles.seniority
    from reported
    left join roles using (role_id)
    order by reported.role_id
)
select * from final
