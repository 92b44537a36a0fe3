"""Finding the council's themes in what customers wrote: pure, vectorised, offline.

A theme is a list of phrases ("engineer came back without parts", "repeat visit"). A
phrase matches a text when every one of its words (short filler words aside) is in the
text, in any order, each word allowing for misspelling and endings:

- words are compared once per distinct word, not per text: the texts' vocabulary
  (a sparse text × word matrix) against the phrases'
  words with rapidfuzz's `cdist` (`fuzz.ratio`, all cores), plus a shared stem of four
  letters or more ("estimate" finds "estimated", "bill" finds "billing");
- then two sparse matrix products give text × phrase word counts, and a phrase matches
  where the count reaches its number of words. 100,000 responses take about a second.

numpy and scipy are imported on first use, not when the app starts.

Polarity comes from the question: under "hindered" a mention is negative, under "helped"
positive; a free comment takes the sign of its VADER compound score, with a neutral band.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Small words that carry no theme of their own; "not", "no" and "without" are kept:
# "without parts" is a theme, "parts" alone is not the same one.
_FILLER = """a an the and or of to in on at by for from with as is was were be been being am are it its this that
    these those my our your their me us we i you they he she him her them his hers so very too just
    had has have do did does would could should will can"""
STOPWORDS = frozenset(_FILLER.split())
WORD = re.compile(r"[^\W_]+")
NEUTRAL_BAND = 0.05
POLARITY_OF_FIELD = {"helped": 1, "hindered": -1}
MIN_STEM = 4


def words(text: str) -> list[str]:
    """The text's words, lower case, filler words left out."""
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS]


def word_cutoff(word: str) -> int:
    """How alike two words must be (rapidfuzz ratio, 0-100): short words exactly."""
    if len(word) <= 3:
        return 100
    return 86 if len(word) <= 5 else 80


def comment_polarity(compound: float | None) -> int:
    """The sign of a VADER compound score, 0 inside the neutral band (or without a score)."""
    if compound is None or abs(compound) < NEUTRAL_BAND:
        return 0
    return 1 if compound > 0 else -1


@dataclass(frozen=True)
class ThemeSpec:
    id: int
    phrases: tuple[str, ...]
    department_id: int | None = None
    journey_id: int | None = None


def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words(phrase)))


def _text_words(texts: list[str]):
    """text × word (1 where the text has the word) and the words, in one pass over the texts.

    A plain loop over a dict beats scikit-learn's CountVectorizer by about three times here:
    it skips the vectorizer's per-document analyser chain and frequency bookkeeping.
    """
    import numpy as np
    from scipy import sparse

    index: dict[str, int] = {}
    indptr, indices = [0], []
    find = WORD.findall
    for text in texts:
        ids = {index.setdefault(w, len(index)) for w in find(text.lower())}
        indices.extend(ids)
        indptr.append(len(indices))
    data = np.ones(len(indices), np.int32)
    matrix = sparse.csr_matrix(
        (data, np.array(indices, np.int64), np.array(indptr, np.int64)), (len(texts), len(index))
    )
    return matrix, list(index)


class Matcher:
    """A theme list compiled once, then matched against any number of texts."""

    def __init__(self, themes: Sequence[ThemeSpec]) -> None:
        import numpy as np
        from scipy import sparse

        self.themes = list(themes)
        phrases: list[tuple[int, tuple[str, ...]]] = []
        for index, theme in enumerate(self.themes):
            for phrase in theme.phrases:
                found = phrase_words(phrase)
                if found:
                    phrases.append((index, found))
        self.keywords = sorted({w for _, found in phrases for w in found})
        position = {w: i for i, w in enumerate(self.keywords)}
        rows, cols = [], []
        for p, (_, found) in enumerate(phrases):
            rows += [position[w] for w in found]
            cols += [p] * len(found)
        shape = (len(self.keywords), len(phrases))
        # keyword × phrase incidence, and each phrase's number of words
        self.phrase_incidence = sparse.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)), shape=shape)
        self.phrase_sizes = np.array([len(found) for _, found in phrases], np.int32)
        self.phrase_theme = sparse.csr_matrix(
            (np.ones(len(phrases), np.int32), ([p for p in range(len(phrases))], [t for t, _ in phrases])),
            shape=(len(phrases), len(self.themes)),
        )

    def _keyword_vocabulary(self, vocabulary: list[str]):
        """keyword × vocabulary word: 1 where the text's word counts as the keyword (a sparse matrix)."""
        import numpy as np
        from rapidfuzz import fuzz, process
        from scipy import sparse

        scores = process.cdist(self.keywords, vocabulary, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
        cutoffs = np.array([word_cutoff(k) for k in self.keywords], np.uint8)[:, None]
        hits = scores >= cutoffs
        index = {w: i for i, w in enumerate(vocabulary)}
        vocab = np.array(vocabulary, dtype=str)
        long_enough = np.fromiter((len(w) >= MIN_STEM for w in vocabulary), bool, len(vocabulary))
        for k, keyword in enumerate(self.keywords):
            if len(keyword) < MIN_STEM:
                continue
            # A longer form of the keyword ("estimate" → "estimated") …
            hits[k] |= long_enough & np.char.startswith(vocab, keyword)
            # … or a shorter one of at least four letters ("billing" → "bill"), never a
            # filler word: "with" is not "without".
            for end in range(MIN_STEM, len(keyword)):
                found = index.get(keyword[:end])
                if found is not None and keyword[:end] not in STOPWORDS:
                    hits[k, found] = True
        return sparse.csr_matrix(hits.astype(np.int32))

    def match(self, texts: Sequence[str]):
        """text × theme: 1 where the text mentions the theme (a sparse matrix, one row per text)."""
        import numpy as np
        from scipy import sparse

        n_texts, n_themes = len(texts), len(self.themes)
        empty = sparse.csr_matrix((n_texts, n_themes), dtype=np.int32)
        if not self.keywords or not n_texts:
            return empty
        # Each distinct text once: surveys repeat "nothing", "n/a" and stock phrases a lot.
        distinct = list(dict.fromkeys(t for t in texts if t))
        if not distinct:
            return empty
        text_words, vocabulary = _text_words(distinct)
        keyword_hits = text_words @ self._keyword_vocabulary(vocabulary).T
        keyword_hits.data[:] = 1
        counts = (keyword_hits @ self.phrase_incidence).tocsr()
        counts.data = (counts.data >= self.phrase_sizes[counts.indices]).astype(np.int32)
        counts.eliminate_zeros()
        found = (counts @ self.phrase_theme).tocsr()
        found.data[:] = 1
        row_of = {text: i for i, text in enumerate(distinct)}
        rows = np.array([row_of.get(t, -1) for t in texts], np.int64)
        present = rows >= 0
        picked = found[np.where(present, rows, 0)].tocsr()
        if not present.all():
            # Empty texts took row 0's themes above; give them none.
            picked = picked.multiply(present[:, None].astype(np.int32)).tocsr()
            picked.eliminate_zeros()
        return picked


@lru_cache(maxsize=1)
def _analyzer():
    # The lexicon ships inside the vaderSentiment package: nothing is downloaded.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float | None:
    """VADER's compound score of a comment, -1 to 1, rounded; None for no comment."""
    if not text.strip():
        return None
    return round(_analyzer().polarity_scores(text)["compound"], 4)
