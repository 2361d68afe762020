"""How text becomes words: one analysis for the catalog and for what a shopper types.

Both sides are normalised to Unicode NFKC first (so an accent typed as a combining mark
is the same character as the precomposed one), then tantivy's analyzers split words on
Unicode letters and digits, lower-case them and fold accents; the stemmed analyzer adds
the Snowball English stemmer, so "batteries" and "battery" meet at "batteri".
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tantivy

# The analyzers' names, as the index's schema refers to them.
PLAIN = "catalog_plain"
STEMMED = "catalog_stemmed"
# The longest query a shopper may send, in characters and in words.
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 10


def normalised(text: str) -> str:
    """The text in Unicode NFKC: one encoding of each character, whatever was typed."""
    return unicodedata.normalize("NFKC", text)


@cache
def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """The two analyzers by name, built once (register them on every index opened)."""
    import tantivy

    def build(stem: bool) -> tantivy.TextAnalyzer:
        builder = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(100))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
        )
        if stem:
            builder = builder.filter(tantivy.Filter.stemmer("english"))
        return builder.build()

    return {PLAIN: build(stem=False), STEMMED: build(stem=True)}


def words(text: str) -> list[str]:
    """The words of `text` as the index holds them unstemmed: "Café-Mugs" -> cafe, mugs."""
    return list(analyzers()[PLAIN].analyze(normalised(text)))


def stem(word: str) -> str:
    """The stem of one analysed word: "boxes" -> "box"."""
    stems = analyzers()[STEMMED].analyze(word)
    return str(stems[0]) if stems else word


def allowed_edits(word: str) -> int:
    """The typos a query word may carry: none under 4 characters, 1 up to 7, then 2."""
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0
