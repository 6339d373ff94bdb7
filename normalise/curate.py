"""Maintainer tool: propose taxonomy breadth from ESCO, O*NET, Stack Overflow and skills_dim (curated, not dumped).

Run `python -m normalise.curate [--write]` from the repository root with ../shared/data present. Hand-written rows
in skills.tsv are kept as they are (ids, names, groups); the tool only fills their ESCO/O*NET crosswalk, adds
aliases that pass the filters, and appends new skills. Filters: sensible names (short, not generic category words),
single-word surfaces must look like product names and not be common English words, no surface may collide with
another skill's, and a surface seen in SkillSpan *train* sentences must mostly sit inside an annotated span.
"""
from __future__ import annotations

import csv
import json
import logging
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from normalise.text import stripped_key, surface_key

log = logging.getLogger(__name__)

VENDORS = (
    "microsoft", "oracle", "ibm", "adobe", "google", "amazon", "apache", "sap", "autodesk", "the mathworks",
    "atlassian", "salesforce", "intuit", "apple", "red hat", "cisco", "vmware", "hewlett packard", "hp",
    "dassault systemes", "bentley", "esri", "corel", "sage", "epic systems", "meditech", "facebook", "mongodb",
    "elastic", "hashicorp", "jetbrains", "github", "gitlab", "tableau", "qlik", "teradata", "informatica",
    "alteryx", "sas", "minitab", "ibm spss", "unity technologies", "epic games", "trimble", "siemens", "ptc",
)
# Single words that are product names but also everyday English: never a surface without a context rule.
COMMON_WORDS = frozenset("""
aurora nova neptune atlas titan apollo orion phoenix sierra delta echo
access word outlook teams project box slack chef puppet salt spark go swift rust ruby excel dynamics sage oracle
ant bamboo express react angular ember backbone meteor alpine mercury eclipse atom sublime paint photos maps
sheets docs drive forms keep one note live edge safari opera windows office server studio cloud compass sketch
zoom hive pig storm flume kite ray dash shiny bash shell prism crystal lotus notes gem rails spring flask bottle
pyramid tornado twisted celery prefect snowflake looker mode segment amplitude heap insight insights pandas
torch fast lightning flux elixir scheme basic logo scratch dart ionic unity maya nuke cinema fusion premiere
audition animate illustrator reader bridge connect portfolio tracker monday notion coda quip citrix workspace
horizon backup exec sync mega helix vault harvest synergy dimensions integrity doors caliber travis circle drone
argo buddy semaphore octopus harness make pip yarn grunt gulp parcel rollup vite data design development testing
analysis management security support operations planning research process analytics engineering marketing sales
finance accounting reporting architecture integration quality programming scripting networking hardware software
systems communication leadership teamwork python java visual chrome firefox apex mobile web graph graphs canvas
blackboard paradox maple wave compose pages numbers keynote keynotes stream flow flows beam airflow luigi debt
map reduce solver""".split())
GENERIC_SUFFIXES = (" software", " programs", " program", " tools", " tool")


@dataclass
class Row:
    skill_id: str
    name: str
    category: str
    aliases: list[str] = field(default_factory=list)
    esco_uri: str = ""
    onet: str = ""
    context: str = ""
    hand_written: bool = False


def slug(name: str) -> str:
    """Return a skill id for a display name."""
    text = name.lower().replace("c++", "cpp").replace("c#", "c_sharp").replace(".net", "dotnet").replace("+", "plus")
    text = text.replace("#", "sharp")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def looks_like_product(surface: str) -> bool:
    """Return whether a surface can stand alone: multi-word, or a capitalised/symbolic single word not in COMMON_WORDS."""
    key = surface_key(surface)
    if not key or len(key) < 2:
        return False
    if " " in key:
        return len(key) >= 5
    if key in COMMON_WORDS or len(key) < 3:
        return False
    return any(ch.isupper() or ch.isdigit() or ch in "+#." for ch in surface[1:]) or surface[:1].isupper()


