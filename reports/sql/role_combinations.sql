-- Premium skill combinations of the role, best first.
with combos as (
    select * from premium_combinations where market = $market and period = $period and role_id = $role_id
),
final as (
    select * from combos order by combo_rank, uplift_pct desc, combo_id
)
select * from final
