"""Words for generate_statements, each list ordered from the most to the least used.

Drawn with Zipf's law (the word of rank r comes up in proportion to 1/r), as words are in
real speech: a handful come up in a large share of statements, most in a few in a
thousand, the last ones in a few in ten thousand. Search benchmarks rely on that spread.
No word may contain a tab, a newline or a backslash (they go into COPY rows unescaped).
"""

NOUNS = """
family economy country people state future job budget community worker school tax
price bill government law record promise vote district city child parent neighborhood
health voter business election deficit wage debt policy campaign program county mother
border house rent grocery check farmer veteran senior teacher nurse hospital doctor road
bridge highway water power grid energy oil fuel market company union factory plant mine
port trade tariff import export farm crop drought flood fire storm climate forest river
lake coast island town village suburb downtown street block church congregation pastor
sheriff officer court judge jury prison sentence crime victim gun permit license agency
office bureau department committee hearing report audit investigation scandal lobbyist
donor contribution loophole subsidy mandate regulation rule standard exemption waiver
deadline schedule calendar season summer winter spring autumn morning evening weekend
holiday anniversary century decade generation legacy history tradition heritage culture
language music sport stadium arena park trail beach harbor airport station terminal
railroad train bus subway bicycle truck tractor pipeline reservoir dam canal levee
aquifer wetland prairie canyon desert mountain valley orchard vineyard ranch cattle dairy
wheat corn soybean cotton tobacco timber lumber steel aluminum copper lithium battery
semiconductor microchip software broadband internet satellite rocket drone robot
algorithm database spreadsheet ledger receipt invoice payroll pension annuity mortgage
foreclosure eviction landlord tenant apartment shelter homelessness addiction overdose
fentanyl clinic pharmacy vaccine epidemic pandemic quarantine ventilator ambulance
paramedic firefighter lifeguard librarian janitor plumber electrician carpenter welder
mechanic trucker longshoreman fisherman lobsterman beekeeper shepherd blacksmith
cobbler tailor milliner glazier cooper wheelwright chandler farrier lamplighter
""".split()

ADJECTIVES = """
strong fair safe simple serious local clear real new better working honest broken
affordable public hard open basic bold smart wrong urgent steady modern rural urban
proven decent practical reckless dangerous expensive cheap bipartisan partisan
responsible accountable transparent independent fragile resilient sustainable renewable
generous stingy secret hidden massive tiny outdated obsolete innovative ambitious modest
humble careless thoughtful vigilant diligent frugal lavish wasteful efficient sluggish
nimble clumsy sturdy flimsy pristine polluted crumbling gleaming derelict bustling
sleepy forgotten overlooked neglected cherished beloved notorious infamous celebrated
unprecedented unconscionable indefensible unassailable irrefutable incontrovertible
""".split()

VERBS = """
fix protect fund cut build support defend lower raise expand reform pass stop change
secure repair invest restore create save improve strengthen guarantee reduce end keep
veto repeal replace audit review approve block delay challenge oppose sign enforce
modernize streamline overhaul dismantle rebuild revitalize safeguard bolster champion
scrutinize investigate subpoena prosecute pardon commute redistrict gerrymander
filibuster ratify codify privatize nationalize subsidize deregulate decentralize
""".split()

# {n}, {n2}, {n3}: nouns; {a}: an adjective; {v}, {v2}: verbs.
DETAILS = [
    "Our {n} needs a plan that is {a}, not another excuse.",
    "We will {v} the {n} and {v2} the {n2}.",
    "Ask anyone about the {n} and they will tell you it is {a}.",
    "The {n} in this state is {a}, and every {n2} feels it.",
    "I will {v} every {a} {n} on day one.",
    "Nobody should have to {v} the {n} alone.",
    "This is about the {n}, the {n2} and the {a} {n3} we were promised.",
    "My opponent wants to {v} the {n}; I want to {v2} it.",
    "The {a} {n} has cost our {n2} too much already.",
    "We need {a} answers on the {n} and the {n2}.",
]
PARAPHRASES = [
    "{p} would be a priority in the first year",
    "{p} would be a priority and the {n} was {a}",
    "the {n} was {a} and {p} deserved a vote",
    "voters would hear more about {p} and the {n} before the election",
    "they would {v} the {n} to pay for {p}",
]
PARTIALS = [
    "a {a} {n}",
    "the most {a} {n} in a generation",
    "{a}",
]
