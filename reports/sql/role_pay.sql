-- Salary and day-rate statistics of the role per scope.
with pay as (
    select * from pay_stats where market = $market and period = $period and role_id = $role_id
),
final as (
    select * from pay order by pay_kind, scope
)
select * from final
