"""Location parsing: free-text place → ONS ITL1 region, `is_london` and work mode.

Rules (folded into docs/methodology.md):

- The text is split into segments at commas, dashes, slashes, bars and brackets ("Hybrid - Leeds",
  "Bromley, South East London", "Remote (UK)"); each segment is lower-cased and looked up as whole words,
  longest phrase first, in one dictionary of a few hundred UK places: ITL1 region names and their common variants
  ("South East England", "Eastern England"), London districts and boroughs ("Canary Wharf", "Shoreditch", "Soho",
  "City of London"), counties, and cities and towns. Postcodes and outward codes ("EC2A 4NE", "E14", "SW1", "LS1")
  map through their postcode area (each area to the region most of it lies in).
- The first segment that names a place decides the region (the most specific part comes first in "Town, County");
  a few town names that exist in several regions (Richmond, Newport, Wick, …) give way to any other segment.
- Greater London districts win over their historic counties ("Bexley, Kent", "Kingston, Surrey" → London).
- "UK", "England", "Nationwide", "Channel Isles" and unrecognised text give region `unknown`; unknown rows are
  counted, never guessed.
- Work mode: "remote"/"work from home"/"home based" → remote; "hybrid" → hybrid; "on-site"/"office based" →
  onsite; otherwise unknown (a plain place name does not say where the work is done).
  `work_mode_from_text` reads the same cues from ad text with stricter phrases ("fully remote", "hybrid working").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.text import cue_search

UNKNOWN = "unknown"
NE, NW, YH = "North East", "North West", "Yorkshire and The Humber"
EM, WM, EE = "East Midlands", "West Midlands", "East of England"
LDN, SE, SW = "London", "South East", "South West"
WAL, SCO, NIR = "Wales", "Scotland", "Northern Ireland"


@dataclass(frozen=True)
class Location:
    """Where a posting is: ITL1 region (or `unknown`), whether it is in Greater London, and the work mode."""

    region: str
    is_london: bool
    work_mode: str


_PLACES_BY_REGION = {
    LDN: """
        london; greater london; central london; city of london; the city; city; east london; west london;
        north london; south london; south east london; south west london; north west london; north east london;
        docklands; canary wharf; shoreditch; soho; covent garden; mayfair; holborn; farringdon; clerkenwell;
        old street; liverpool street; moorgate; bank; aldgate; broadgate; barbican; st lukes; st pauls;
        southwark; london bridge; waterloo; lambeth; vauxhall; battersea; nine elms; kings cross; king's cross;
        st pancras; euston; camden; islington; angel; hackney; dalston; bethnal green; whitechapel; stratford;
        tower hill; tower hamlets; wapping; westminster; victoria; pimlico; st james's; st james; marylebone;
        paddington; fitzrovia; bloomsbury; oxford circus; piccadilly; kensington; chelsea; fulham; hammersmith;
        white city; shepherds bush; chiswick; ealing; acton; brentford; hounslow; heathrow; uxbridge; hillingdon;
        harrow; wembley; brent; barnet; finchley; enfield; haringey; tottenham; wood green; walthamstow;
        waltham forest; leyton; lea bridge; ilford; redbridge; romford; havering; barking; dagenham; newham;
        east ham; greenwich; woolwich; lewisham; deptford; bromley; croydon; sutton; kingston; kingston upon thames;
        richmond; richmond upon thames; twickenham; teddington; wimbledon; merton; wandsworth; clapham; brixton;
        kennington; bexley; bexleyheath; sidcup; west wickham; orpington; isleworth; southall; hayes;
        elephant and castle; bermondsey; borough; blackfriars; temple; strand; aldwych; charing cross;
        knightsbridge; belgravia; notting hill; hoxton; spitalfields; old street roundabout; stanmore; edgware;
        hampstead; highgate; archway; holloway; crouch end; muswell hill; putney; tooting; streatham; peckham
    """,
    SE: """
        south east; south east england; southeast; the south east; home counties; thames valley;
        kent; surrey; east sussex; west sussex; sussex; hampshire; berkshire; west berkshire; buckinghamshire;
        oxfordshire; isle of wight; windsor and maidenhead; medway;
        brighton; brighton and hove; hove; reading; oxford; milton keynes; southampton; portsmouth; guildford;
        woking; crawley; maidstone; canterbury; tunbridge wells; royal tunbridge wells; sevenoaks; ashford;
        dartford; gravesend; chatham; rochester; gillingham; folkestone; dover; margate; ramsgate; basingstoke;
        winchester; farnborough; fleet; aldershot; havant; fareham; eastleigh; andover; newbury; bracknell;
        slough; maidenhead; windsor; wokingham; high wycombe; aylesbury; amersham; marlow; beaconsfield;
        banbury; bicester; abingdon; didcot; witney; wantage; henley; henley on thames; redhill; reigate;
        epsom; leatherhead; staines; staines upon thames; egham; weybridge; addlestone; esher; camberley;
        farnham; godalming; horsham; chichester; worthing; bognor regis; eastbourne; hastings; lewes; haywards heath;
        burgess hill; east grinstead; tonbridge; swanley; windlesham; chertsey; cobham; dorking; bletchley;
        harwell; culham; bagshot; sunbury; walton on thames; hersham; caterham; oxted; newport pagnell;
        sompting; lancing; shoreham; shoreham by sea; littlehampton; bexhill; hailsham; uckfield; crowborough
    """,
    EE: """
        east of england; eastern england; east anglia; the east;
        cambridgeshire; norfolk; suffolk; essex; hertfordshire; bedfordshire;
        cambridge; norwich; ipswich; peterborough; luton; bedford; chelmsford; colchester; southend;
        southend on sea; basildon; brentwood; harlow; stevenage; watford; st albans; hatfield; welwyn;
        welwyn garden city; hemel hempstead; hitchin; letchworth; hertford; bishops stortford; ware; royston;
        huntingdon; st neots; ely; cambourne; swavesey; great yarmouth; kings lynn; king's lynn; thetford;
        lowestoft; bury st edmunds; newmarket; felixstowe; sudbury; braintree; billericay; grays; thurrock;
        dunstable; leighton buzzard; biggleswade; rickmansworth; borehamwood; potters bar; bushey; tring;
        berkhamsted; harpenden; stansted; saffron walden; cheshunt; hoddesdon; cranfield
    """,
    SW: """
        south west; south west england; southwest; the south west;
        somerset; devon; cornwall; dorset; wiltshire; gloucestershire; bristol; bath and north east somerset;
        bath; exeter; plymouth; swindon; gloucester; cheltenham; taunton; bournemouth; poole; weymouth;
        dorchester; salisbury; chippenham; trowbridge; yeovil; bridgwater; wells; street; glastonbury; frome;
        somerton; wellington; langport; minehead; torquay; paignton; newton abbot; barnstaple; tiverton;
        cullompton; crediton; exmouth; truro; falmouth; st austell; newquay; penzance; bodmin; stroud;
        tewkesbury; cirencester; devizes; marlborough; corsham; melksham; westbury; warminster; weston super mare;
        clevedon; portishead; filton; bradley stoke; almondsbury; christchurch; wimborne; shaftesbury
    """,
    WM: """
        west midlands; the midlands; midlands;
        warwickshire; staffordshire; worcestershire; herefordshire; shropshire;
        birmingham; coventry; wolverhampton; solihull; dudley; walsall; west bromwich; sandwell; sutton coldfield;
        stoke; stoke on trent; newcastle under lyme; stafford; lichfield; tamworth; burton; burton upon trent;
        cannock; worcester; redditch; bromsgrove; kidderminster; malvern; hereford; shrewsbury; telford;
        warwick; leamington spa; royal leamington spa; kenilworth; rugby; nuneaton; stratford upon avon;
        alcester; oversley green; ludlow; oswestry; bridgnorth; halesowen; stourbridge
    """,
    EM: """
        east midlands;
        derbyshire; nottinghamshire; leicestershire; lincolnshire; northamptonshire; rutland;
        nottingham; derby; leicester; lincoln; northampton; kettering; corby; wellingborough; daventry;
        loughborough; hinckley; melton mowbray; waltham on the wolds; market harborough; coalville; chesterfield;
        alfreton; ilkeston; long eaton; belper; matlock; buxton; glossop; mansfield; newark; worksop; retford;
        beeston; grantham; boston; spalding; stamford; skegness; gainsborough; east midlands airport
    """,
    NW: """
        north west; north west england; northwest; the north west;
        greater manchester; lancashire; merseyside; cheshire; cumbria;
        manchester; salford; salford quays; media city; mediacityuk; stockport; oldham; rochdale; bolton; bury;
        wigan; trafford; altrincham; sale; cheadle; wilmslow; macclesfield; knutsford; liverpool; birkenhead;
        wirral; st helens; southport; bootle; warrington; widnes; runcorn; chester; crewe; northwich; ellesmere port;
        preston; blackpool; blackburn; burnley; lancaster; morecambe; chorley; leyland; ormskirk; skelmersdale;
        accrington; carlisle; kendal; barrow; barrow in furness; whitehaven; workington; penrith; ashton under lyne;
        tameside; stretford; didsbury; hyde
    """,
    NE: """
        north east; north east england; northeast; the north east;
        tyne and wear; northumberland; county durham; durham;
        newcastle; newcastle upon tyne; gateshead; sunderland; south shields; north shields; tynemouth;
        middlesbrough; stockton; stockton on tees; hartlepool; darlington; redcar; teesside; washington;
        cramlington; morpeth; hexham; blyth; ashington; consett; chester le street; bishop auckland; newton aycliffe
    """,
    YH: """
        yorkshire and the humber; yorkshire and humber; yorkshire and humberside; yorkshire; humberside;
        west yorkshire; south yorkshire; north yorkshire; east yorkshire; east riding of yorkshire; east riding;
        leeds; sheffield; bradford; york; hull; kingston upon hull; huddersfield; wakefield; halifax; doncaster;
        rotherham; barnsley; harrogate; scarborough; dewsbury; batley; keighley; pontefract; castleford;
        selby; beverley; grimsby; scunthorpe; ilkley; otley; skipton; ripon; northallerton; goole; brighouse;
        morley; pudsey; wetherby
    """,
    WAL: """
        wales; cymru; south wales; north wales; mid wales; west wales;
        cardiff; swansea; newport; newport wales; wrexham; bangor; aberystwyth; bridgend; barry; llanelli; neath;
        port talbot; merthyr tydfil; caerphilly; pontypridd; cwmbran; torfaen; carmarthen; pembroke; haverfordwest;
        llandudno; rhyl; mold; deeside; st asaph; abergavenny; monmouth; chepstow; brecon; st mellons;
        vale of glamorgan; rhondda; gwent; glamorgan; anglesey; gwynedd; powys; flintshire; denbighshire
    """,
    SCO: """
        scotland; alba;
        edinburgh; glasgow; aberdeen; dundee; inverness; stirling; perth; falkirk; livingston; dunfermline;
        kirkcaldy; paisley; east kilbride; hamilton; motherwell; ayr; kilmarnock; irvine; greenock; cumbernauld;
        coatbridge; airdrie; st andrews; dumfries; elgin; fort william; oban; peterhead; arbroath; musselburgh;
        dalkeith; bathgate; glenrothes; west lothian; east lothian; midlothian; lothian; lanarkshire;
        north lanarkshire; south lanarkshire; fife; aberdeenshire; highlands; highland; renfrewshire; ayrshire;
        scottish borders; borders; dumfries and galloway; perthshire; angus; moray; glasgow east investment park;
        wick; thurso; shetland; orkney; stornoway
    """,
    NIR: """
        northern ireland; ni; ulster;
        belfast; derry; londonderry; lisburn; newry; bangor ni; armagh; omagh; enniskillen; coleraine;
        ballymena; antrim; craigavon; portadown; lurgan; newtownabbey; carrickfergus; newtownards; holywood;
        county antrim; county down; county armagh; county tyrone; county fermanagh; county londonderry
    """,
}
# names that exist in more than one region: they give way to any other place named in the text
_AMBIGUOUS = frozenset({"richmond", "newport", "wick", "wellington", "street", "city", "bank", "borough",
                        "temple", "angel", "victoria", "hyde", "sale", "bury", "barry", "washington", "hamilton",
                        "perth", "boston", "bangor", "the city", "midlands", "the midlands", "hayes", "stratford"})
_NOT_A_REGION = frozenset({
    "uk", "u k", "united kingdom", "england", "great britain", "britain", "gb", "nationwide", "national",
    "various", "various locations", "multiple locations", "anywhere", "anywhere in the uk", "channel isles",
    "channel islands", "jersey", "guernsey", "isle of man", "europe", "emea", "worldwide", "international",
})

_POSTCODE_AREAS = {
    LDN: "E EC N NW SE SW W WC BR CR EN HA IG RM SM UB TW",
    SE: "BN CT GU HP ME MK OX PO RG RH SL SO TN DA KT",
    EE: "AL CB CM CO IP LU NR PE SG SS WD",
    SW: "BA BH BS DT EX GL PL SN SP TA TQ TR",
    WM: "B CV DY HR ST TF WR WS WV SY",
    EM: "DE LE LN NG NN",
    NW: "BB BL CA CH CW FY L LA M OL PR SK WA WN",
    NE: "DH DL NE SR TS",
    YH: "BD DN HD HG HU HX LS S WF YO",
    WAL: "CF LD LL NP SA",
    SCO: "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE",
    NIR: "BT",
}
# outward districts of shared areas that lie in Greater London (KT1-6, KT9 Kingston; DA5-8, DA14-18 Bexley)
_LONDON_DISTRICTS = frozenset({"KT1", "KT2", "KT3", "KT4", "KT5", "KT6", "KT9", "DA5", "DA6", "DA7", "DA8",
                               "DA14", "DA15", "DA16", "DA17", "DA18"})
_NOT_LONDON_DISTRICTS = {f"TW{n}": SE for n in (15, 16, 17, 18, 19, 20)} | {f"EN{n}": EE for n in range(6, 12)}


def _place_index() -> dict[str, str]:
    """Return normalised place name → region."""
    index: dict[str, str] = {}
    for region, names in _PLACES_BY_REGION.items():
        for name in names.split(";"):
            key = _normalised(name)
            if key:
                index.setdefault(key, region)
    return index


_WORD_CHARS = re.compile(r"[^a-z0-9' ]+")
_SEGMENT_SPLIT = re.compile(r"\s*(?:,|;|\||/|\(|\)|\[|\]|\s[-–—]\s|\s[-–—]|[-–—]\s|:)\s*")
_POSTCODE = re.compile(r"\b([A-Z]{1,2})([0-9][0-9A-Z]?)(?:\s*[0-9][A-Z]{2})?\b")
_REMOTE = ("remote", "work from home", "working from home", "home based", "home-based", "homebased", "wfh",
           "fully remote", "anywhere in the uk", "telecommute")
_HYBRID = ("hybrid", "flexible working", "part remote", "partially remote", "remote/office", "office/remote")
_ONSITE = ("on-site", "onsite", "on site", "office based", "office-based", "in office", "in-office", "fully office")


def _normalised(text: str) -> str:
    """Return lower-case words separated by single spaces ("St. Albans" → "st albans", "&" → "and")."""
    text = text.lower().replace("&", " and ").replace(".", "").replace("-", " ")
    return " ".join(_WORD_CHARS.sub(" ", text).split())


_PLACES = _place_index()
_MAX_WORDS = max(len(k.split()) for k in _PLACES)
_AREA_REGION = {area: region for region, areas in _POSTCODE_AREAS.items() for area in areas.split()}


def parse_location(text: str | None) -> Location:
    """Return the region, London flag and work mode of a free-text location ("Hybrid - Leeds", "EC2A", …)."""
    if text is None or not isinstance(text, str):
        return Location(UNKNOWN, False, UNKNOWN)
    return _parse_location(text.strip()[:300])


@lru_cache(maxsize=500_000)
def _parse_location(text: str) -> Location:
    """Return `parse_location` of a stripped text (cached: locations repeat a lot)."""
    lowered = text.lower()
    mode = work_mode_of(lowered)
    region = _region(text)
    return Location(region, region == LDN, mode)


def work_mode_of(lowered: str) -> str:
    """Return the work mode a short location text states (lower-cased input), or `unknown`."""
    if any(cue in lowered for cue in _HYBRID):
        return "hybrid"
    if any(cue in lowered for cue in _REMOTE):
        return "remote"
    if any(cue in lowered for cue in _ONSITE):
        return "onsite"
    return UNKNOWN


def _region(text: str) -> str:
    """Return the ITL1 region a location text names, or `unknown`."""
    found: list[tuple[str, bool]] = []
    for segment in _SEGMENT_SPLIT.split(text):
        hit = _segment_region(segment)
        if hit is not None:
            found.append(hit)
    if not found:
        return UNKNOWN
    if any(region == LDN and not ambiguous for region, ambiguous in found):
        return LDN
    for region, ambiguous in found:
        if not ambiguous:
            return region
    return found[0][0]


def _segment_region(segment: str) -> tuple[str, bool] | None:
    """Return (region, ambiguous) for the first place named in one segment, longest phrase first, or None."""
    words = _normalised(segment).split()
    if not words:
        return None
    for size in range(min(_MAX_WORDS, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i: i + size])
            if phrase in _PLACES:
                return _PLACES[phrase], phrase in _AMBIGUOUS
            if size == len(words) and phrase in _NOT_A_REGION:
                return None
    postcode = _postcode_region(segment)
    if postcode is not None:
        return postcode, False
    return None


def _postcode_region(segment: str) -> str | None:
    """Return the region of a postcode or outward code in `segment` ("EC2A 4NE", "LS1", "M1"), or None."""
    for match in _POSTCODE.finditer(segment.upper()):
        area, district = match.group(1), match.group(2)
        outward = area + district
        if outward in _LONDON_DISTRICTS:
            return LDN
        if outward in _NOT_LONDON_DISTRICTS:
            return _NOT_LONDON_DISTRICTS[outward]
        region = _AREA_REGION.get(area)
        if region is not None and (len(match.group(0)) > 2 or len(area) == 2 or district.isdigit()):
            return region
    return None


# matched against the lower-cased ad (without re.I, which is much slower) near their cue words below
_TEXT_REMOTE = re.compile(
    r"fully[\s-]remote|100% remote|remote[\s-](?:first|working|role|position|job|based|basis|contract|opportunity)|"
    r"work(?:ing)? (?:fully )?remotely|work(?:ing)? from home|home[\s-]based|remote \(uk\)|uk[\s-]remote|"
    r"remote within the uk|remote, uk|location: remote",
)
_TEXT_HYBRID = re.compile(
    r"hybrid(?:[\s-](?:working|role|position|model|pattern|basis|arrangement|set[\s-]?up|policy|schedule|"
    r"approach|work))|\bhybrid\s*[(:-]|location: hybrid|\d(?:-\d)? days? (?:a|per|each) week (?:in|on[\s-]site|at)|"
    r"\d days? in (?:the|our) office|(?:mix|blend) of (?:home|remote) and office",
)
_TEXT_ONSITE = re.compile(
    r"fully (?:office|on[\s-]?site)|office[\s-]based role|on[\s-]?site role|5 days (?:a|per) week in the office|"
    r"this role is (?:office|site)[\s-]based|location: on[\s-]?site",
)


# cue words: every match of the regex holds one of them (lower-case)
_HYBRID_CUES = ("hybrid", "week", "office")
_REMOTE_CUES = ("remote", "home")
_ONSITE_CUES = ("office", "site")
# phrases one of which the ad must also hold (kept from the first version, where they gated the regexes; every
# hybrid match holds one, so that gate is implied)
_REMOTE_GATE = ("remote", "from home", "home based", "home-based", "uk-remote")
_ONSITE_GATE = ("fully office", "fully on", "office based", "office-based", "site based", "site-based", "site role",
                "site: on", "in the office", "location: on")
# the work modes in the order they are tried: (pattern, its cue words, phrases one of which the ad must hold or None,
# the work mode it states)
TEXT_WORK_MODES = (
    (_TEXT_HYBRID, _HYBRID_CUES, None, "hybrid"),
    (_TEXT_REMOTE, _REMOTE_CUES, _REMOTE_GATE, "remote"),
    (_TEXT_ONSITE, _ONSITE_CUES, _ONSITE_GATE, "onsite"),
)


def work_mode_from_text(text: str | None, lowered: str | None = None) -> str:
    """Return the work mode an ad text states with explicit phrases ("fully remote", "hybrid working"), or unknown.

    `lowered` is `text.lower()` when the caller has it already.
    """
    if not text:
        return UNKNOWN
    lowered = text.lower() if lowered is None else lowered
    for pattern, cues, gate, mode in TEXT_WORK_MODES:
        if cue_search(pattern, lowered, cues) and (gate is None or any(phrase in lowered for phrase in gate)):
            return mode
    return UNKNOWN
