"""Contracts of the ingest stage: landed postings and profiles, their parsed facts, quarantine and accounting."""
from __future__ import annotations

import pyarrow as pa

from spotlight.contract import BOOL, DATE, FLOAT, INT, STR, Contract, col, key_text, long_text

WORK_HISTORY_ITEM = pa.struct(
    [("title", pa.string()), ("employer", pa.string()), ("start_date", pa.date32()), ("end_date", pa.date32())]
)

POSTINGS = Contract(
    name="postings",
    stage="ingest",
    description=(
        "One row per landed job posting in its canonical raw form, whatever the source format. "
        "Text fields are kept as the source gave them (HTML included) for audit; parsing happens in `posting_facts`."
    ),
    primary_key=("market", "period", "posting_id"),
    columns=(
        key_text("posting_id", "Stable id: first 16 hex of sha256(source + '|' + source_id).", True),
        col("market", STR, "Market the run is for, e.g. `uk`.", True),
        col("period", STR, "Month the posting belongs to, `YYYY-MM`, from `posted_at`.", True),
        col("source", STR, "Source name from the market's source config.", True),
        key_text("source_id", "The source's own id of the posting.", True),
        col("title", STR, "Job title as posted.", True),
        long_text("description", "Ad text as posted (may hold HTML).", True),
        col("company", STR, "Employer or agency name as posted."),
        col("location_raw", STR, "Location text as posted."),
        col("salary_raw", STR, "Salary text as posted, when the source has a salary field."),
        col("salary_min_raw", FLOAT, "Structured minimum pay from the source, in `salary_currency_raw`."),
        col("salary_max_raw", FLOAT, "Structured maximum pay from the source, in `salary_currency_raw`."),
        col("salary_currency_raw", STR, "Currency code of the structured pay, e.g. `GBP`."),
        col("salary_period_raw", STR, "Pay period of the structured pay as the source says it (e.g. `yearly`, `daily`)."),
        col("salary_is_predicted", BOOL, "True when the source estimated the pay (Adzuna `salary_is_predicted`): never stated pay."),
        col("contract_raw", STR, "Contract type/time text as the source gives it."),
        col("posted_at", DATE, "Date the posting was published.", True),
        key_text("url", "Link to the posting.", compression="zstd"),
        col("source_row", INT, "Row number of the record in its source file (0-based), for audit.", True),
    ),
)

PROFILES = Contract(
    name="profiles",
    stage="ingest",
    description="One row per landed CV profile in canonical raw form.",
    primary_key=("market", "period", "profile_id"),
    columns=(
        col("profile_id", STR, "Stable id: first 16 hex of sha256(source + '|' + source_id).", True),
        col("market", STR, "Market the run is for.", True),
        col("period", STR, "Month of the profile snapshot, `YYYY-MM`.", True),
        col("source", STR, "Source name from the market's source config.", True),
        col("source_id", STR, "The source's own id of the profile.", True),
        col("headline", STR, "Current title or headline.", True),
        col("location_raw", STR, "Location text as given."),
        col("skills_raw", pa.list_(pa.string()), "Free-text skill strings as listed on the CV.", True),
        col("summary", STR, "Free-text summary."),
        col("work_history", pa.list_(WORK_HISTORY_ITEM), "Jobs held, oldest first: title, employer, start_date, end_date (null = current).", True),
        col("source_row", INT, "Row number of the record in its source file (0-based), for audit.", True),
    ),
)

QUARANTINE = Contract(
    name="quarantine",
    stage="ingest",
    description="Input rows that were not accepted, each with the reason. Nothing is dropped silently.",
    primary_key=("market", "period", "source", "source_file", "source_row"),
    columns=(
        col("market", STR, "Market of the run.", True),
        col("period", STR, "Period of the run.", True),
        col("source", STR, "Source name.", True),
        col("source_file", STR, "File (or URL) the row came from.", True),
        col("source_row", INT, "Row number within that file (0-based).", True),
        col("reason_code", STR, "Machine-readable reason, e.g. `missing_title`, `bad_date`, `unparseable_json`.", True),
        col("reason_detail", STR, "Human-readable detail."),
        long_text("raw_record", "The raw record as JSON text (truncated to 10,000 characters).", True),
    ),
)

