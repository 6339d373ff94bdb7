-- The normalise stage's input: each landed posting's cleaned title and ad text for one (market, period), in
-- posting_id order so that every chunking of the period gives the same rows in the same order.
with

facts as (
    select posting_id, market, period, title_clean, description_clean
    from posting_facts
    where market = $market and period = $period
),

final as (
    select * from facts
    order by posting_id
)

select * from final
