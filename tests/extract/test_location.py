"""Tests of extract.location: free text → ITL1 region, London flag, work mode."""
from __future__ import annotations

import pandas as pd
import pytest

from extract.contracts import REGIONS
from extract.location import Location, parse_location, work_mode_from_text


@pytest.mark.parametrize(
    ("text", "region", "is_london", "work_mode"),
    [
        # London districts and the City
        ("Canary Wharf", "London", True, "unknown"),
        ("City of London", "London", True, "unknown"),
        ("Shoreditch, London", "London", True, "unknown"),
        ("Soho", "London", True, "unknown"),
        # Adzuna display names: "South East London" is London, not the South East region
        ("Bromley, South East London", "London", True, "unknown"),
        ("South East England, UK", "South East", False, "unknown"),
        # a London borough wins over its historic county
        ("Bexley, Kent", "London", True, "unknown"),
        ("Kingston upon Thames, Surrey", "London", True, "unknown"),
        # an ambiguous town gives way to the county named with it
        ("Richmond, North Yorkshire", "Yorkshire and The Humber", False, "unknown"),
        # London postcodes and outward codes
        ("EC2A 4NE", "London", True, "unknown"),
        ("E14", "London", True, "unknown"),
        ("SW1", "London", True, "unknown"),
        ("N1", "London", True, "unknown"),
        ("KT1", "London", True, "unknown"),  # Kingston part of a shared area
        ("TW18", "South East", False, "unknown"),  # Staines part of a shared area
        # outward codes elsewhere
        ("M1 1AA", "North West", False, "unknown"),
        ("LS1", "Yorkshire and The Humber", False, "unknown"),
        ("B1", "West Midlands", False, "unknown"),
        ("EH1", "Scotland", False, "unknown"),
        ("G2", "Scotland", False, "unknown"),
        ("CF10", "Wales", False, "unknown"),
        ("BT1", "Northern Ireland", False, "unknown"),
        ("BS1", "South West", False, "unknown"),
        ("CB2", "East of England", False, "unknown"),
        ("OX1", "South East", False, "unknown"),
        ("RG1", "South East", False, "unknown"),
        # towns, cities and counties
        ("Leeds, West Yorkshire", "Yorkshire and The Humber", False, "unknown"),
        ("Newcastle-upon-Tyne", "North East", False, "unknown"),
        ("St. Albans", "East of England", False, "unknown"),
        ("Taunton, Somerset", "South West", False, "unknown"),
        ("Alfreton, Derbyshire", "East Midlands", False, "unknown"),
        ("Livingston, West Lothian", "Scotland", False, "unknown"),
        ("Newport, Wales", "Wales", False, "unknown"),
        ("Londonderry, Derry", "Northern Ireland", False, "unknown"),
        # work modes
        ("Remote (UK)", "unknown", False, "remote"),
        ("Hybrid - Leeds", "Yorkshire and The Humber", False, "hybrid"),
        ("Manchester (Hybrid)", "North West", False, "hybrid"),
        ("Office based - Birmingham", "West Midlands", False, "onsite"),
        ("Work from home", "unknown", False, "remote"),
        # no region: the country, an island outside ITL1, unknown text, nothing
        ("UK", "unknown", False, "unknown"),
        ("Channel Isles, UK", "unknown", False, "unknown"),
        ("Somewhere nice", "unknown", False, "unknown"),
        ("", "unknown", False, "unknown"),
        (None, "unknown", False, "unknown"),
    ],
)
def test_parse_location(text, region, is_london, work_mode):
    assert parse_location(text) == Location(region, is_london, work_mode)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is a fully remote role", "remote"),  # explicit remote phrase
        ("Hybrid working, 2 days a week in the office", "hybrid"),  # explicit hybrid phrase
        ("3 days per week in our Leeds office", "hybrid"),  # office days per week
        ("We build hybrid cloud platforms", "unknown"),  # "hybrid" about technology
        ("Experience with remote sensing data", "unknown"),  # "remote" about technology
        ("This role is office based", "onsite"),  # explicit on-site phrase
        ("Location: Remote", "remote"),  # the phrase ends the text
        ("Working from home, London", "remote"),  # the phrase starts the text
        ("Hybrid: 2 days in office", "hybrid"),  # "hybrid" then a colon
        ("Hybrid", "unknown"),  # the word alone is no phrase
        ("3-4 days a week on-site", "hybrid"),  # a match that begins 13 characters before its cue "week"
        ("Fully office based", "onsite"),  # on-site phrase and its gate
        ("Remote sensing, fully office based", "onsite"),  # a remote cue word without a remote phrase
        ("Home\nbased", "unknown"),  # a remote match ("home\nbased") that holds none of the remote phrases
        ("Home\nbased, or an office based role", "onsite"),  # ... so the on-site phrase is tried next
        ("", "unknown"),  # nothing
    ],
)
def test_work_mode_from_text(text, expected):
    assert work_mode_from_text(text) == expected


def test_every_region_is_a_contract_region():
    from extract import location

    assert set(location._PLACES.values()) | {"unknown"} <= set(REGIONS)
    assert set(location._AREA_REGION.values()) <= set(REGIONS)


def test_real_adzuna_locations_resolve(shared_data):
    path = shared_data / "postings" / "adzuna_uk_datascience_2016.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    places = pd.read_csv(path, usecols=["location.display_name"])["location.display_name"]
    regions = places.map(lambda p: parse_location(p).region)
    national = places.isin(["UK", "Channel Isles, UK"])
    unknown = (regions == "unknown") & ~national
    print(f"\nAdzuna locations: {int((regions == 'unknown').sum())} of {len(places)} unknown "
          f"({int(national.sum())} say only 'UK'), {int(unknown.sum())} unresolved place names")
    assert unknown.sum() <= 0.01 * len(places)
    assert (regions[places == "The City, Central London"] == "London").all()