INGEST_ACCOUNTING = Contract(
    name="ingest_accounting",
    stage="ingest",
    description=(
        "Per source and run: every input row ends in exactly one bucket. "
        "`rows_in = accepted + duplicates + quarantined` is checked on write."
    ),
    primary_key=("market", "period", "source"),
    columns=(
        col("market", STR, "Market of the run.", True),
        col("period", STR, "Period of the run.", True),
        col("source", STR, "Source name.", True),
        col("kind", STR, "`postings` or `profiles`.", True),
        col("rows_in", INT, "Records read from the source's files for the period.", True),
        col("accepted", INT, "Records landed and kept as canonical.", True),
        col("duplicates", INT, "Records landed but linked to a canonical record (`posting_facts.duplicate_of`).", True),
        col("quarantined", INT, "Records in `quarantine`.", True),
    ),
    allowed_values={"kind": ("postings", "profiles")},
)

PAY_KINDS = ("salary", "day_rate", "none", "rejected")
CONTRACT_TYPES = ("permanent", "contract", "temporary", "unknown")
WORK_MODES = ("remote", "hybrid", "onsite", "unknown")
REGIONS = (
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West", "Wales", "Scotland", "Northern Ireland", "unknown",
)

POSTING_FACTS = Contract(
    name="posting_facts",
    stage="ingest",
    description=(
        "Parsed facts of each landed posting: pay, place, contract type and de-duplication link. "
        "Permanent pay is annualised; contract pay is a day rate and never mixed into salaries."
    ),
    primary_key=("market", "period", "posting_id"),
    columns=(
        key_text("posting_id", "Posting id, as in `postings`.", True),
        col("market", STR, "Market.", True),
        col("period", STR, "Period `YYYY-MM`.", True),
        col("title_clean", STR, "Title with HTML stripped and whitespace normalised.", True),
        long_text("description_clean", "Ad text with HTML stripped, entities decoded, whitespace normalised.", True),
        col("contract_type", STR, "Contract type from structured fields and text cues.", True),
        col("pay_kind", STR, "`salary` (annual GBP), `day_rate` (GBP per day), `none` (no pay stated, or only predicted) or `rejected` (implausible).", True),
        col("pay_min", FLOAT, "Lower pay bound in the unit of `pay_kind`."),
        col("pay_max", FLOAT, "Upper pay bound in the unit of `pay_kind`."),
        col("pay_mid", FLOAT, "Mid-point of the range ((min+max)/2), the figure pay statistics use."),
        col("pay_period_stated", STR, "Period the ad stated (year, month, week, day, hour)."),
        col("pay_currency", STR, "Currency stated (GBP unless said otherwise)."),
        col("pay_flags", STR, "Comma-separated flags: up_to, from, predicted, bonus, ote."),
        col("pay_reject_reason", STR, "Why stated pay was rejected as implausible."),
        col("region", STR, "ONS ITL1 region, or `unknown`.", True),
        col("is_london", BOOL, "True when the place is in Greater London.", True),
        col("work_mode", STR, "remote / hybrid / onsite / unknown.", True),
        key_text("duplicate_of", "posting_id of the canonical posting this one duplicates; null for canonical postings."),
        col("duplicate_method", STR, "`exact` or `near` when `duplicate_of` is set."),
    ),
    allowed_values={
        "contract_type": CONTRACT_TYPES,
        "pay_kind": PAY_KINDS,
        "work_mode": WORK_MODES,
        "region": REGIONS,
    },
)

CONTRACTS = (POSTINGS, PROFILES, QUARANTINE, INGEST_ACCOUNTING, POSTING_FACTS)
