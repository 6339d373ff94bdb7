-- Display names of all roles (history-only roles included, for career paths and comparisons).
with roles_all as (
    select * from roles
),
final as (
    select role_id, name, seniority from roles_all order by role_id
)
select * from final
