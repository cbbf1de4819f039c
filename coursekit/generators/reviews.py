"""Lesson 03 data: products and their customer reviews on an invented marketplace.

Larkspur Market (the invented shop of lesson 00) also hosts third-party sellers. These
two tables are synthetic. Their effects follow published findings on online reviews
(see the datasheets in ``datasets/README.md`` for each source); where no study gives a
number, the datasheet marks the number as a teaching assumption.

- ``reviews_products``: 500 products with the rating and review count a shopper saw on
  2024-12-31, and page views and purchases over the 30 days to that date. Conversion
  peaks at an average of about 4.0-4.7 stars and falls towards a perfect 5.0, and most
  of the lift from reviews comes with the first 5-10 reviews (Spiegel Research Center,
  2017).
- ``reviews_reviews``: every review of those products (2023-2024), with its stars, a
  short English text built from common complaint and praise themes, helpful votes, and
  whether, how fast and how (personal or canned) the seller answered. Low-star reviews
  collect more helpful votes (grounded in Chevalier & Mayzlin, 2006); once a seller
  starts answering, later ratings rise by about 0.12 stars and reviews arrive more often
  (Proserpio & Zervas, 2017), less so with canned answers (Ananthakrishnan, Proserpio &
  Sharma, 2019).

Both tables come from one simulation (``_simulate``), so a product's ``review_count``
and ``avg_stars`` are exactly the count and mean of its rows in ``reviews_reviews``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

SEED = 20240303
N_PRODUCTS = 600
START = pd.Timestamp("2023-01-01")
END = pd.Timestamp("2024-12-31")  # the snapshot day: "today" in the lesson
STYLES = ("none", "personal", "canned")

CATEGORIES = ("kitchen", "electronics", "home", "outdoor", "toys", "beauty")
CATEGORY_P = np.array([0.20, 0.20, 0.18, 0.14, 0.14, 0.14])
MEDIAN_PRICE = {"kitchen": 28, "electronics": 45, "home": 35, "outdoor": 55, "toys": 22, "beauty": 18}
NOUNS = {
    "kitchen": ("kettle", "chef's knife", "spice rack", "cutting board", "coffee grinder", "mixing bowls"),
    "electronics": ("USB-C charger", "wireless earbuds", "phone stand", "power bank", "webcam", "smart plug"),
    "home": ("desk lamp", "bath towels", "storage baskets", "wall clock", "bed sheets", "door mat"),
    "outdoor": ("hiking backpack", "camping lantern", "water filter", "folding chair", "rain jacket", "tent pegs"),
    "toys": ("puzzle set", "building blocks", "plush fox", "kite", "board game", "toy train"),
    "beauty": ("hair dryer", "face cream", "nail kit", "shampoo bar", "makeup brushes", "hand mirror"),
}
BRANDS = (
    "Alder",
    "Brightway",
    "Cobalt",
    "Dunmore",
    "Elmstead",
    "Fernhill",
    "Greyling",
    "Halcyon",
    "Juniper",
    "Kestrel",
)

# --- stars ------------------------------------------------------------------------------
# A review comes from a good experience or from a problem. Good experiences rate by the
# product's quality (between GOOD_LO and GOOD_HI); problems rate by their theme.
GOOD_LO = np.array([0.00, 0.02, 0.12, 0.44, 0.42])
GOOD_HI = np.array([0.00, 0.00, 0.02, 0.12, 0.86])
THEMES = (
    "damaged on arrival",
    "broke quickly",
    "late delivery",
    "not as described",
    "wrong size or fit",
    "missing parts",
    "poor seller support",
    "other",
)
# Share of problem reviews by theme (a teaching assumption: a few themes dominate).
THEME_P = np.array([0.25, 0.21, 0.17, 0.11, 0.08, 0.06, 0.05, 0.07])
PROBLEM_STARS = {
    "damaged on arrival": [0.58, 0.22, 0.12, 0.05, 0.03],
    "broke quickly": [0.66, 0.20, 0.09, 0.03, 0.02],
    "late delivery": [0.30, 0.30, 0.24, 0.11, 0.05],
    "not as described": [0.52, 0.26, 0.14, 0.06, 0.02],
    "wrong size or fit": [0.38, 0.30, 0.20, 0.09, 0.03],
    "missing parts": [0.45, 0.28, 0.17, 0.07, 0.03],
    "poor seller support": [0.60, 0.22, 0.12, 0.04, 0.02],
    "other": [0.50, 0.30, 0.16, 0.04, 0.00],
}

# --- texts ------------------------------------------------------------------------------
# Each complaint theme has phrasings whose key words the lesson's patterns find; some
# start with a capital letter, so a case-sensitive search misses them.
COMPLAINTS = {
    "damaged on arrival": (
        "Arrived damaged, the box was crushed.",
        "Damaged right out of the box.",
        "The corner was dented when it arrived.",
        "Damaged in transit and nobody checked it.",
        "Came scratched and dented.",
    ),
    "broke quickly": (
        "Broke after two weeks.",
        "It broke after a month of normal use.",
        "Fell apart after three uses.",
        "Worked for a week, then broke.",
        "Came apart within a week.",
    ),
    "late delivery": (
        "Arrived a week late.",
        "Late by ten days with no update.",
        "Delivery was delayed twice.",
        "Took three weeks to arrive.",
        "Delayed with no explanation.",
    ),
    "not as described": (
        "Not as described on the page.",
        "Looks nothing like the photo.",
        "The listing is misleading about the material.",
        "Colour is different from the picture.",
        "Misleading photos, the real thing looks cheap.",
    ),
    "wrong size or fit": (
        "Much too small for what it claims.",
        "Doesn't fit, the measurements are wrong.",
        "Way too big, had to send it back.",
        "Smaller than the listing suggests.",
        "It does not fit the standard size.",
    ),
    "missing parts": (
        "Missing a part from the kit.",
        "Something was missing from the box.",
        "Incomplete set, one part was never there.",
        "Parts missing and no instructions.",
    ),
    "poor seller support": (
        "The seller never replied to my messages.",
        "Asked for help and got no reply.",
        "Ignored by the seller for two weeks.",
        "Rude answer from the seller when I asked.",
        "No response to my return request.",
    ),
    "other": (
        "Not what I hoped for.",
        "Disappointed overall.",
        "Would not buy this again.",
        "Poor quality for the money.",
    ),
}
LOW_CLOSERS = ("", "", " Very disappointed.", " Returning it.", " Would not recommend.", " Save your money.")
MID_CLOSERS = (" Otherwise it is fine.", " Works well enough now.", " The product itself is decent.")
HIGH_CLOSERS = (" But the seller sorted it out quickly.", " Still, it does the job well.")
PRAISE = (
    "Works exactly as described.",
    "Great value for the price.",
    "Arrived quickly and well packed.",
    "Sturdy and well made.",
    "Does the job, no complaints.",
    "Better than I expected.",
    "Easy to set up and use.",
    "Good quality, would buy again.",
    "Bought a second one as a gift.",
    "Lovely design and feels solid.",
)
LUKEWARM = (
    "It's okay, nothing special.",
    "Average quality, does what it should.",
    "Fine for the price.",
    "Decent but the finish could be better.",
)

# --- conversion -------------------------------------------------------------------------
# Spiegel Research Center (2017): purchase likelihood with 5 reviews is about 270% of that
# with none, most of the lift comes in the first 5-10 reviews, and it peaks at an average
# of 4.0-4.7 stars and falls towards 5.0. The size of that fall is a teaching assumption,
# kept mild: a perfect 5.0 sells worse than the 4.x averages, not worse than a poor rating.
LIFT_TAU = 2.5
LIFT_MAX = 2.0 / (1 - np.exp(-5 / LIFT_TAU))  # lift(5) = 3.0
RATING_POINTS = (
    [1.0, 3.0, 3.5, 4.0, 4.3, 4.6, 4.7, 4.8, 4.9, 5.0],
    [0.35, 0.60, 0.76, 0.94, 1.00, 1.00, 0.97, 0.94, 0.90, 0.86],
)
BASE_CONVERSION = {
    "kitchen": 0.013,
    "electronics": 0.011,
    "home": 0.012,
    "outdoor": 0.010,
    "toys": 0.014,
    "beauty": 0.015,
}

# --- answering reviews ------------------------------------------------------------------
# Proserpio & Zervas (2017): ~0.12 more stars and ~12% more reviews once a business starts
# responding. Ananthakrishnan, Proserpio & Sharma (2019): canned responses help less.
# Share of would-be problem reviews that turn into good experiences after answering starts:
PROBLEM_AVOIDED = {"personal": 0.45, "canned": 0.10}
MORE_REVIEWS = 1.12
REPLY_RATE = {"personal": 0.93, "canned": 0.97}
# Helpful votes: mean votes per review by stars (low stars read and voted more).
VOTES_BY_STARS = np.array([3.0, 2.5, 1.5, 0.9, 0.7])


def lift(n: np.ndarray) -> np.ndarray:
    """Purchase likelihood with ``n`` reviews, relative to none."""
    return 1 + LIFT_MAX * (1 - np.exp(-np.asarray(n, dtype=float) / LIFT_TAU))


def rating_factor(avg: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Purchase likelihood by average stars, relative to the peak.

    Shoppers give an average full weight from 5 reviews on (a teaching assumption);
    with fewer, it moves them proportionally less, and with none not at all.
    """
    avg = np.nan_to_num(np.asarray(avg, dtype=float), nan=4.5)
    weight = np.minimum(1.0, np.asarray(n, dtype=float) / 5)
    return 1 + weight * (np.interp(avg, *RATING_POINTS) - 1)


