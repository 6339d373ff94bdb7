-- Every reporting unit with its display name, category, group hiding and member skills.
with units as (
    select * from taxonomy_units
),
members as (
    select unit_id, list(skill_id order by skill_id) as member_skill_ids
    from unit_members
    group by unit_id
),
final as (
    select
        units.unit_id, units.unit_kind, units.name, units.category, units.hidden_by_group,
        coalesce(members.member_skill_ids, [units.unit_id]) as member_skill_ids
    from units
    left join members using (unit_id)
    order by units.unit_id
)
select * from final
