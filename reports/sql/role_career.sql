-- Entry routes, next roles and tenure of the role from CV work histories.
with paths as (
    select * from career_paths where market = $market and period = $period and role_id = $role_id
),
final as (
    select * from paths order by path_kind, n desc, other_role_id
)
select * from final
