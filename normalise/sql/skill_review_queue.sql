-- Unmatched free-text skill strings of one (market, period), most frequent first, for analysts to review.
with review as (
    select market, period, text, occurrences, suggestions
    from skill_review
    where market = $market and period = $period
),

final as (
    select text, occurrences, suggestions
    from review
    order by occurrences desc, text
)

select * from final
