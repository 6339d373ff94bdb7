-- Salary and day-rate distribution of each report role this period, for UK, London and UK excluding London.
with

paid_postings as (
    -- pay_mid is already annual GBP for salaries and GBP per day for day rates (extract/ annualises)
    select posting_id, role_id, pay_kind, pay_mid, is_london
    from metric_postings
    where month = $period and pay_kind in ('salary', 'day_rate') and pay_mid is not null
),

report_roles as (
    select unnest($report_roles::varchar[]) as role_id
),

pay_kinds as (
    select unnest(['salary', 'day_rate']) as pay_kind
),

scopes as (
    select unnest(['uk', 'london', 'uk_excl_london']) as scope
),

scoped as (
    -- each posting counts in the UK scope and in exactly one of London / UK excluding London
    select role_id, pay_kind, 'uk' as scope, pay_mid from paid_postings
    union all
    select role_id, pay_kind, case when is_london then 'london' else 'uk_excl_london' end, pay_mid
    from paid_postings
),

distribution as (
    select
        role_id,
        pay_kind,
        scope,
        count(*) as n,
        quantile_cont(pay_mid, 0.5) as median,
        quantile_cont(pay_mid, 0.1) as p10,
        quantile_cont(pay_mid, 0.9) as p90,
        list_sort(list(pay_mid)) as sorted_pay
    from scoped
    group by role_id, pay_kind, scope
),

grid as (
    select
        r.role_id,
        k.pay_kind,
        s.scope,
        coalesce(d.n, 0) as n,
        d.median,
        d.p10,
        d.p90,
        d.sorted_pay[median_ci_low_rank(d.n, $z)] as median_ci_low,
        d.sorted_pay[median_ci_high_rank(d.n, $z)] as median_ci_high
    from report_roles as r
    cross join pay_kinds as k
    cross join scopes as s
    left join distribution as d using (role_id, pay_kind, scope)
),

with_suppression as (
    select
        role_id,
        pay_kind,
        scope,
        n,
        n < $min_pay_n as suppressed,
        case when n < $min_pay_n then 'n ' || n || ' < minimum ' || $min_pay_n end as suppression_reason,
        case when n >= $min_pay_n then median end as median,
        case when n >= $min_pay_n then p10 end as p10,
        case when n >= $min_pay_n then p90 end as p90,
        case when n >= $min_pay_n then median_ci_low end as median_ci_low,
        case when n >= $min_pay_n then median_ci_high end as median_ci_high
    from grid
),

uk_medians as (
    select role_id, pay_kind, median as uk_median from with_suppression where scope = 'uk'
),

final as (
    select
        $market as market,
        $period as period,
        p.role_id,
        p.pay_kind,
        p.scope,
        p.n,
        p.median,
        p.p10,
        p.p90,
        p.median_ci_low,
        p.median_ci_high,
        case when p.scope = 'london' then 100.0 * (p.median / u.uk_median - 1) end as london_premium_pct,
        p.suppressed,
        p.suppression_reason
    from with_suppression as p
    join uk_medians as u using (role_id, pay_kind)
    order by p.role_id, p.pay_kind, p.scope
)

select * from final
