-- The role against each adjacent role, in display order.
with comparison as (
    select * from role_comparison where market = $market and period = $period and role_id = $role_id
),
final as (
    select * from comparison order by position, adjacent_role_id
)
select * from final
