-- Tier of each unit cited in the role this period: emerging by the growth rule, else essential / desirable / other.
with

demand_monthly as (
    select month, month_index, role_id, unit_id, postings_in_role, demand_pct
    from metric_demand_monthly
),

report_roles as (
    select unnest($report_roles::varchar[]) as role_id
),

current_month as (
    select d.role_id, d.unit_id, d.postings_in_role, d.demand_pct
    from demand_monthly as d
    join report_roles using (role_id)
    where d.month = $period and d.demand_pct > 0
),

window_fit as (
    -- months in which the role had no postings have no share and are left out of the fit, not counted as 0%
    select
        role_id,
        unit_id,
        count(*) as months_observed,
        max(demand_pct) filter (where month_index = 0) as demand_12m_ago_pct,
        avg(demand_pct) filter (where month_index < $edge_months) as first_edge_pct,
        avg(demand_pct) filter (where month_index >= $trend_months - $edge_months) as last_edge_pct,
        regr_slope(demand_pct, month_index) as slope,
        regr_sxx(demand_pct, month_index) as sxx,
        regr_syy(demand_pct, month_index) as syy
    from demand_monthly
    semi join current_month using (role_id, unit_id)
    group by role_id, unit_id
),

with_t as (
    select
        *,
        -- residual sum of squares of the least-squares line
        greatest(syy - slope * slope * sxx, 0.0) as sse,
        months_observed >= 3 and sxx > 0 and greatest(syy - slope * slope * sxx, 0.0) <= 1e-12 * greatest(syy, 1e-300)
            as exact_fit
    from window_fit
),

fitted as (
    select
        *,
        case
            when months_observed >= 3 and sxx > 0 and not exact_fit
                then slope / sqrt(sse / (months_observed - 2) / sxx)
        end as slope_t
    from with_t
),

with_rule as (
    select
        c.role_id,
        c.unit_id,
        c.demand_pct,
        f.demand_12m_ago_pct,
        f.months_observed,
        case when f.months_observed >= 2 then f.slope end as slope_pts_per_month,
        f.slope_t,
        coalesce(
            c.postings_in_role >= $min_demand_n
            and f.months_observed >= $emerging_min_months
            and f.last_edge_pct >= $emerging_growth_ratio * f.first_edge_pct
            -- an exactly linear series has no residual, so no t: a positive exact slope counts as significant
            and (f.slope_t >= $emerging_min_t or (f.exact_fit and f.slope > 0))
            and c.demand_pct >= $emerging_min_pct
            and c.demand_pct < $essential_min_pct,
            false
        ) as is_emerging
    from current_month as c
    join fitted as f using (role_id, unit_id)
),

final as (
    select
        $market as market,
        $period as period,
        role_id,
        unit_id,
        case
            when is_emerging then 'emerging'
            when demand_pct >= $essential_min_pct then 'essential'
            when demand_pct >= $desirable_min_pct then 'desirable'
            else 'other'
        end as tier,
        demand_pct,
        demand_12m_ago_pct,
        months_observed,
        slope_pts_per_month,
        slope_t,
        is_emerging
    from with_rule
    order by role_id, demand_pct desc, unit_id
)

select * from final
