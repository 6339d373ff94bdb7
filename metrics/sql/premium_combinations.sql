-- Sets of 2-3 skills whose salaried postings pay clearly more than the role median and each member alone.
with

salaried as (
    select
        p.posting_id,
        p.role_id,
        -- integer keys make the itemset self-joins and groupings cheap
        dense_rank() over (order by p.role_id) as role_key,
        p.pay_mid as salary,
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
    select role_id, role_key, quantile_cont(salary, 0.5) as role_median
    from salaried
    group by role_id, role_key
    having count(*) >= $min_pay_n
),

posting_units as (
    select distinct
        s.role_key, s.posting_key, s.salary, s.salary <= r.role_median as at_or_below_median, u.unit_id
    from salaried as s
    join role_median as r using (role_key)
    join skills_cited as c using (posting_id)
    join skill_units as u using (skill_id)
),

unit_support as (
    select role_key, unit_id, count(*) as n, quantile_cont(salary, 0.5) as median_salary
    from posting_units
    group by role_key, unit_id
),

candidates as (
    -- only the most-cited skills are combined, which keeps the itemset search cheap
    select role_key, unit_id, row_number() over (partition by role_key order by unit_id) as unit_key
    from (
        select role_key, unit_id
        from unit_support
        where n >= $min_support
        qualify row_number() over (partition by role_key order by n desc, unit_id) <= $max_candidates
    )
),

candidate_postings as (
    select pu.role_key, pu.posting_key, pu.salary, pu.at_or_below_median, c.unit_key
    from posting_units as pu
    join candidates as c using (role_key, unit_id)
),

pair_postings as (
    select a.role_key, a.posting_key, a.salary, a.at_or_below_median, a.unit_key as key_a, b.unit_key as key_b
    from candidate_postings as a
    join candidate_postings as b
        on a.role_key = b.role_key and a.posting_key = b.posting_key and a.unit_key < b.unit_key
),

frequent_pairs as (
    select role_key, key_a, key_b
    from pair_postings
    group by role_key, key_a, key_b
    having count(*) >= $min_support
),

frequent_pair_postings as materialized (
    -- a triple can only reach the support if its first two members (a frequent pair) do; filtered before the
    -- triple join, whose output (tens of millions of rows) must never be the build side of a join
    select p.*
    from pair_postings as p
    semi join frequent_pairs using (role_key, key_a, key_b)
    where $max_size >= 3
),

triple_postings as (
    select p.role_key, p.salary, p.at_or_below_median, p.key_a, p.key_b, c.unit_key as key_c
    from frequent_pair_postings as p
    join candidate_postings as c
        on c.role_key = p.role_key and c.posting_key = p.posting_key and c.unit_key > p.key_b
),

itemset_postings as materialized (
    -- one row per (posting, itemset); the candidate keys (each below 1024, see the settings) packed in one integer
    select role_key, (key_a * 1024 + key_b) * 1024 as itemset_key, salary, at_or_below_median
    from pair_postings
    where $min_size <= 2
    union all
    select role_key, (key_a * 1024 + key_b) * 1024 + key_c as itemset_key, salary, at_or_below_median
    from triple_postings
),

itemset_candidates as (
    -- a kept itemset's selection bound (its order statistic at median_ci_low_rank) lies above the role median, so
    -- fewer of its salaries than that rank are at or below the median: this cheap count leaves only such itemsets
    -- to have their salaries sorted
    select role_key, itemset_key
    from itemset_postings
    group by role_key, itemset_key
    having count(*) >= $min_support
        and count_if(at_or_below_median) < median_ci_low_rank(count(*), $combo_z)
),

itemsets as (
    select
        role_key,
        itemset_key // 1048576 as key_a,
        itemset_key // 1024 % 1024 as key_b,
        nullif(itemset_key % 1024, 0) as key_c,
        count(*) as n,
        quantile_cont(salary, 0.5) as median_salary,
        list_sort(list(salary)) as sorted_salary
    from itemset_postings
    semi join itemset_candidates using (role_key, itemset_key)
    group by role_key, itemset_key
),

with_uplift as (
    -- the role median is taken as fixed: the interval reflects the uncertainty of the combination's median
    select
        i.role_key,
        r.role_id,
        list_filter([a.unit_id, b.unit_id, c.unit_id], lambda u: u is not null) as unit_ids,
        i.n,
        i.median_salary,
        100.0 * (i.median_salary / r.role_median - 1) as uplift_pct,
        100.0 * (i.sorted_salary[median_ci_low_rank(i.n, $z)] / r.role_median - 1) as uplift_ci_low_pct,
        100.0 * (i.sorted_salary[median_ci_high_rank(i.n, $z)] / r.role_median - 1) as uplift_ci_high_pct,
        100.0 * (i.sorted_salary[median_ci_low_rank(i.n, $combo_z)] / r.role_median - 1) as selection_low_pct
    from itemsets as i
    join role_median as r using (role_key)
    join candidates as a on a.role_key = i.role_key and a.unit_key = i.key_a
    join candidates as b on b.role_key = i.role_key and b.unit_key = i.key_b
    left join candidates as c on c.role_key = i.role_key and c.unit_key = i.key_c
),

member_uplifts as (
    select w.role_key, w.unit_ids, max(100.0 * (s.median_salary / r.role_median - 1)) as best_member_uplift_pct
    from (select role_key, unit_ids, unnest(unit_ids) as unit_id from with_uplift) as w
    join unit_support as s using (role_key, unit_id)
    join role_median as r using (role_key)
    group by w.role_key, w.unit_ids
),

kept as (
    -- "clearly above": the lower bound of the stricter selection interval beats the role median and, by the
    -- margin, every member skill on its own (thousands of itemsets are tested per role)
    select w.*, m.best_member_uplift_pct
    from with_uplift as w
    join member_uplifts as m using (role_key, unit_ids)
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
