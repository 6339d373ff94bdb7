-- Sets of 2-3 skills whose salaried postings pay clearly more than the role median and each member alone.
with

salaried as (
    select
        p.posting_id,
        p.role_id,
        p.pay_mid as salary,
        -- an integer key makes the itemset self-joins cheap
        row_number() over () as posting_key
    from metric_postings as p
    where p.month = $period and p.pay_kind = 'salary' and p.pay_mid is not null
        and p.role_id in (select unnest($report_roles::varchar[]))
),

skills_cited as (
    select posting_id, skill_id
    from posting_skills
    where market = $market and period = $period
),

skill_units as (
    select m.unit_id, m.skill_id
    from unit_members as m
    join taxonomy_units as u using (unit_id)
    where u.unit_kind = 'skill'
),

role_median as (
    -- no combination is computed for a role whose own median is suppressed
    select role_id, quantile_cont(salary, 0.5) as role_median
    from salaried
    group by role_id
    having count(*) >= $min_pay_n
),

posting_units as (
    select distinct s.role_id, s.posting_key, s.salary, u.unit_id
    from salaried as s
    join skills_cited as c using (posting_id)
    join skill_units as u using (skill_id)
),

unit_support as (
    select role_id, unit_id, count(*) as n, quantile_cont(salary, 0.5) as median_salary
    from posting_units
    group by role_id, unit_id
),

candidates as (
    -- only the most-cited skills are combined, which keeps the itemset search cheap
    select role_id, unit_id, row_number() over (partition by role_id order by unit_id) as unit_key
    from (
        select role_id, unit_id
        from unit_support
        semi join role_median using (role_id)
        where n >= $min_support
        qualify row_number() over (partition by role_id order by n desc, unit_id) <= $max_candidates
    )
),

candidate_postings as (
    select pu.role_id, pu.posting_key, pu.salary, c.unit_key
    from posting_units as pu
    join candidates as c using (role_id, unit_id)
),

pair_postings as (
    select a.role_id, a.posting_key, a.salary, a.unit_key as key_a, b.unit_key as key_b
    from candidate_postings as a
    join candidate_postings as b
        on a.role_id = b.role_id and a.posting_key = b.posting_key and a.unit_key < b.unit_key
),

frequent_pairs as (
    select role_id, key_a, key_b
    from pair_postings
    group by role_id, key_a, key_b
    having count(*) >= $min_support
),

triple_postings as (
    -- a triple can only reach the support if its first two members (a frequent pair) do
    select p.role_id, p.posting_key, p.salary, p.key_a, p.key_b, c.unit_key as key_c
    from pair_postings as p
    semi join frequent_pairs using (role_id, key_a, key_b)
    join candidate_postings as c
        on c.role_id = p.role_id and c.posting_key = p.posting_key and c.unit_key > p.key_b
    where $max_size >= 3
),

itemset_postings as (
    select role_id, salary, key_a, key_b, null::bigint as key_c
    from pair_postings
    where $min_size <= 2
    union all
    select role_id, salary, key_a, key_b, key_c from triple_postings
),

itemsets as (
    select
        role_id,
        key_a,
        key_b,
        key_c,
        count(*) as n,
        quantile_cont(salary, 0.5) as median_salary,
        list_sort(list(salary)) as sorted_salary
    from itemset_postings
    group by role_id, key_a, key_b, key_c
    having count(*) >= $min_support
),

with_uplift as (
    -- the role median is taken as fixed: the interval reflects the uncertainty of the combination's median
    select
        i.role_id,
        list_filter([a.unit_id, b.unit_id, c.unit_id], lambda u: u is not null) as unit_ids,
        i.n,
        i.median_salary,
        100.0 * (i.median_salary / r.role_median - 1) as uplift_pct,
        100.0 * (i.sorted_salary[median_ci_low_rank(i.n, $z)] / r.role_median - 1) as uplift_ci_low_pct,
        100.0 * (i.sorted_salary[median_ci_high_rank(i.n, $z)] / r.role_median - 1) as uplift_ci_high_pct,
        100.0 * (i.sorted_salary[median_ci_low_rank(i.n, $combo_z)] / r.role_median - 1) as selection_low_pct
    from itemsets as i
    join role_median as r using (role_id)
    join candidates as a on a.role_id = i.role_id and a.unit_key = i.key_a
    join candidates as b on b.role_id = i.role_id and b.unit_key = i.key_b
    left join candidates as c on c.role_id = i.role_id and c.unit_key = i.key_c
),

member_uplifts as (
    select w.role_id, w.unit_ids, max(100.0 * (s.median_salary / r.role_median - 1)) as best_member_uplift_pct
    from (select role_id, unit_ids, unnest(unit_ids) as unit_id from with_uplift) as w
    join unit_support as s using (role_id, unit_id)
    join role_median as r using (role_id)
    group by w.role_id, w.unit_ids
),

kept as (
    -- "clearly above": the lower bound of the stricter selection interval beats the role median and, by the
    -- margin, every member skill on its own (thousands of itemsets are tested per role)
    select w.*, m.best_member_uplift_pct
    from with_uplift as w
    join member_uplifts as m using (role_id, unit_ids)
    where w.selection_low_pct > 0 and w.selection_low_pct >= m.best_member_uplift_pct + $combo_margin
),

final as (
    select
        $market as market,
        $period as period,
        role_id,
        array_to_string(unit_ids, '+') as combo_id,
        unit_ids,
        len(unit_ids)::bigint as size,
        n,
        median_salary,
        uplift_pct,
        uplift_ci_low_pct,
        uplift_ci_high_pct,
        best_member_uplift_pct,
        row_number() over (partition by role_id order by uplift_pct desc, uplift_ci_low_pct desc, combo_id)
            as combo_rank
    from kept
    order by role_id, combo_rank
)

select * from final