def read_rows(file: Path) -> list[Row]:
    """Return the rows of an existing skills.tsv, marked hand-written."""
    with file.open(encoding="utf-8", newline="") as handle:
        return [
            Row(r["skill_id"], r["name"], r["category"], [a for a in r["aliases"].split("|") if a], r["esco_uri"] or "",
                r["onet"] or "", r["context"] or "", hand_written=True)
            for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def write_rows(rows: list[Row], file: Path) -> None:
    """Write rows as skills.tsv."""
    with file.open("w", encoding="utf-8", newline="") as handle:
        handle.write("skill_id\tname\tcategory\taliases\tesco_uri\tonet\tcontext\n")
        for r in rows:
            cells = [r.skill_id, r.name, r.category, "|".join(dict.fromkeys(r.aliases)), r.esco_uri, r.onet, r.context]
            handle.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")


class Builder:
    """Accumulates curated rows while keeping every surface key owned by exactly one skill."""

    def __init__(self, rows: list[Row]):
        self.rows = {r.skill_id: r for r in rows}
        self.owner: dict[str, str] = {}
        for r in rows:
            for s in (r.name, *r.aliases):
                self.owner.setdefault(surface_key(s), r.skill_id)

    def find(self, *surfaces: str) -> str | None:
        """Return the skill owning any of the surfaces' keys (plain or without brackets/versions)."""
        for s in surfaces:
            for key in (surface_key(s), stripped_key(s)):
                if key in self.owner:
                    return self.owner[key]
        return None

    def add_alias(self, skill_id: str, alias: str) -> None:
        """Give a skill an alias when its key is free and it can stand alone."""
        key = surface_key(alias)
        if key in self.owner or not looks_like_product(alias) or len(key) > 60:
            return
        self.rows[skill_id].aliases.append(alias)
        self.owner[key] = skill_id

    def add_skill(self, name: str, category: str, esco_uri: str = "", onet: str = "") -> str | None:
        """Add a new skill unless its name is taken or cannot stand alone; return its id."""
        key = surface_key(name)
        skill_id = slug(name)
        if not skill_id or key in self.owner or skill_id in self.rows or not looks_like_product(name):
            return None
        self.rows[skill_id] = Row(skill_id, name, category, [], esco_uri, onet)
        self.owner[key] = skill_id
        return skill_id


def esco_rows(folder: Path, file: str) -> list[dict]:
    """Return the rows of one ESCO collection CSV."""
    with (folder / file).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def esco_name(label: str) -> str:
    """Return a display name from an ESCO label ("Java (computer programming)" -> "Java")."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", label).strip()


def add_esco(builder: Builder, root: Path) -> None:
    """Add ESCO digital (technical) and transversal (soft) skills with short labels, and their altLabels."""
    folder = root / "taxonomy-sources" / "esco"
    for file, category in (("digitalSkillsCollection_en.csv", "technical"), ("transversalSkillsCollection_en.csv", "soft")):
        for row in esco_rows(folder, file):
            name = esco_name(row["preferredLabel"])
            alt = [a.strip() for a in re.split(r"\n|\|", row.get("altLabels") or "") if a.strip()]
            if len(name.split()) > 4 or (category == "technical" and row["skillType"] != "knowledge" and len(name.split()) > 2):
                continue  # long labels and digital verb phrases ("use ICT systems") are not how ads name skills
            skill_id = builder.find(name, row["preferredLabel"], *alt[:3])
            if skill_id is None:
                skill_id = builder.add_skill(name, category, esco_uri=row["conceptUri"])
            elif not builder.rows[skill_id].esco_uri:
                builder.rows[skill_id].esco_uri = row["conceptUri"]
            if skill_id is None:
                continue
            for a in alt:
                if len(a.split()) <= 4 and related_label(a, builder.rows[skill_id].name):
                    builder.add_alias(skill_id, esco_name(a))


def related_label(alias: str, name: str) -> bool:
    """Return whether an ESCO altLabel is a variant of the name (shares a content word, or is its initialism)."""
    name_words = {w for w in surface_key(name).split() if len(w) >= 3}
    alias_words = {w for w in surface_key(alias).split() if len(w) >= 3}
    if name_words & alias_words:
        return True
    initials = "".join(w[0] for w in surface_key(name).split())
    return alias.isupper() and surface_key(alias) == initials


def onet_name(example: str) -> tuple[str, list[str]]:
    """Return (display name, extra surfaces) of an O*NET example ("Microsoft Excel" -> ("Microsoft Excel", ["Excel"]))."""
    name = example
    for suffix in GENERIC_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)].strip()
    extra = []
    lower = name.lower()
    for vendor in VENDORS:
        if lower.startswith(vendor + " ") and len(name) > len(vendor) + 2:
            extra.append(name[len(vendor) + 1 :])
            break
    acronym = re.search(r"\s([A-Z][A-Z0-9]{1,6})$", name)
    initials = "".join(w[0] for w in name[: acronym.start()].split()).upper() if acronym else ""
    if acronym and initials.endswith(acronym.group(1)):
        # "Incident command system ICS" is named without its initialism, which becomes an alias.
        extra.append(acronym.group(1))
        name = name[: acronym.start()].strip()
        extra = [e[: -len(acronym.group(1))].strip() if e.endswith(acronym.group(1)) and e != acronym.group(1) else e for e in extra]
    return name, [e for e in extra if e]


def add_onet(builder: Builder, root: Path, min_occupations: int = 5) -> None:
    """Add O*NET technology examples used by several occupations (product names) and fill the crosswalk."""
    file = root / "taxonomy-sources" / "onet" / "Technology_Skills.txt"
    counts: dict[str, set[str]] = defaultdict(set)
    hot: set[str] = set()
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            counts[row["Example"]].add(row["O*NET-SOC Code"])
            if row["Hot Technology"] == "Y":
                hot.add(row["Example"])
    for example, codes in sorted(counts.items()):
        if len(codes) < min_occupations and example not in hot:
            continue
        name, extra = onet_name(example)
        if not re.search(r"[A-Z0-9]", name[1:]) and " " in name:
            continue  # a generic category ("Web browser software"), not a product
        skill_id = builder.find(name, *extra)
        if skill_id is None:
            skill_id = builder.add_skill(name, "technical", onet=example)
        elif not builder.rows[skill_id].onet:
            builder.rows[skill_id].onet = example
        if skill_id is None:
            continue
        builder.add_alias(skill_id, name)
        for surface in extra:
            if " " in surface.strip() or surface.isupper():
                builder.add_alias(skill_id, surface)


def add_skills_dim(builder: Builder, root: Path) -> None:
    """Add data-job skills from skills_dim_data_jobs.csv (all technical)."""
    with (root / "taxonomy-sources" / "skills_dim_data_jobs.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["skills"].strip()
            if builder.find(name) is None and len(name) >= 3:
                builder.add_skill(name if any(c.isupper() for c in name) else name[:1].upper() + name[1:], "technical")


def add_stackoverflow_aliases(builder: Builder, root: Path) -> None:
    """Add Stack Overflow tag synonyms (source tag -> target tag) as aliases of the skill owning the target."""
    with (root / "taxonomy-sources" / "stackoverflow" / "TagSynonyms.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            target = row["TargetTagName"].replace("-", " ")
            source = row["SourceTagName"]
            skill_id = builder.owner.get(surface_key(target))
            if skill_id is None or re.search(r"\d", source) or len(source) < 4 or source in COMMON_WORDS:
                continue
            builder.add_alias(skill_id, source.replace("-", " ") if "-" in source else source)


def surface_precision(rows: list[Row], root: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """Return (skill_id, surface key) -> (mentions, mentions inside a gold span) on SkillSpan train."""
    import tempfile

    from normalise.evaluate import skillspan_sentences, token_spans
    from normalise.skills import ExtractorSettings, SkillExtractor
    from normalise.taxonomy import load_taxonomy

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_rows(rows, folder / "skills.tsv")
        here = Path(__file__).resolve().parent.parent / "data" / "taxonomy"
        for name in ("groups.yaml", "roles.yaml"):
            (folder / name).write_text((here / name).read_text())
        extractor = SkillExtractor(load_taxonomy(folder), ExtractorSettings(mask_role_titles=False))
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for sentence in skillspan_sentences(root / "gold" / "skillspan" / "train.json"):
        text = " ".join(sentence.tokens)
        for mention in extractor.extract(text):
            (span,) = token_spans(sentence.tokens, [(mention.start, mention.end)]) or {(-1, -1)}
            inside = any(span[0] < g[1] and g[0] < span[1] for g in sentence.spans)
            entry = stats[(mention.skill_id, surface_key(mention.surface))]
            entry[0] += 1
            entry[1] += inside
    return {k: (v[0], v[1]) for k, v in stats.items()}


def pruned(rows: list[Row], stats: dict[tuple[str, str], tuple[int, int]], min_seen: int = 3,
           min_precision: float = 0.4) -> list[Row]:
    """Return rows without the generated surfaces that SkillSpan train shows are mostly not skills."""
    bad = {k for k, (n, inside) in stats.items() if n >= min_seen and inside / n < min_precision}
    out = []
    for r in rows:
        if r.hand_written:
            out.append(r)
            continue
        if (r.skill_id, surface_key(r.name)) in bad:
            continue
        r.aliases = [a for a in r.aliases if (r.skill_id, surface_key(a)) not in bad]
        out.append(r)
    return out


def curated_rows(skills_file: Path, root: Path) -> list[Row]:
    """Return the hand-written rows plus curated additions from the sources under `root`."""
    builder = Builder(read_rows(skills_file))
    add_esco(builder, root)
    add_onet(builder, root)
    add_skills_dim(builder, root)
    add_stackoverflow_aliases(builder, root)
    rows = list(builder.rows.values())
    return pruned(rows, surface_precision(rows, root))


def main(argv: list[str]) -> int:
    """Print a summary of the proposal; with --write, replace data/taxonomy/skills.tsv."""
    from normalise.evaluate import data_root

    logging.basicConfig(level=logging.INFO)
    root = data_root()
    skills_file = Path(__file__).resolve().parent.parent / "data" / "taxonomy" / "skills.tsv"
    rows = curated_rows(skills_file, root)
    log.info("%d skills (%d technical)", len(rows), sum(r.category == "technical" for r in rows))
    if "--write" in argv:
        write_rows(rows, skills_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
