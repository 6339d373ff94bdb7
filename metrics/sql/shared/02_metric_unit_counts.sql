-- Postings citing each reporting unit, per month and role, over the trailing window.
create or replace temp table metric_unit_counts as
with

postings as (
    select posting_id, month, role_id from metric_postings
),

skills as (
    select posting_id, period as month, skill_id
    from posting_skills
    where market = $market and period between $window_start and $period
),

members as (
    select unit_id, skill_id, count(*) over (partition by unit_id) as unit_size from unit_members
),

skills_in_role as (
    select p.month, p.role_id, p.posting_id, s.skill_id
    from postings as p
    join skills as s using (posting_id, month)
),

single_member_counts as (
    -- posting_skills is distinct per posting and skill, so a one-skill unit needs no de-duplication
    select c.month, c.role_id, m.unit_id, sum(c.postings_citing) as postings_citing
    from (
        select month, role_id, skill_id, count(*) as postings_citing
        from skills_in_role
        group by month, role_id, skill_id
    ) as c
    join members as m using (skill_id)
    where m.unit_size = 1
    group by c.month, c.role_id, m.unit_id
),

multi_member_counts as (
    -- a posting citing two members of one group cites the group once
    select month, role_id, unit_id, count(*) as postings_citing
    from (
        select distinct s.month, s.role_id, s.posting_id, m.unit_id
        from skills_in_role as s
        join members as m using (skill_id)
        where m.unit_size > 1
    )
    group by month, role_id, unit_id
),

final as (
    select * from single_member_counts
    union all
    select * from multi_member_counts
)

select * from final;
