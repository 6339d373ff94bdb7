-- Population of every posting metric: canonical postings of the market in the trailing window, with a role.
create or replace temp table metric_postings as
with

facts as (
    select posting_id, period, pay_kind, pay_mid, is_london, duplicate_of
    from posting_facts
    where market = $market and period between $window_start and $period
),

posting_roles_in_window as (
    select posting_id, period, role_id
    from posting_roles
    where market = $market and period between $window_start and $period
),

canonical as (
    -- a duplicate points at its canonical posting, which is counted instead; `other` is counted nowhere
    select f.posting_id, f.period as month, r.role_id, f.pay_kind, f.pay_mid, f.is_london
    from facts as f
    join posting_roles_in_window as r using (posting_id, period)
    where f.duplicate_of is null and r.role_id <> 'other'
),

final as (
    select * from canonical
)

select * from final;
