-- Demand of every unit for every (month, role) with postings: zero-citing units included, for ranks and trends.
create or replace temp table metric_demand_monthly as
with

role_counts as (
    select month, role_id, count(*) as postings_in_role
    from metric_postings
    group by month, role_id
),

unit_counts as (
    select month, role_id, unit_id, postings_citing from metric_unit_counts
),

units as (
    select
        unit_id,
        unit_kind,
        -- ranks are taken within the list a reader sees: the page list (skills not shown through a group, and
        -- groups), gap clusters among themselves, and skills hidden by a group among themselves
        case
            when unit_kind = 'gap_cluster' then 'gap_cluster'
            when unit_kind = 'skill' and hidden_by_group is not null then 'group_member'
            else 'page'
        end as rank_list
    from taxonomy_units
),

grid as (
    select
        r.month,
        r.role_id,
        u.unit_id,
        u.unit_kind,
        u.rank_list,
        r.postings_in_role,
        coalesce(c.postings_citing, 0) as postings_citing
    from role_counts as r
    cross join units as u
    left join unit_counts as c using (month, role_id, unit_id)
),

final as (
    select
        *,
        100.0 * postings_citing / postings_in_role as demand_pct,
        rank() over (partition by month, role_id, rank_list order by postings_citing desc) as demand_rank,
        datediff('month', strptime($window_start, '%Y-%m'), strptime(month, '%Y-%m')) as month_index
    from grid
)

select * from final;
