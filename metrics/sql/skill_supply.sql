-- Share of the role's CV profiles (latest snapshot on or before the period) listing each unit, with Wilson interval.
with

snapshot as (
    select max(period) as profiles_period
    from profiles_normalised
    where market = $market and period <= $period
),

profiles as (
    select p.profile_id, p.role_id, p.period
    from profiles_normalised as p
    join snapshot as s on p.period = s.profiles_period
    where p.market = $market
),

listed_skills as (
    select ps.profile_id, ps.skill_id
    from profile_skills as ps
    join snapshot as s on ps.period = s.profiles_period
    where ps.market = $market
),

members as (
    select unit_id, skill_id from unit_members
),

units as (
    select unit_id from taxonomy_units
),

report_roles as (
    select unnest($report_roles::varchar[]) as role_id
),

role_counts as (
    select role_id, any_value(period) as profiles_period, count(*) as profiles_in_role
    from profiles
    join report_roles using (role_id)
    group by role_id
),

units_listed as (
    -- a profile listing two members of one group lists the group once
    select distinct p.role_id, p.profile_id, m.unit_id
    from profiles as p
    join listed_skills as l using (profile_id)
    join members as m using (skill_id)
),

listing_counts as (
    select role_id, unit_id, count(*) as profiles_listing
    from units_listed
    group by role_id, unit_id
),

grid as (
    select
        r.role_id,
        u.unit_id,
        r.profiles_period,
        r.profiles_in_role,
        coalesce(c.profiles_listing, 0) as profiles_listing
    from role_counts as r
    cross join units as u
    left join listing_counts as c using (role_id, unit_id)
),

final as (
    select
        $market as market,
        $period as period,
        role_id,
        unit_id,
        profiles_period,
        profiles_in_role,
        profiles_listing,
        100.0 * profiles_listing / profiles_in_role as supply_pct,
        100.0 * wilson_low(profiles_listing, profiles_in_role, $z) as ci_low_pct,
        100.0 * wilson_high(profiles_listing, profiles_in_role, $z) as ci_high_pct
    from grid
    order by role_id, unit_id
)

select * from final