def _review_texts(g: np.random.Generator, stars: np.ndarray, theme: np.ndarray) -> list[str]:
    """One short text per review, from its stars and its theme (-1: a good experience)."""
    k = len(stars)
    pick = g.random((k, 4))  # phrase, second theme's phrase, closer, praise
    second = g.choice(7, size=k, p=THEME_P[:7] / THEME_P[:7].sum())
    add_second = (g.random(k) < 0.18) & (stars <= 2) & (theme >= 0) & (theme < 7) & (second != theme)
    texts = []
    for i in range(k):
        if theme[i] < 0 and stars[i] >= 4:
            first = int(pick[i, 3] * len(PRAISE))
            text = PRAISE[first]
            if pick[i, 1] < 0.35:  # some happy customers say two things
                text += " " + PRAISE[(first + 1 + int(pick[i, 2] * (len(PRAISE) - 1))) % len(PRAISE)]
            texts.append(text)
            continue
        if theme[i] < 0:
            texts.append(LUKEWARM[int(pick[i, 3] * len(LUKEWARM))])
            continue
        phrases = COMPLAINTS[THEMES[theme[i]]]
        text = phrases[int(pick[i, 0] * len(phrases))]
        if add_second[i]:
            others = COMPLAINTS[THEMES[second[i]]]
            text += " " + others[int(pick[i, 1] * len(others))]
        closers = LOW_CLOSERS if stars[i] <= 2 else MID_CLOSERS if stars[i] == 3 else HIGH_CLOSERS
        texts.append(text + closers[int(pick[i, 2] * len(closers))])
    return texts


