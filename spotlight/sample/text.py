"""Wording of sample job ads and CVs: sentence templates, boilerplate, pay statements, places and names.

Every template, blurb and boilerplate string here is free of taxonomy skill names and aliases (checked by
tests/spotlight/sample/test_text.py), so the only skills an ad cites are the surfaces put into its slots.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# Requirement sentences by number of skill slots. Each carries only the surfaces put into it.
REQUIREMENT_TEMPLATES: tuple[tuple[str, ...], ...] = (
    (),
    (
        "Strong experience with {a}.",
        "Hands-on experience of {a} in a commercial setting.",
        "You will have worked with {a} before.",
        "Solid knowledge of {a}.",
        "Experience with {a} is highly desirable.",
        "Good working knowledge of {a}.",
        "A proven track record using {a}.",
        "Familiarity with {a} would be a plus.",
        "Confident with {a}.",
        "Practical, hands-on {a} experience.",
    ),
    (
        "You'll build and ship production services using {a} and {b}.",
        "Experience with {a} and {b}.",
        "Comfortable working with {a} alongside {b}.",
        "You will use {a} and {b} day to day.",
        "Exposure to {a} or {b} is a bonus.",
        "A strong background in {a} and {b}.",
    ),
    (
        "Our stack includes {a}, {b} and {c}.",
        "Day-to-day tools: {a}, {b}, {c}.",
        "You'll be working with {a}, {b} and {c}.",
        "Experience across {a}, {b} and {c}.",
    ),
)

REQUIREMENT_HEADINGS = ("What you'll need", "Requirements", "About you", "Key skills", "What we're looking for")
DUTY_HEADINGS = ("The role", "What you'll do", "Responsibilities", "About the role")

DUTIES = (
    "Own features from design through to release.",
    "Work closely with product managers, designers and fellow engineers.",
    "Improve the reliability and performance of the services you own.",
    "Help shape the roadmap and what gets built next.",
    "Turn ambiguous business problems into well-scoped pieces of work.",
    "Share knowledge through write-ups, demos and pairing.",
    "Take part in an on-call rota with sensible hours.",
    "Contribute to technical roadmaps and planning.",
)

INTRO_WITH_TITLE = (
    "We're looking for a {title} to join our {team} team.",
    "We are hiring a {title} to join the {team} team.",
    "An exciting opportunity has arisen for a {title} to join our {team} team.",
    "Join us as a {title} in our {team} team.",
)
INTRO_WITHOUT_TITLE = (
    "We're growing our {team} team and looking for someone to join us.",
    "This is an exciting opportunity to join our {team} team.",
    "We are hiring for this position in our {team} team.",
)
TEAMS = ("Platform", "Growth", "Payments", "Risk", "Personalisation", "Core Engineering", "Insights", "Pricing",
         "Fraud", "Customer", "Marketplace", "Research")

COMPANY_BLURBS = (
    "{company} is a fast-growing fintech helping small businesses get paid faster.",
    "{company} builds software that helps hospitals plan their operating theatres.",
    "{company} is a retailer with a loyal customer base and an ambitious digital team.",
    "At {company}, we help insurers price risk fairly and transparently.",
    "{company} is a consultancy delivering technology programmes for public and private sector clients.",
    "{company} runs one of the UK's largest online marketplaces for home services.",
    "{company} is a B2B software company trusted by thousands of customers across Europe.",
    "{company} is an energy company on a mission to make home heating greener.",
    "{company} is a specialist recruiter working with leading technology employers.",
    "{company} is a media group reaching millions of readers every month.",
)
DECOY_BLURBS = (
    "We are backed by £30m Series B funding from leading investors.",
    "We recently raised £12m to grow the team.",
    "Last year we closed a £45m funding round.",
)
DECOY_BENEFITS = (
    "£5,000 annual training budget",
    "£1,000 home-office allowance",
    "8% pension contribution",
    "£2,500 learning budget per year",
)
BENEFITS = (
    "25 days holiday plus bank holidays",
    "Private medical insurance",
    "Enhanced parental leave",
    "Cycle to work scheme",
    "Flexible working hours",
    "Annual learning budget",
    "Company pension scheme",
    "Regular team socials",
    "Employee assistance programme",
    "Share options",
)
ABOUT_US = (
    "We are a friendly, ambitious team that cares about doing things properly.",
    "We value curiosity, kindness and ownership.",
    "Our people are at the heart of everything we do.",
)
EQUAL_OPPORTUNITIES = (
    "We are an equal opportunities employer and welcome applications from all backgrounds.",
    "We are committed to building a diverse and inclusive team; please tell us about any reasonable adjustments you need.",
    "We welcome applicants regardless of age, race, gender, religion, disability or background.",
)
BOILERPLATE_HEADINGS = {"about": "About us", "benefits": "Benefits", "equal": "Equal opportunities"}

WORK_MODE_SENTENCES = {
    "hybrid": ("Hybrid working: 2 days a week in the office.", "This is a hybrid role with 3 days per week on site.",
               "Hybrid - at least one day a week in the office."),
    "onsite": ("This role is fully office-based.", "Office-based, five days a week.",
               "This position is on site full time."),
    "remote": ("Fully remote within the UK.", "This is a remote-first role open to candidates anywhere in the UK."),
}
CONTRACT_SENTENCES = {
    "contract": ("Initial 6-month contract.", "12-month contract with a likely extension.",
                 "Day rate contract, 3 months initially.", "6-month contract, Outside IR35.",
                 "Contract role, initial 6 months."),
    "permanent": ("Permanent, full-time.", "This is a permanent position.", "Permanent role, 37.5 hours per week."),
    "temporary": ("12-month fixed-term contract (FTC).", "This is a 9-month FTC covering parental leave.",
                  "Fixed-term contract for 12 months."),
}
NO_PAY_STATEMENTS = ("Competitive", "Negotiable", "DOE", "Competitive salary + benefits", "Salary: Competitive",
                     "Salary: Negotiable DOE")
SALARY_RANGE_FORMS = (
    "£{lo:,} - £{hi:,} per annum",
    "£{lo_k}k-£{hi_k}k",
    "Salary: £{lo:,} to £{hi:,} + benefits",
    "£{lo_k}k - £{hi_k}k + bonus",
    "Salary £{lo:,}\u2013£{hi:,} pa",
    "£{lo:,}-£{hi:,} per year + 10% bonus",
)
SALARY_SINGLE_FORMS = (
    "Salary: up to £{x_k}k + bonus",
    "from £{x:,}",
    "£{x:,} per annum",
    "Up to £{x:,} DOE",
    "£{x_k}K + benefits",
    "Salary: £{x:,}",
)
DAY_RANGE_FORMS = ("£{lo}-£{hi} pd Outside IR35", "£{lo} - £{hi} per day", "Rate: £{lo}-£{hi}/day",
                   "£{lo}-£{hi} per day (Inside IR35)")
DAY_SINGLE_FORMS = ("£{x} per day (Inside IR35)", "Up to £{x} per day", "£{x}/day Outside IR35", "£{x} a day")
HOURLY_FORMS = ("£{h} per hour", "£{h}ph Inside IR35", "£{h} p/h")
ABSURD_PAY = ("£1 per annum", "£9,999,999 per annum")

TITLE_SUFFIXES = (" - Fintech", " (Hybrid)", " - Remote", " | Remote UK", " - London", " - Healthtech", " - Scale-up",
                  " - Series B", " (Permanent)", " - Insurance", " - Retail")
CONTRACT_TITLE_SUFFIXES = (" - Contract", " - Outside IR35", " (6 month contract)")

COMPANY_FIRST = ("North", "Bright", "Quantock", "Helix", "Silver", "Oak", "Harbour", "Kestrel", "Meridian", "Lumen",
                 "Granite", "Willow", "Beacon", "Cobalt", "Tidal", "Aurora", "Fern", "Pennine", "Solent", "Thistle")
COMPANY_SECOND = ("wind", "lane", "field", "gate", "stone", "bridge", "point", "view", "brook", "works")
COMPANY_SUFFIX = (" Ltd", " Labs", " Group", " Technologies", " Health", " Bank", " Insurance", " Energy", " Digital",
                  " Recruitment")

FIRST_NAMES = ("Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Freya", "Emily", "Noah", "Oliver",
               "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Jack", "Theo", "Priya", "Aisha", "Wei",
               "Kwame", "Siobhan", "Rhys", "Callum", "Fatima", "Tomasz", "Chloe")
LAST_NAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
              "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Khan", "Murphy",
              "Clarke", "Hughes", "Edwards", "Singh", "Ali", "Campbell", "Kowalski", "Chen", "Okafor", "O'Neill")
CV_SUMMARIES = (
    "Engineer with a track record of delivering projects from idea to launch.",
    "Curious and pragmatic; I enjoy working on problems that matter to customers.",
    "Experienced professional who likes turning messy problems into working products.",
    "Team player who enjoys learning and sharing what I learn.",
    "Looking for my next challenge in a product-focused company.",
)
WORK_SUMMARIES = ("Delivered several projects for internal and external customers.",
                  "Worked in a small team shipping features every week.",
                  "Led a workstream across two departments.", "")


@dataclass(frozen=True)
class Place:
    """A way an ad states where the job is, with the truth behind it."""

    text: str                 # as written (Adzuna display_name, Reed locationName)
    area: tuple[str, ...]     # Adzuna location.area
    region: str               # ONS ITL1 name, or `unknown`
    is_london: bool
    city: str                 # for CVs and work-mode prefixes
    weight: float


def _places(region: str, adzuna_region: str, is_london: bool, city: str, forms: tuple[tuple[str, float], ...]
            ) -> tuple[Place, ...]:
    return tuple(
        Place(text, ("UK", adzuna_region, city) if city else ("UK", adzuna_region), region, is_london, city, w)
        for text, w in forms
    )


LONDON_PLACES: tuple[Place, ...] = (
    _places("London", "London", True, "London", (("London", 0.30), ("Central London", 0.08), ("London EC2A", 0.06),
                                                 ("EC2A 4NE", 0.04)))
    + _places("London", "London", True, "City of London", (("City of London", 0.12),))
    + _places("London", "London", True, "Canary Wharf", (("Canary Wharf, London", 0.10),))
    + _places("London", "London", True, "Shoreditch", (("Shoreditch, London", 0.10), ("Shoreditch, East London", 0.03)))
    + _places("London", "London", True, "Kings Cross", (("King's Cross, London", 0.06),))
    + _places("London", "London", True, "Hammersmith", (("Hammersmith, West London", 0.05),))
    + _places("London", "London", True, "Westminster", (("Westminster, London", 0.06),))
)
OTHER_PLACES: tuple[Place, ...] = (
    _places("North West", "North West England", False, "Manchester",
            (("Manchester", 0.08), ("Manchester, Greater Manchester", 0.04), ("M1 1AE", 0.02)))
    + _places("North West", "North West England", False, "Salford", (("Salford Quays, Manchester", 0.02),))
    + _places("North West", "North West England", False, "Liverpool", (("Liverpool, Merseyside", 0.02),))
    + _places("Yorkshire and The Humber", "Yorkshire And The Humber", False, "Leeds",
              (("Leeds, West Yorkshire", 0.04), ("Leeds", 0.03), ("LS1 4AP", 0.01)))
    + _places("Yorkshire and The Humber", "Yorkshire And The Humber", False, "Sheffield", (("Sheffield, South Yorkshire", 0.02),))
    + _places("Scotland", "Scotland", False, "Edinburgh", (("Edinburgh", 0.06), ("EH1 1YZ", 0.01)))
    + _places("Scotland", "Scotland", False, "Glasgow", (("Glasgow", 0.04),))
    + _places("South West", "South West England", False, "Bristol", (("Bristol", 0.06), ("BS1 4DJ", 0.01)))
    + _places("East of England", "Eastern England", False, "Cambridge", (("Cambridge", 0.05), ("Cambridge, Cambridgeshire", 0.02)))
    + _places("South East", "South East England", False, "Oxford", (("Oxford", 0.04),))
    + _places("South East", "South East England", False, "Reading", (("Reading, Berkshire", 0.05),))
    + _places("South East", "South East England", False, "Guildford", (("Guildford, Surrey", 0.02),))
    + _places("South East", "South East England", False, "Brighton", (("Brighton", 0.02),))
    + _places("South East", "South East England", False, "Milton Keynes", (("Milton Keynes, Buckinghamshire", 0.02),))
    + _places("West Midlands", "West Midlands", False, "Birmingham", (("Birmingham", 0.05), ("B1 1AA", 0.01)))
    + _places("East Midlands", "East Midlands", False, "Nottingham", (("Nottingham", 0.03),))
    + _places("East Midlands", "East Midlands", False, "Leicester", (("Leicester", 0.02),))
    + _places("North East", "North East England", False, "Newcastle upon Tyne", (("Newcastle upon Tyne", 0.03),))
    + _places("Wales", "Wales", False, "Cardiff", (("Cardiff", 0.03),))
    + _places("Northern Ireland", "Northern Ireland", False, "Belfast", (("Belfast", 0.03),))
)
REMOTE_PLACES: tuple[Place, ...] = (
    Place("Remote (UK)", ("UK",), "unknown", False, "", 0.45),
    Place("Remote", ("UK",), "unknown", False, "", 0.25),
    Place("UK Remote", ("UK",), "unknown", False, "", 0.15),
    Place("Work from home", ("UK",), "unknown", False, "", 0.15),
)


def company_names() -> tuple[str, ...]:
    """Return the fictional employer names ads and CVs use."""
    return tuple(f"{a}{b}{c}" for a in COMPANY_FIRST for b in COMPANY_SECOND for c in COMPANY_SUFFIX)


def all_fixed_strings() -> tuple[str, ...]:
    """Return every template, blurb and boilerplate string (slots left in), for the no-skill-surface check."""
    groups: list[tuple[str, ...]] = [t for t in REQUIREMENT_TEMPLATES]
    groups += [REQUIREMENT_HEADINGS, DUTY_HEADINGS, DUTIES, INTRO_WITH_TITLE, INTRO_WITHOUT_TITLE, TEAMS,
               COMPANY_BLURBS, DECOY_BLURBS, DECOY_BENEFITS, BENEFITS, ABOUT_US, EQUAL_OPPORTUNITIES,
               tuple(BOILERPLATE_HEADINGS.values()), NO_PAY_STATEMENTS, SALARY_RANGE_FORMS, SALARY_SINGLE_FORMS,
               DAY_RANGE_FORMS, DAY_SINGLE_FORMS, HOURLY_FORMS, ABSURD_PAY, TITLE_SUFFIXES, CONTRACT_TITLE_SUFFIXES,
               COMPANY_FIRST, COMPANY_SECOND, COMPANY_SUFFIX, FIRST_NAMES, LAST_NAMES, CV_SUMMARIES, WORK_SUMMARIES,
               tuple(p.text for p in LONDON_PLACES + OTHER_PLACES + REMOTE_PLACES)]
    groups += list(WORK_MODE_SENTENCES.values()) + list(CONTRACT_SENTENCES.values())
    return tuple(s for g in groups for s in g)


def salary_statement(form: int, lo: int, hi: int) -> str:
    """Return a salary statement in one of the UK forms for the range lo-hi (lo == hi: a single figure)."""
    if lo == hi:
        text = SALARY_SINGLE_FORMS[form % len(SALARY_SINGLE_FORMS)]
        if "x_k" in text and lo % 1000:
            text = "£{x:,} per annum"
        return text.format(x=lo, x_k=lo // 1000)
    text = SALARY_RANGE_FORMS[form % len(SALARY_RANGE_FORMS)]
    if "_k" in text and (lo % 1000 or hi % 1000):
        text = "£{lo:,} - £{hi:,} per annum"
    return text.format(lo=lo, hi=hi, lo_k=lo // 1000, hi_k=hi // 1000)


def day_rate_statement(form: int, lo: int, hi: int) -> str:
    """Return a contract day-rate statement for lo-hi GBP per day."""
    if lo == hi:
        return DAY_SINGLE_FORMS[form % len(DAY_SINGLE_FORMS)].format(x=lo)
    return DAY_RANGE_FORMS[form % len(DAY_RANGE_FORMS)].format(lo=lo, hi=hi)


def hourly_statement(form: int, hourly: int) -> str:
    """Return a contract hourly-rate statement."""
    return HOURLY_FORMS[form % len(HOURLY_FORMS)].format(h=hourly)


def requirement_sentence(form: int, surfaces: list[str]) -> str:
    """Return a requirement sentence carrying exactly `surfaces` (1-3 of them)."""
    options = REQUIREMENT_TEMPLATES[len(surfaces)]
    template = options[form % len(options)]
    if len(surfaces) == 1:
        return template.format(a=surfaces[0])
    if len(surfaces) == 2:
        return template.format(a=surfaces[0], b=surfaces[1])
    return template.format(a=surfaces[0], b=surfaces[1], c=surfaces[2])


class AdText(NamedTuple):
    """An ad as ordered blocks, so that duplicates can drop or reorder sentences before rendering."""

    intro: tuple[str, ...]          # company blurb, intro, work mode, contract cue (skill-free)
    duty_heading: str
    duties: tuple[str, ...]
    requirement_heading: str
    requirements: tuple[str, ...]   # sentences carrying skill surfaces
    pay_line: str                   # "" when the text states no pay
    about: tuple[str, ...]
    benefits: tuple[str, ...]
    equal: str


def plain_text(ad: AdText, bullet: str) -> str:
    """Return the ad as plain text with headed sections and bullet lines."""
    sep = "\n" + bullet
    parts = [" ".join(ad.intro), "\n\n", ad.duty_heading, sep, sep.join(ad.duties), "\n\n", ad.requirement_heading]
    if ad.requirements:
        parts += [sep, sep.join(ad.requirements)]
    if ad.pay_line:
        parts += ["\n\n", ad.pay_line]
    parts += ["\n\n", _ABOUT, "\n", " ".join(ad.about), "\n\n", _BENEFITS, sep, sep.join(ad.benefits),
              "\n\n", _EQUAL, "\n", ad.equal]
    return "".join(parts)


_ABOUT, _BENEFITS, _EQUAL = BOILERPLATE_HEADINGS["about"], BOILERPLATE_HEADINGS["benefits"], BOILERPLATE_HEADINGS["equal"]
_HEADING_TAGS = (("<p><strong>", "</strong></p>"), ("<h3>", "</h3>"))
_ITEM_TAGS = (("<ul><li>", "</li><li>", "</li></ul>", "<ul></ul>"), ("<p>- ", "<br>- ", "</p>", "<p></p>"))


def html_text(ad: AdText, style: int) -> str:
    """Return the ad as an HTML fragment (`<p>`, `<ul><li>`, `<br>`, entities), as Reed serves it."""
    h_open, h_close = _HEADING_TAGS[style % 2]
    i_open, i_sep, i_close, i_empty = _ITEM_TAGS[style % 3 == 2]
    h_mid = h_close + "\n"
    parts = ["<p>", " ".join(ad.intro), "</p>\n", h_open, ad.duty_heading, h_mid,
             i_open, i_sep.join(ad.duties), i_close, "\n", h_open, ad.requirement_heading, h_mid]
    parts += [i_open, i_sep.join(ad.requirements), i_close] if ad.requirements else [i_empty]
    if ad.pay_line:
        parts += ["\n<p>", ad.pay_line, "</p>"]
    parts += ["\n", h_open, _ABOUT, h_mid, "<p>", " ".join(ad.about), "</p>\n", h_open, _BENEFITS, h_mid,
              i_open, i_sep.join(ad.benefits), i_close, "\n", h_open, _EQUAL, h_mid, "<p>", ad.equal, "</p>"]
    return "".join(parts).replace("&", "&amp;")
