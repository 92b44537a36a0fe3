"""Suggesting new themes from what no theme matches yet: TF-IDF + NMF, deterministic.

Texts under "hindered" and negative free comments (VADER compound below the neutral
band) that mention no theme are clustered: what hinders is the council's agenda, and
praise or "thanks" would only crowd the suggestions. They are clustered (scikit-
learn's TfidfVectorizer of words and word pairs, then NMF with a fixed random_state), so
the same data always gives the same suggestions. Each suggestion has its top terms, the
phrases to accept it with, and three example texts (stored masked). At most SAMPLE texts
are clustered, taken evenly through the history: about 2 s on this machine.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from app.feedback.themes import STOPWORDS, comment_polarity
from app.models import FeedbackResponse, ThemeMention

SAMPLE = 20_000
MIN_TEXTS = 12
MAX_SUGGESTIONS = 6
TOP_TERMS = 6
EXAMPLES = 3
# Words that say nothing about a theme in survey answers.
SURVEY_WORDS = {"nothing", "n/a", "na", "none", "really", "got", "get", "one", "time", "still", "also", "even"}


@dataclass(frozen=True)
class Suggestion:
    name: str
    terms: tuple[str, ...]
    phrases: tuple[str, ...]
    texts: int
    examples: tuple[str, ...]


def unmatched_texts(*, session: Session, council_id: int) -> list[str]:
    """Hindered texts and negative comments of the council's responses that no theme matched (two queries)."""
    matched = set(
        session.exec(
            select(ThemeMention.response_id, ThemeMention.field)
            .join(FeedbackResponse, FeedbackResponse.id == ThemeMention.response_id)
            .where(FeedbackResponse.council_id == council_id)
        ).all()
    )
    texts = []
    for ident, hindered, comment, score in session.exec(
        select(
            FeedbackResponse.id, FeedbackResponse.hindered, FeedbackResponse.comment, FeedbackResponse.comment_sentiment
        )
        .where(FeedbackResponse.council_id == council_id)
        .order_by(FeedbackResponse.id)
    ):
        if hindered.strip() and (ident, "hindered") not in matched:
            texts.append(hindered.strip())
        if comment.strip() and comment_polarity(score) < 0 and (ident, "comment") not in matched:
            texts.append(comment.strip())
    return texts


def suggest_themes(texts: list[str], *, count: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Clusters of `texts` as suggested themes, largest first; none when there are too few texts."""
    if len(texts) > SAMPLE:
        step = len(texts) / SAMPLE
        texts = [texts[int(i * step)] for i in range(SAMPLE)]
    if len(texts) < MIN_TEXTS:
        return []
    # Imported here: scikit-learn takes seconds to import, and most requests never need it.
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words=sorted(STOPWORDS | SURVEY_WORDS | {"not", "no"}),
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",
        ngram_range=(1, 2),
        min_df=3,
        max_df=0.5,
        max_features=5000,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # too few words in common
        return []
    components = min(count, matrix.shape[1] - 1, max(1, len(texts) // MIN_TEXTS))
    if components < 1:
        return []
    model = NMF(n_components=components, init="nndsvd", random_state=0, max_iter=300)
    weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    owner = weights.argmax(axis=1)
    strength = weights.max(axis=1)
    suggestions = []
    for k in range(components):
        members = np.flatnonzero((owner == k) & (strength > 0))
        if len(members) < MIN_TEXTS // 2:
            continue
        top = [str(terms[i]) for i in np.argsort(model.components_[k])[::-1][:TOP_TERMS]]
        # Word pairs make the best phrases; single words only where no pair covers them.
        pairs = [t for t in top if " " in t]
        singles = [t for t in top if " " not in t and not any(t in p.split() for p in pairs)]
        phrases = tuple(dict.fromkeys(pairs[:3] + singles[: max(0, 3 - len(pairs[:3]))]))
        best = members[np.argsort(weights[members, k])[::-1]]
        examples = tuple(dict.fromkeys(texts[i] for i in best))[:EXAMPLES]
        name = (pairs[0] if pairs else " ".join(top[:2])).capitalize()
        suggestions.append(Suggestion(name, tuple(top), phrases, int(len(members)), examples))
    return sorted(suggestions, key=lambda s: (-s.texts, s.name))


def council_suggestions(*, session: Session, council_id: int) -> list[Suggestion]:
    """Suggested themes from the council's unmatched texts."""
    return suggest_themes(unmatched_texts(session=session, council_id=council_id))
