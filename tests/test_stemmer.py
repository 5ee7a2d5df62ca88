"""Reference vectors for the stemmer, which must stem exactly as SQLite FTS5's porter
tokenizer does: the highlighter compares its stems to find the words a search matched."""

import importlib
import itertools
import re
import sqlite3

import pytest

from statements.search.stemmer import stem

# The tokenizer of the search index on SQLite.
TOKENIZE = re.search(
    r"tokenize='([^']+)'",
    "\n".join(
        importlib.import_module("statements.migrations.0004_statement_search").SQLITE_FORWARD
    ),
).group(1)

# (word, stem) as FTS5's "porter unicode61 remove_diacritics 0" tokenizer stems them.
VECTORS = [
    # Step 1a: plurals
    ("caresses", "caress"),
    ("ponies", "poni"),
    ("ties", "ti"),
    ("caress", "caress"),
    ("cats", "cat"),
    ("dogs", "dog"),
    ("gases", "gase"),
    ("glasses", "glass"),
    ("bias", "bia"),
    # Step 1b: -eed, -ed, -ing
    ("feed", "feed"),
    ("agreed", "agre"),
    ("plastered", "plaster"),
    ("bled", "bled"),
    ("motoring", "motor"),
    ("sing", "sing"),
    ("conflated", "conflat"),
    ("troubled", "troubl"),
    ("sized", "size"),
    ("hopping", "hop"),
    ("tanned", "tan"),
    ("falling", "fall"),
    ("hissing", "hiss"),
    ("fizzed", "fizz"),
    ("failing", "fail"),
    ("filing", "file"),
    ("needed", "need"),
    ("speeding", "speed"),
    # Step 1c: y
    ("happy", "happi"),
    ("sky", "sky"),
    ("cry", "cry"),
    ("enjoy", "enjoi"),
    ("fly", "fly"),
    ("study", "studi"),
    # Step 2
    ("relational", "relat"),
    ("conditional", "condit"),
    ("rational", "ration"),
    ("valenci", "valenc"),
    ("hesitanci", "hesit"),
    ("digitizer", "digit"),
    ("conformabli", "conform"),
    ("radicalli", "radic"),
    ("differentli", "differ"),
    ("vileli", "vile"),
    ("analogousli", "analog"),
    ("vietnamization", "vietnam"),
    ("predication", "predic"),
    ("operator", "oper"),
    ("feudalism", "feudal"),
    ("decisiveness", "decis"),
    ("hopefulness", "hope"),
    ("callousness", "callous"),
    ("formaliti", "formal"),
    ("sensitiviti", "sensit"),
    ("sensibiliti", "sensibl"),
    # Step 2 as in FTS5 (Porter's later version): bli, logi
    ("humbly", "humbl"),
    ("probably", "probabl"),
    ("visibly", "visibl"),
    ("apology", "apolog"),
    ("biology", "biologi"),
    ("terminology", "terminolog"),
    # Step 3
    ("generalizations", "gener"),
    ("nationalism", "nation"),
    ("organization", "organ"),
    ("happiness", "happi"),
    ("relativity", "rel"),
    ("triplicate", "triplic"),
    ("formative", "form"),
    ("formalize", "formal"),
    ("electriciti", "electr"),
    ("electrical", "electr"),
    ("hopeful", "hope"),
    ("goodness", "good"),
    # Step 4
    ("revival", "reviv"),
    ("allowance", "allow"),
    ("inference", "infer"),
    ("airliner", "airlin"),
    ("gyroscopic", "gyroscop"),
    ("adjustable", "adjust"),
    ("defensible", "defens"),
    ("irritant", "irrit"),
    ("replacement", "replac"),
    ("adjustment", "adjust"),
    ("dependent", "depend"),
    ("adoption", "adopt"),
    ("homologou", "homolog"),
    ("communism", "commun"),
    ("activate", "activ"),
    ("angulariti", "angular"),
    ("homologous", "homolog"),
    ("effective", "effect"),
    ("bowdlerize", "bowdler"),
    # Step 4: -ion only after s or t
    ("decision", "decis"),
    ("vision", "vision"),
    ("union", "union"),
    ("onion", "onion"),
    ("opinion", "opinion"),
    # Step 5a
    ("probate", "probat"),
    ("rate", "rate"),
    ("cease", "ceas"),
    ("hope", "hope"),
    # Step 5b
    ("controlling", "control"),
    ("rolling", "roll"),
    ("fall", "fall"),
    ("generally", "gener"),
    ("controllable", "control"),
    # Measure and the letter y
    ("trouble", "troubl"),
    ("troubles", "troubl"),
    ("toy", "toi"),
    ("toys", "toi"),
    ("boyish", "boyish"),
    ("syzygy", "syzygi"),
    ("yearly", "yearli"),
    ("yelling", "yell"),
    ("by", "by"),
    ("say", "sai"),
    # Words from the project
    ("immigration", "immigr"),
    ("immigrants", "immigr"),
    ("immigrant", "immigr"),
    ("sanctuary", "sanctuari"),
    ("sanctuaries", "sanctuari"),
    ("hiring", "hire"),
    ("hire", "hire"),
    ("communities", "commun"),
    ("community", "commun"),
    ("federal", "feder"),
    ("policies", "polici"),
    ("policy", "polici"),
    ("enforcement", "enforc"),
    ("statements", "statement"),
    ("candidates", "candid"),
    ("debates", "debat"),
    ("misguided", "misguid"),
    ("counterproductive", "counterproduct"),
    ("trust", "trust"),
    ("bonds", "bond"),
    ("program", "program"),
    ("universal", "univers"),
    ("healthcare", "healthcar"),
    ("elections", "elect"),
    ("democratic", "democrat"),
    # Quirks of FTS5
    ("eed", "e"),
    ("eeds", "e"),
    ("ies", "ie"),
    ("sses", "sse"),
    ("ayyed", "ai"),
    ("bayying", "bai"),
    # Short and long tokens
    ("a", "a"),
    ("at", "at"),
    ("is", "is"),
    ("as", "as"),
    ("us", "us"),
    ("its", "it"),
    ("the", "the"),
    ("was", "wa"),
    # Non-ASCII and digits
    ("cafés", "café"),
    ("naïvely", "naïv"),
    ("cañing", "cañ"),
    ("señores", "señor"),
    ("über", "über"),
    ("москвы", "москвы"),
    ("1990s", "1990"),
    ("2nd", "2nd"),
    ("covid19", "covid19"),
    ("mp3s", "mp3"),
    ("287", "287"),
    # FTS5 measures tokens in UTF-8 bytes: 64 are stemmed, 65 are not.
    ("a" * 61 + "ies", "a" * 61 + "i"),
    ("a" * 62 + "ies", "a" * 62 + "ies"),
    ("ca" + "é" * 29 + "ing", "ca" + "é" * 29),
    ("ca" + "é" * 30 + "ing", "ca" + "é" * 30 + "ing"),
    # FTS5 strips a byte of "\u1041" (e1 81 81) as if it were a double consonant.
    ("a\u1041ed", "a\udce1\udc81"),
]


