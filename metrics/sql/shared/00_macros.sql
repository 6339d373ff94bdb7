-- Interval helpers shared by every metric file (temporary: they live for the run's connection only).
-- Wilson score interval for x successes out of n at normal quantile z, as a proportion in [0, 1].
create or replace temp macro wilson_low(x, n, z) as greatest(0.0,
    ((x / n) + z * z / (2 * n) - z * sqrt((x / n) * (1 - x / n) / n + z * z / (4 * n * n))) / (1 + z * z / n));
create or replace temp macro wilson_high(x, n, z) as least(1.0,
    ((x / n) + z * z / (2 * n) + z * sqrt((x / n) * (1 - x / n) / n + z * z / (4 * n * n))) / (1 + z * z / n));
-- Distribution-free interval for a median: 1-based ranks in the sorted sample (Conover's normal approximation
-- to the binomial: n/2 - z*sqrt(n)/2 and 1 + n/2 + z*sqrt(n)/2, rounded, clamped to 1..n).
create or replace temp macro median_ci_low_rank(n, z) as
    least(n, greatest(1, round(n / 2 - z * sqrt(n) / 2)::bigint));
create or replace temp macro median_ci_high_rank(n, z) as
    least(n, greatest(1, round(1 + n / 2 + z * sqrt(n) / 2)::bigint));
