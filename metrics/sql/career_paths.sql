-- Entry routes, next roles (progression / lateral) and median tenure of each report role, from CV work histories.
with

snapshot as (
    select max(period) as profiles_period
    from profiles_normalised
    where market = $market and period <= $period
),

jobs as (
    select j.profile_id, j.seq, j.role_id, j.end_date, j.tenure_months
    from profile_jobs as j
    join snapshot as s on j.period = s.profiles_period
    where j.market = $market
),

role_levels as (
    select
        role_id,
        case seniority when 'junior' then 1 when 'mid' then 2 when 'senior' then 3 when 'lead' then 4 end as level
    from roles
),

report_roles as (
    select unnest($report_roles::varchar[]) as role_id
),

jobs_in_sequence as (
    select
        *,
        lag(role_id) over (partition by profile_id order by seq) as previous_role_id,
        lead(role_id) over (partition by profile_id order by seq) as next_role_id,
        row_number() over (partition by profile_id, role_id order by seq) as stint_from_first,
        row_number() over (partition by profile_id, role_id order by seq desc) as stint_from_last
    from jobs
),

stints as (
    -- a stint is one job held in the role
    select j.*
    from jobs_in_sequence as j
    join report_roles using (role_id)
),

entries as (
    -- the role held immediately before the first stint; an unclassified (`other`) job is not a known route
    select role_id, previous_role_id as other_role_id
    from stints
    where stint_from_first = 1 and previous_role_id is not null and previous_role_id <> 'other'
),

exits as (
    select s.role_id, s.next_role_id as other_role_id,
        -- more senior (roles.seniority junior < mid < senior < lead) is progression; anything else is lateral
        case when coalesce(n.level > r.level, false) then 'progression' else 'lateral' end as path_kind
    from stints as s
    left join role_levels as r on r.role_id = s.role_id
    left join role_levels as n on n.role_id = s.next_role_id
    where s.stint_from_last = 1 and s.next_role_id is not null and s.next_role_id <> 'other'
),

entry_paths as (
    select
        role_id,
        'entry' as path_kind,
        other_role_id,
        count(*) as n,
        sum(count(*)) over (partition by role_id) as denominator
    from entries
    group by role_id, other_role_id
),

exit_paths as (
    select
        role_id,
        path_kind,
        other_role_id,
        count(*) as n,
        sum(count(*)) over (partition by role_id) as denominator
    from exits
    group by role_id, path_kind, other_role_id
),

tenure as (
    -- only completed stints have a known length; current ones would bias the median down
    select
        role_id,
        'tenure' as path_kind,
        '-' as other_role_id,
        count(*) filter (where end_date is not null) as n,
        count(*) as denominator,
        quantile_cont(tenure_months, 0.5) filter (where end_date is not null) as median_tenure_months
    from stints
    group by role_id
),

paths as (
    select role_id, path_kind, other_role_id, n, denominator, 100.0 * n / denominator as share_pct,
        null::double as median_tenure_months
    from entry_paths
    union all
    select role_id, path_kind, other_role_id, n, denominator, 100.0 * n / denominator, null
    from exit_paths
    union all
    select role_id, path_kind, other_role_id, n, denominator, null, median_tenure_months
    from tenure
),

final as (
    select
        $market as market,
        $period as period,
        role_id,
        path_kind,
        other_role_id,
        n,
        denominator::bigint as denominator,
        share_pct,
        median_tenure_months
    from paths
    order by role_id, path_kind, n desc, other_role_id
)

select * from final
