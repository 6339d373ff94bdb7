"""Contracts of the normalise stage: roles and canonical skills per posting and profile, plus taxonomy tables."""
from __future__ import annotations

import pyarrow as pa

from spotlight.contract import BOOL, DATE, FLOAT, INT, STR, Contract, col

SENIORITIES = ("junior", "mid", "senior", "lead", "unknown")

POSTING_ROLES = Contract(
    name="posting_roles",
    stage="normalise",
    description="Role of each landed posting. Postings under the confidence threshold get role `other`.",
    primary_key=("market", "period", "posting_id"),
    columns=(
        col("posting_id", STR, "Posting id.", True),
        col("market", STR, "Market.", True),
        col("period", STR, "Period `YYYY-MM`.", True),
        col("role_id", STR, "Role id from `data/taxonomy/roles.yaml`, or `other`.", True),
        col("role_confidence", FLOAT, "Calibrated probability of the predicted role (0-1).", True),
        col("seniority", STR, "Seniority read from the title.", True),
    ),
    allowed_values={"seniority": SENIORITIES},
)

POSTING_SKILLS = Contract(
    name="posting_skills",
    stage="normalise",
    description="Distinct canonical skills found in each posting's title and ad text (boilerplate excluded).",
    primary_key=("market", "period", "posting_id", "skill_id"),
    columns=(
        col("posting_id", STR, "Posting id.", True),
        col("market", STR, "Market.", True),
        col("period", STR, "Period.", True),
        col("skill_id", STR, "Canonical skill id.", True),
        col("mentions", INT, "Number of mentions of the skill in the posting.", True),
    ),
)

PROFILES_NORMALISED = Contract(
    name="profiles_normalised",
    stage="normalise",
    description="Role and place of each CV profile.",
    primary_key=("market", "period", "profile_id"),
    columns=(
        col("profile_id", STR, "Profile id.", True),
        col("market", STR, "Market.", True),
        col("period", STR, "Period of the snapshot.", True),
        col("role_id", STR, "Role of the current headline, or `other`.", True),
        col("role_confidence", FLOAT, "Calibrated probability of the role.", True),
        col("seniority", STR, "Seniority read from the headline.", True),
        col("region", STR, "ONS ITL1 region or `unknown`.", True),
        col("is_london", BOOL, "In Greater London.", True),
    ),
    allowed_values={"seniority": SENIORITIES},
)

PROFILE_SKILLS = Contract(
    name="profile_skills",
    stage="normalise",
    description="Distinct canonical skills each profile lists (skill strings mapped exactly, by alias or fuzzily).",
    primary_key=("market", "period", "profile_id", "skill_id"),
    columns=(
        col("profile_id", STR, "Profile id.", True),
        col("market", STR, "Market.", True),
        col("period", STR, "Period.", True),
        col("skill_id", STR, "Canonical skill id.", True),
        col("match_method", STR, "Best method that found it: exact, alias, fuzzy or text.", True),
    ),
    allowed_values={"match_method": ("exact", "alias", "fuzzy", "text")},
)

PROFILE_JOBS = Contract(
    name="profile_jobs",
    stage="normalise",
    description="Each job in a profile's work history with its classified role, oldest first.",
    primary_key=("market", "period", "profile_id", "seq"),
    columns=(
        col("profile_id", STR, "Profile id.", True),
        col("market", STR, "Market.", True),
        col("period", STR, "Period.", True),
        col("seq", INT, "Position in the history, 0 = oldest.", True),
        col("title", STR, "Job title as written.", True),
        col("role_id", STR, "Role of the job title, or `other`.", True),
        col("employer", STR, "Employer as written."),
        col("start_date", DATE, "Start date.", True),
        col("end_date", DATE, "End date; null when current."),
        col("tenure_months", INT, "Whole months from start to end (or to the period's last day when current).", True),
    ),
)

SKILL_REVIEW = Contract(
    name="skill_review",
    stage="normalise",
    description="Free-text skill strings that matched no canonical skill, for analysts to review.",
    primary_key=("market", "period", "text"),
    columns=(
        col("market", STR, "Market.", True),
        col("period", STR, "Period.", True),
        col("text", STR, "The normalised unmatched string.", True),
        col("occurrences", INT, "How many profiles listed it.", True),
        col("suggestions", STR, "Top-3 candidate skills as `skill_id:score` separated by `; `."),
    ),
)

# Taxonomy tables, loaded into the warehouse each run from data/taxonomy/.
TAXONOMY_UNITS = Contract(
    name="taxonomy_units",
    stage="normalise",
    description=(
        "Reporting units: every canonical skill (kind `skill`) and every group (kind `group` for report groups "
        "such as 'TensorFlow or PyTorch', `gap_cluster` for skills-gap clusters)."
    ),
    primary_key=("unit_id",),
    columns=(
        col("unit_id", STR, "Skill id, or group id.", True),
        col("unit_kind", STR, "skill, group or gap_cluster.", True),
        col("name", STR, "Display name.", True),
        col("category", STR, "technical, soft or domain.", True),
        col("hidden_by_group", STR, "For a skill reported through a report group: that group's id."),
        col("taxonomy_version", STR, "Taxonomy version.", True),
    ),
    allowed_values={"unit_kind": ("skill", "group", "gap_cluster"), "category": ("technical", "soft", "domain")},
)

UNIT_MEMBERS = Contract(
    name="unit_members",
    stage="normalise",
    description="Canonical skills of each reporting unit; a skill unit has itself as its only member.",
    primary_key=("unit_id", "skill_id"),
    columns=(
        col("unit_id", STR, "Unit id.", True),
        col("skill_id", STR, "Member skill id.", True),
    ),
)

ROLES = Contract(
    name="roles",
    stage="normalise",
    description="Roles the pipeline reports on.",
    primary_key=("role_id",),
    columns=(
        col("role_id", STR, "Role slug id, e.g. `machine-learning-engineer`.", True),
        col("name", STR, "Display name.", True),
        col("seniority", STR, "Seniority of the role itself.", True),
    ),
)

ROLE_ADJACENCY = Contract(
    name="role_adjacency",
    stage="normalise",
    description="Adjacent roles to compare each role with, in display order.",
    primary_key=("role_id", "adjacent_role_id"),
    columns=(
        col("role_id", STR, "Role.", True),
        col("adjacent_role_id", STR, "Adjacent role.", True),
        col("position", INT, "Display order.", True),
    ),
)

CONTRACTS = (
    POSTING_ROLES, POSTING_SKILLS, PROFILES_NORMALISED, PROFILE_SKILLS, PROFILE_JOBS, SKILL_REVIEW,
    TAXONOMY_UNITS, UNIT_MEMBERS, ROLES, ROLE_ADJACENCY,
)