def _pick_problems(g: np.random.Generator, period: np.ndarray, p_problem: np.ndarray) -> np.ndarray:
    """Which reviews come from a problem: in each period, its expected count, randomly rounded."""
    groups, index = np.unique(period, return_inverse=True)
    expected = np.bincount(index, weights=p_problem)
    count = np.floor(expected + g.random(len(groups))).astype(int)
    order = np.lexsort((g.random(len(period)), index))  # random order within each period
    rank = np.empty(len(period), int)
    starts = np.r_[0, np.cumsum(np.bincount(index))[:-1]]
    rank[order] = np.arange(len(period)) - starts[index[order]]
    return rank < count[index]


def _draw(g: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row of ``probabilities`` (rows sum to 1): 0-based category index."""
    cumulative = np.cumsum(probabilities, axis=1)
    return (g.random(len(probabilities))[:, None] > cumulative[:, :-1]).sum(axis=1)


@cache
def _simulate() -> tuple[pd.DataFrame, pd.DataFrame]:
    g = rng(SEED)
    n = N_PRODUCTS
    category = g.choice(CATEGORIES, size=n, p=CATEGORY_P)
    price = np.round(np.array([MEDIAN_PRICE[c] for c in category]) * g.lognormal(0, 0.5, size=n), 2)
    names = [f"{g.choice(BRANDS)} {g.choice(NOUNS[c])}" for c in category]
    listed_day = g.integers(0, (END - START).days - 20, size=n)
    listed = START + pd.to_timedelta(listed_day, unit="D")
    days_listed = (END - listed).days.to_numpy() + 1
    rate = g.lognormal(np.log(0.035), 1.0, size=n)  # reviews per day
    quality = g.random(n)
    problem = g.beta(1.4, 8.0, size=n)  # share of reviews that come from a problem
    perfect = g.random(n) < 0.05
    problem[perfect] = 0.0
    quality[perfect] = 1.0
    expected = rate * days_listed
    p_respond = np.clip(0.55 + 2.0 * problem, 0, 0.95)
    responder = (~perfect) & (expected >= 12) & (days_listed >= 240) & (g.random(n) < p_respond)
    rate[responder] *= 1.5  # sellers who answer tend to have busy products
    style = np.where(responder, np.where(g.random(n) < 0.5, "personal", "canned"), "none")
    start_frac = g.uniform(0.35, 0.65, size=n)

    # When each product's reviews were posted (days after listing), and whether they
    # came after its seller started answering.
    product_of, offsets, after = [], [], []
    for i in range(n):
        if responder[i]:
            start_day = int(days_listed[i] * start_frac[i])
            n_before = g.poisson(rate[i] * start_day)
            n_after = max(1, g.poisson(rate[i] * MORE_REVIEWS * (days_listed[i] - start_day)))
            # The seller starts by answering a review posted on the start day.
            before_days = g.integers(0, start_day, size=n_before)
            after_days = g.integers(start_day, days_listed[i], size=n_after - 1)
            days = np.concatenate([before_days, [start_day], after_days])
            is_after = np.concatenate([np.zeros(n_before, bool), np.ones(n_after, bool)])
        else:
            days = g.integers(0, days_listed[i], size=g.poisson(rate[i] * days_listed[i]))
            is_after = np.zeros(len(days), bool)
        order = np.argsort(days, kind="stable")
        product_of.append(np.full(len(days), i))
        offsets.append(days[order])
        after.append(is_after[order])
    product_of, offsets, after = np.concatenate(product_of), np.concatenate(offsets), np.concatenate(after)
    k = len(product_of)
    first_after = after & ~np.r_[False, after[:-1] & (product_of[1:] == product_of[:-1])]

    review_style = style[product_of]
    avoided = np.array([PROBLEM_AVOIDED.get(str(s), 0.0) for s in review_style])
    p_problem = problem[product_of] * np.where(after, 1 - avoided, 1.0)
    # Each product's before and after periods get their expected number of problem
    # reviews (randomly rounded), on randomly chosen reviews of the period.
    period = product_of * 2 + after
    is_problem = _pick_problems(g, period, p_problem)
    theme = np.where(is_problem, g.choice(len(THEMES), size=k, p=THEME_P), -1)
    good = GOOD_LO[None, :] * (1 - quality[product_of, None]) + GOOD_HI[None, :] * quality[product_of, None]
    good[perfect[product_of]] = [0, 0, 0, 0, 1.0]
    problem_p = np.array([PROBLEM_STARS[t] for t in THEMES])[np.maximum(theme, 0)]
    stars = _draw(g, np.where(is_problem[:, None], problem_p, good)) + 1

    reply_rate = np.where(review_style == "personal", REPLY_RATE["personal"], REPLY_RATE["canned"])
    replied = after & (first_after | (g.random(k) < reply_rate))
    personal_days = g.gamma(2.0, 1.2, size=k).astype(int)
    canned_days = (g.random(k) < 0.2).astype(int)
    reply_days = pd.array(np.where(review_style == "personal", personal_days, canned_days), dtype="Int64")
    reply_days[~replied] = pd.NA
    reviews = pd.DataFrame(
        {
            "product_id": [f"P{i + 1:04d}" for i in product_of],
            "review_date": listed[product_of] + pd.to_timedelta(offsets, unit="D"),
            "stars": stars,
            "text": _review_texts(g, stars, theme),
            "verified_buyer": g.random(k) < 0.86,
            "seller_replied": replied,
            "reply_days": reply_days,
            "reply_style": np.where(replied, review_style, "none"),
            "_views_index": product_of,
        }
    )

    counts = reviews.groupby("product_id").size().reindex([f"P{i + 1:04d}" for i in range(n)], fill_value=0)
    means = reviews.groupby("product_id")["stars"].mean().reindex(counts.index)
    views = np.round(g.lognormal(np.log(1500), 0.8, size=n) * (1 + 0.3 * np.log1p(counts.to_numpy()))).astype(int)
    base = np.array([BASE_CONVERSION[c] for c in category]) * (30 / price) ** 0.25
    p_buy = (
        base
        * lift(counts.to_numpy())
        * rating_factor(means.round(2).to_numpy(), counts.to_numpy())
        * g.lognormal(0, 0.15, size=n)
    )
    purchases = g.binomial(views, np.clip(p_buy, 0, 0.5))

    # Helpful votes grow with the product's traffic and the review's age; low stars get more.
    age = (END - reviews["review_date"]).dt.days.to_numpy()
    traffic = (views / 1500.0) ** 0.5
    mean_votes = (
        VOTES_BY_STARS[reviews["stars"].to_numpy() - 1]
        * traffic[reviews["_views_index"].to_numpy()]
        * np.minimum(1.0, 0.15 + age / 180)
    )
    reviews["helpful_votes"] = g.poisson(g.gamma(2.0, mean_votes / 2.0))

    reviews = reviews.sort_values(["review_date", "product_id"], kind="stable").reset_index(drop=True)
    reviews.insert(0, "review_id", np.arange(1, len(reviews) + 1))
    reviews = reviews[
        [
            "review_id",
            "product_id",
            "review_date",
            "stars",
            "text",
            "helpful_votes",
            "verified_buyer",
            "seller_replied",
            "reply_days",
            "reply_style",
        ]
    ]
    products = pd.DataFrame(
        {
            "product_id": counts.index,
            "name": names,
            "category": category,
            "price_usd": price,
            "listed_date": listed,
            "review_count": counts.to_numpy(),
            "avg_stars": means.round(2).to_numpy(),
            "views_30d": views,
            "purchases_30d": purchases,
        }
    )
    return products, reviews


def build_products() -> pd.DataFrame:
    return _simulate()[0].copy()


def build_reviews() -> pd.DataFrame:
    return _simulate()[1].copy()


DATASETS = [
    Dataset(
        name="reviews_products",
        columns=(
            Column("product_id", "str"),
            Column("name", "str"),
            Column("category", "category", CATEGORIES),
            Column("price_usd", "float"),
            Column("listed_date", "date"),
            Column("review_count", "int"),
            Column("avg_stars", "float"),
            Column("views_30d", "int"),
            Column("purchases_30d", "int"),
        ),
        build=build_products,
    ),
    Dataset(
        name="reviews_reviews",
        columns=(
            Column("review_id", "int"),
            Column("product_id", "str"),
            Column("review_date", "date"),
            Column("stars", "int"),
            Column("text", "str"),
            Column("helpful_votes", "int"),
            Column("verified_buyer", "bool"),
            Column("seller_replied", "bool"),
            Column("reply_days", "int"),
            Column("reply_style", "category", STYLES),
        ),
        build=build_reviews,
    ),
]