@pytest.mark.parametrize(("word", "expected"), VECTORS)
def test_reference_vectors(word, expected):
    assert stem(word) == expected


def test_vectors_are_many_and_mostly_change_the_word():
    assert len(VECTORS) >= 150
    assert sum(word != expected for word, expected in VECTORS) >= 100


# Words for the check against FTS5 itself: stems that give the steps work to do, with
# suffixes from every step.
STEMS = """
    a y by bay ab at bl iz hop fil fail fizz hiss cr ca rel rat condit valen conform
    radic form sens relat gener electr agree feed plaster motor sing nat irrit analog
    activ sky toy cañ café 1990 a1
""".split()
SUFFIXES = """
    s ss sses ies es ied eed ed ing eing y ly ely bly ibly ally ently ously ational tional
    enci anci izer bli alli entli eli ousli ization ation ator alism iveness fulness ousness
    aliti iviti biliti logi logy icate ative alize iciti ical ful ness al ance ence er ic
    able ible ant ement ment ent sion tion ion ou ism ate iti ous ive ize e ll ating yed
""".split()


def _fts5_stems(words):
    """Each word's stem as FTS5 gives it, read back through fts5vocab."""
    connection = sqlite3.connect(":memory:")
    # A stem may end in half a character (see VECTORS): keep such bytes as they are.
    connection.text_factory = lambda data: data.decode("utf-8", "surrogateescape")
    try:
        connection.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{TOKENIZE}')")
    except sqlite3.OperationalError as error:
        pytest.skip(f"this SQLite has no FTS5 ({error})")
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    connection.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", enumerate(words, 1))
    terms = {}
    for term, row in connection.execute("SELECT term, doc FROM v"):
        terms.setdefault(row, []).append(term)
    connection.close()
    return {word: terms.get(row) for row, word in enumerate(words, 1)}


def test_stems_as_fts5_does():
    words = sorted(
        {word for word, _ in VECTORS} | {s + x for s, x in itertools.product(STEMS, SUFFIXES)}
    )
    expected = _fts5_stems(words)
    assert len(expected) >= 300
    assert all(terms and len(terms) == 1 for terms in expected.values())  # one token a word
    differ = {
        word: (terms[0], stem(word)) for word, terms in expected.items() if stem(word) != terms[0]
    }
    assert differ == {}, "FTS5's stem, then ours"
