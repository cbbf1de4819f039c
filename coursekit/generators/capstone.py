"""Lesson 08 data: one year of Quillby, an invented online shop, seen through every lens of the course.

Quillby sells stationery, home-office and craft supplies from its own warehouse, and
lets independent sellers list on its marketplace. The capstone audits its 2024 with the
methods of lessons 01-07. Seven small tables, all synthetic, made by one simulation per
topic so that every table agrees with the others:

- ``capstone_orders``: every 2024 order, with the promised, shipped and delivered
  dates, the carrier, whether the item was defective, and what it cost to ship.
- ``capstone_contacts``: every contact with customer service that those orders caused,
  with what the customer asked (``stated_reason``) and what an agent traced it to
  (``root_cause``).
- ``capstone_reviews``: every review of those orders, with its stars and whether
  Quillby replied.
- ``capstone_dashboard``: the monthly figures Quillby's leadership dashboard reports,
  computed from the three tables above exactly as the dashboard does.
- ``capstone_statement``: the public statement Quillby posted after the September
  double-charge incident, one row per sentence, coded with Lewicki, Polin & Lount's
  six apology components (lesson 04).
- ``capstone_experiments``: the results of the two A/B tests Quillby ran in 2024.
- ``capstone_flywheel``: six years of monthly marketplace figures (visitors, active
  sellers, products listed).

The planted facts (real problems and red herrings) are listed, each with its basis, in
the datasheets (``datasets/README.md``); ``tests/test_data_capstone.py`` recovers every
one of them with the lesson's own methods. In short:

* on 1 July 2024 standard shipping moved to a cheaper carrier whose deliveries are as
  fast on average but have a long slow tail, so promises broke far more often
  (the top problem), while the dashboard's mean delivery time did not move;
* late deliveries cause contacts, one-star reviews and customers who never come back
  (grounded in Voxware, 2014, and Rao, Griffis & Goldsby, 2011; sizes are teaching
  assumptions);
* one-star reviews are rarely answered, five-star reviews often;
* the September statement leaves out the components that matter most;
* the honest-delivery-date test was a win on what customers feel, judged a loss on
  conversion; the carousel test was a "win" on clicks only (a red herring);
* November's spike in contacts follows November's spike in orders (a red herring);
* in the flywheel, sellers barely move selection: the weakest link.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

COMPANY = "Quillby"
START = pd.Timestamp("2024-01-01")
END = pd.Timestamp("2024-12-31")
SWITCH = pd.Timestamp("2024-07-01")  # standard shipping moves to ZipRoute
PROMISE_DAYS = 4  # every standard order is promised within 4 days of the order date
CARRIERS = ("TrueLine", "ZipRoute")
SHIPPING_COST_USD = {"TrueLine": 6.10, "ZipRoute": 5.20}
ZIPROUTE_COVERAGE = 0.85  # share of customers whose postcode ZipRoute serves

# Days from order to hand-over to the carrier (the warehouse ships 98% within one day).
SHIP_LAG = np.array([0, 1, 2])
SHIP_LAG_P = np.array([0.45, 0.53, 0.02])
# Days in transit. ZipRoute is as fast on average, but a long tail of parcels takes a week
# or more (a teaching assumption, built to show the mean hiding the tail).
TRANSIT = {
    "TrueLine": (np.array([2, 3, 4, 5]), np.array([0.25, 0.62, 0.11, 0.02])),
    "ZipRoute": (
        np.array([1, 2, 3, 4, 5, 6, 7, 8, 9]),
        np.array([0.38, 0.25, 0.08, 0.05, 0.06, 0.06, 0.05, 0.045, 0.025]),
    ),
}
P_DEFECT = 0.03

# Chance a customer orders again after an order, by how that order went (a teaching
# assumption shaped by Voxware 2014: 69% of shoppers less likely to buy again after a
# delivery more than two days late; Rao, Griffis & Goldsby 2011: after a delay, customers
# order less often). Customers who have ordered before come back more often (trust built by
# repetition, lesson 02); a late parcel cuts the chance, a defective item halves it.
P_RETURN_AFTER_FIRST, P_RETURN_LATER = 0.50, 0.64
RETURN_FACTOR = {"on time": 1.0, "late 1-2 days": 0.5, "late 3+ days": 0.2}
GAP_SHAPE, GAP_SCALE, GAP_MIN = 2.0, 20.0, 3  # days to the next order: 3 + Gamma(2, 20), mean 43

# Customers are simulated from January 2021, so that 2024 opens with the orders of earlier
# customers; only 2024's orders are kept. New customers per month (first order ever) grow
# steadily; the autumn sale week (4-10 November 2024) brings extra newcomers.
HISTORY_START = pd.Timestamp("2021-01-01")
NEW_FIRST, NEW_LAST = 200, 380  # new customers in January 2021 and in December 2024
SALE_WEEK = (pd.Timestamp("2024-11-04"), pd.Timestamp("2024-11-10"))
SALE_EXTRA = 260  # extra new customers in the sale week

# The incident: a checkout update charged every order placed on 14-16 September twice.
INCIDENT_DAYS = (pd.Timestamp("2024-09-14"), pd.Timestamp("2024-09-16"))
STATEMENT_DATE = pd.Timestamp("2024-09-23")

# --- contacts ------------------------------------------------------------------------
ROOT_CAUSES = (
    "carrier delay",
    "damaged in transit",
    "faulty item",
    "double charge",
    "unclear product page",
    "returns policy",
    "account access",
    "promo code",
)
STATED_REASONS = (
    "where is my order",
    "refund request",
    "cancel order",
    "item damaged",
    "item faulty",
    "billing question",
    "product question",
    "return request",
    "login problem",
)
# What customers say, given what caused the contact: many causes end in "refund request".
SAYS = {
    "carrier delay": {"where is my order": 0.45, "refund request": 0.30, "cancel order": 0.25},
    "damaged in transit": {"item damaged": 0.55, "refund request": 0.45},
    "faulty item": {"item faulty": 0.50, "refund request": 0.50},
    "double charge": {"billing question": 0.45, "refund request": 0.55},
    "unclear product page": {"product question": 0.75, "refund request": 0.25},
    "returns policy": {"return request": 0.70, "refund request": 0.30},
    "account access": {"login problem": 1.0},
    "promo code": {"billing question": 0.60, "product question": 0.40},
}
P_CONTACT_LATE = {"late 1-2 days": 0.25, "late 3+ days": 0.60}
P_CONTACT_DEFECT = 0.70
P_CONTACT_DOUBLE = 0.65
P_CONTACT_BACKGROUND = 0.035
BACKGROUND = {"unclear product page": 0.40, "returns policy": 0.25, "account access": 0.20, "promo code": 0.15}
# Mean minutes to the first answer: Quillby added agents in July (the dashboard's pride).
FIRST_RESPONSE_MEAN = {"H1": 41.0, "H2": 17.0}

# --- reviews --------------------------------------------------------------------------
P_REVIEW = {"on time": 0.05, "late 1-2 days": 0.12, "late 3+ days": 0.22, "defective": 0.25}
STARS_P = {
    "on time": [0.01, 0.02, 0.07, 0.25, 0.65],
    "late 1-2 days": [0.15, 0.20, 0.30, 0.20, 0.15],
    "late 3+ days": [0.55, 0.25, 0.12, 0.05, 0.03],
    "defective": [0.60, 0.25, 0.10, 0.03, 0.02],
}
REPLY_P = np.array([0.10, 0.14, 0.25, 0.42, 0.62])  # by stars 1..5: Quillby answers praise
# The storefront shows the all-time rating: 2024's reviews plus these earlier ones.
EARLIER_REVIEWS, EARLIER_MEAN_STARS = 9800, 4.52
TEXTS = {
    "late": (
        "Arrived a week after the promised date.",
        "Still waiting days after the date I was given.",
        "Late, and the tracking said nothing for days.",
        "Needed it for a deadline and it came late.",
        "The delivery date was a fiction.",
    ),
    "damaged": ("Box crushed, the item was damaged.", "Arrived broken.", "Damaged in the post."),
    "faulty": ("Stopped working after a week.", "Faulty out of the box.", "Does not work as it should."),
    "good": (
        "Exactly what I needed.",
        "Great quality paper.",
        "Fast and well packed.",
        "Lovely pens, will buy again.",
        "Good value.",
        "Arrived on time, as promised.",
    ),
    "meh": ("It's fine.", "Does the job.", "Okay for the price."),
}

# --- flywheel ---------------------------------------------------------------------------
FLYWHEEL_MONTHS = 72
FLYWHEEL_BURN_IN = 12
SELECTION_LEADS_VISITORS = 2  # months
VISITORS_LEAD_SELLERS = 1  # months


def _choice(g: np.random.Generator, options: dict[str, float]) -> str:
    names = list(options)
    return names[int(g.choice(len(names), p=np.array(list(options.values()))))]


def _outcome(days_late: int) -> str:
    return "on time" if days_late <= 0 else "late 1-2 days" if days_late <= 2 else "late 3+ days"


@cache
def _simulate() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Orders, contacts and reviews of 2024, from one run of the customers' history since 2021."""
    g = rng(20240701)
    months = pd.date_range(HISTORY_START, END, freq="MS")
    arrivals = np.round(np.linspace(NEW_FIRST, NEW_LAST, len(months))).astype(int)
    first_days = [
        (month - HISTORY_START).days + g.integers(0, month.days_in_month, size=count)
        for month, count in zip(months, arrivals, strict=True)
    ]
    sale = (SALE_WEEK[0] - HISTORY_START).days + g.integers(0, 7, size=SALE_EXTRA)
    first_days = np.sort(np.concatenate([*first_days, sale]))
    switch, end = (SWITCH - HISTORY_START).days, (END - HISTORY_START).days
    year_start = (START - HISTORY_START).days
    rows = []
    for index, first in enumerate(first_days):
        covered = g.random() < ZIPROUTE_COVERAGE
        day, placed = int(first), 0
        while day <= end:
            carrier = "ZipRoute" if day >= switch and covered else "TrueLine"
            values, weights = TRANSIT[carrier]
            lag = int(g.choice(SHIP_LAG, p=SHIP_LAG_P))
            transit = int(g.choice(values, p=weights))
            defective = bool(g.random() < P_DEFECT)
            value = round(float(np.exp(g.normal(np.log(32), 0.55))), 2)
            if day >= year_start:
                rows.append((index, int(first), day, lag, transit, carrier, defective, value))
            placed += 1
            base = P_RETURN_AFTER_FIRST if placed == 1 else P_RETURN_LATER
            chance = base * RETURN_FACTOR[_outcome(lag + transit - PROMISE_DAYS)] * (0.5 if defective else 1.0)
            if g.random() >= chance:
                break
            day += GAP_MIN + int(g.gamma(GAP_SHAPE, GAP_SCALE))
    raw = pd.DataFrame(rows, columns=["customer", "first", "day", "lag", "transit", "carrier", "defective", "value"])
    ids = {customer: 10001 + rank for rank, customer in enumerate(sorted(raw["customer"].unique()))}
    orders = pd.DataFrame(
        {
            "customer_id": raw["customer"].map(ids),
            "customer_since": HISTORY_START + pd.to_timedelta(raw["first"], unit="D"),
            "order_date": HISTORY_START + pd.to_timedelta(raw["day"], unit="D"),
            "lag": raw["lag"],
            "transit": raw["transit"],
            "carrier": raw["carrier"],
            "defective": raw["defective"],
            "order_value_usd": raw["value"],
        }
    )
    orders = orders.sort_values(["order_date", "customer_id"], kind="stable").reset_index(drop=True)
    orders["order_id"] = np.arange(500001, 500001 + len(orders))
    orders["promised_date"] = orders["order_date"] + pd.Timedelta(days=PROMISE_DAYS)
    orders["shipped_date"] = orders["order_date"] + pd.to_timedelta(orders["lag"], unit="D")
    orders["delivered_date"] = orders["shipped_date"] + pd.to_timedelta(orders["transit"], unit="D")
    orders["shipping_cost_usd"] = orders["carrier"].map(SHIPPING_COST_USD)
    days_late = (orders["delivered_date"] - orders["promised_date"]).dt.days
    outcome = days_late.map(_outcome)

    contacts = _contacts(g, orders, outcome)
    reviews = _reviews(g, orders, outcome)
    orders = orders[
        [
            "order_id",
            "customer_id",
            "customer_since",
            "order_date",
            "promised_date",
            "shipped_date",
            "delivered_date",
            "carrier",
            "defective",
            "shipping_cost_usd",
            "order_value_usd",
        ]
    ]
    return orders, contacts, reviews


def _contacts(g: np.random.Generator, orders: pd.DataFrame, outcome: pd.Series) -> pd.DataFrame:
    """Each order's contacts: late parcels, defects, the double charge, and everyday questions."""
    rows = []
    for order, kind in zip(orders.itertuples(index=False), outcome, strict=True):
        if kind != "on time" and g.random() < P_CONTACT_LATE[kind]:
            rows.append(
                (order.order_id, order.promised_date + pd.Timedelta(days=int(g.integers(1, 4))), "carrier delay")
            )
        if order.defective and g.random() < P_CONTACT_DEFECT:
            cause = "damaged in transit" if g.random() < 0.6 else "faulty item"
            rows.append((order.order_id, order.delivered_date + pd.Timedelta(days=int(g.integers(0, 3))), cause))
        if INCIDENT_DAYS[0] <= order.order_date <= INCIDENT_DAYS[1] and g.random() < P_CONTACT_DOUBLE:
            rows.append((order.order_id, order.order_date + pd.Timedelta(days=int(g.integers(1, 4))), "double charge"))
        if g.random() < P_CONTACT_BACKGROUND:
            when = order.order_date + pd.Timedelta(days=int(g.integers(0, 11)))
            rows.append((order.order_id, when, _choice(g, BACKGROUND)))
    contacts = pd.DataFrame(rows, columns=["order_id", "contact_date", "root_cause"])
    contacts = contacts[contacts["contact_date"] <= END]
    contacts = contacts.sort_values(["contact_date", "order_id"], kind="stable").reset_index(drop=True)
    contacts["stated_reason"] = [_choice(g, SAYS[cause]) for cause in contacts["root_cause"]]
    half = np.where(contacts["contact_date"] < SWITCH, FIRST_RESPONSE_MEAN["H1"], FIRST_RESPONSE_MEAN["H2"])
    contacts["first_response_min"] = np.maximum(1, np.round(g.exponential(half))).astype("int64")
    contacts.insert(0, "contact_id", np.arange(1, len(contacts) + 1))
    return contacts[["contact_id", "order_id", "contact_date", "stated_reason", "root_cause", "first_response_min"]]


def _reviews(g: np.random.Generator, orders: pd.DataFrame, outcome: pd.Series) -> pd.DataFrame:
    """Reviews left after delivery: late and defective orders are reviewed more, and worse."""
    kind = np.where(orders["defective"], "defective", outcome)
    reviewed = g.random(len(orders)) < pd.Series(kind).map(P_REVIEW).to_numpy()
    chosen = orders[reviewed]
    chosen_kind = kind[reviewed]
    stars = np.array([int(g.choice(5, p=STARS_P[k])) + 1 for k in chosen_kind])
    posted = chosen["delivered_date"] + pd.to_timedelta(g.integers(1, 8, size=len(chosen)), unit="D")
    texts = []
    for k, s in zip(chosen_kind, stars, strict=True):
        if s >= 4:
            theme = "good"
        elif k == "defective":
            theme = "damaged" if g.random() < 0.6 else "faulty"
        elif k != "on time":
            theme = "late"
        else:
            theme = "meh"
        texts.append(TEXTS[theme][int(g.integers(0, len(TEXTS[theme])))])
    replied = g.random(len(chosen)) < REPLY_P[stars - 1]
    reply_days = pd.array(g.integers(0, 7, size=len(chosen)), dtype="Int64")
    reply_days[~replied] = pd.NA
    reviews = pd.DataFrame(
        {
            "order_id": chosen["order_id"].to_numpy(),
            "review_date": posted.to_numpy(),
            "stars": stars,
            "text": texts,
            "replied": replied,
            "reply_days": reply_days,
        }
    )
    reviews = reviews[reviews["review_date"] <= END]
    reviews = reviews.sort_values(["review_date", "order_id"], kind="stable").reset_index(drop=True)
    reviews.insert(0, "review_id", np.arange(1, len(reviews) + 1))
    return reviews


def build_orders() -> pd.DataFrame:
    return _simulate()[0].copy()


def build_contacts() -> pd.DataFrame:
    return _simulate()[1].copy()


def build_reviews() -> pd.DataFrame:
    return _simulate()[2].copy()


def build_dashboard() -> pd.DataFrame:
    """The leadership dashboard: monthly figures, each computed the way the dashboard does."""
    orders, contacts, reviews = _simulate()
    month = orders["order_date"].dt.month
    delivery_days = (orders["delivered_date"] - orders["order_date"]).dt.days
    shipped_on_time = (orders["shipped_date"] - orders["order_date"]).dt.days <= 1
    by_month = pd.DataFrame(
        {
            "orders": orders.groupby(month).size(),
            "avg_delivery_days": delivery_days.groupby(month).mean().round(2),
            "shipped_on_time_pct": (100 * shipped_on_time.groupby(month).mean()).round(1),
        }
    )
    review_month = reviews["review_date"].dt.month
    stars_sum = EARLIER_REVIEWS * EARLIER_MEAN_STARS + reviews.groupby(review_month)["stars"].sum().cumsum()
    count = EARLIER_REVIEWS + reviews.groupby(review_month).size().cumsum()
    by_month["store_rating"] = (stars_sum / count).round(2)
    contact_month = contacts["contact_date"].dt.month
    by_month["contacts"] = contacts.groupby(contact_month).size()
    by_month["avg_first_response_min"] = contacts.groupby(contact_month)["first_response_min"].mean().round(1)
    by_month.insert(0, "month", pd.date_range(START, periods=12, freq="MS"))
    return by_month.reset_index(drop=True)


# --- the statement ------------------------------------------------------------------------
# Quillby's statement of 23 September 2024, written for this course, coded sentence by
# sentence with the components of Lewicki, Polin & Lount (2016), as in lesson 04.
STATEMENT = (
    ("Between 14 and 16 September, some customers may have noticed a duplicate charge on their card.", "none"),
    ("This was caused by a technical issue at one of our payment partners.", "explanation"),
    ("We apologise for any inconvenience this may have caused.", "regret"),
    ("Duplicate charges are normally returned by your bank within 10 working days.", "none"),
    ("We are reviewing our processes together with our partners.", "repentance"),
    ("We are sorry for any confusion.", "regret"),
    ("Thank you for choosing Quillby.", "none"),
)
COMPONENTS = ("regret", "explanation", "acknowledgment", "repentance", "repair", "forgiveness", "none")


def build_statement() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sentence_no": np.arange(1, len(STATEMENT) + 1),
            "published_date": STATEMENT_DATE,
            "text": [text for text, _ in STATEMENT],
            "component": [component for _, component in STATEMENT],
        }
    )


# --- experiments --------------------------------------------------------------------------
# (experiment, start, end, {arm: (users, click rate, conversion, repeat rate, contacts per buyer)}).
# Counts are these planted rates times the arm's users (or buyers), rounded: the file carries no
# sampling noise, so the differences a learner finds are the planted ones (the lesson shows how
# wide a real test's noise would be at these sizes).
EXPERIMENTS = (
    (
        "homepage carousel",
        "2024-06-03",
        "2024-06-30",
        {"control": (21400, 0.105, 0.0400, 0.33, 0.110), "treatment": (21150, 0.126, 0.0404, 0.33, 0.110)},
    ),
    (
        "honest delivery dates",
        "2024-07-22",
        "2024-08-18",
        {"control": (29800, 0.060, 0.0410, 0.31, 0.147), "treatment": (12700, 0.090, 0.0395, 0.38, 0.084)},
    ),
)


def build_experiments() -> pd.DataFrame:
    rows = []
    for name, start, end, arms in EXPERIMENTS:
        for arm, (users, click, conversion, repeat, contact) in arms.items():
            buyers = round(users * conversion)
            rows.append(
                {
                    "experiment": name,
                    "arm": arm,
                    "start_date": pd.Timestamp(start),
                    "end_date": pd.Timestamp(end),
                    "users": users,
                    "clicks": round(users * click),
                    "buyers": buyers,
                    "repeat_buyers": round(buyers * repeat),
                    "contacts": round(buyers * contact),
                }
            )
    return pd.DataFrame(rows)


# --- the flywheel ---------------------------------------------------------------------------


def build_flywheel(seed: int = 20190101) -> pd.DataFrame:
    """Monthly growth of selection, visitors and sellers, each arrow with its own strength.

    Selection growth moves visitors two months later (strong); visitor growth moves
    sellers one month later (strong); seller growth moves selection only a little, in
    the same month (the weak arrow). Sizes and lags are teaching assumptions.
    """
    g = rng(seed)
    steps = FLYWHEEL_MONTHS + FLYWHEEL_BURN_IN
    grow_s, grow_v, grow_n = np.zeros(steps), np.zeros(steps), np.zeros(steps)
    shock_s, shock_v, shock_n = g.normal(0, 0.025, steps), g.normal(0, 0.012, steps), g.normal(0, 0.015, steps)
    drift_s, drift_v, drift_n = 0.015, 0.012, 0.010  # growth a month when nothing else moves
    for t in range(SELECTION_LEADS_VISITORS, steps):
        grow_v[t] = drift_v + 0.8 * (grow_s[t - SELECTION_LEADS_VISITORS] - drift_s) + shock_v[t]
        grow_n[t] = drift_n + 0.7 * (grow_v[t - VISITORS_LEAD_SELLERS] - drift_v) + shock_n[t]
        grow_s[t] = drift_s + 0.35 * (grow_n[t] - drift_n) + shock_s[t]
    kept = slice(FLYWHEEL_BURN_IN, steps)
    levels = {
        "visitors": 180_000 * np.exp(np.cumsum(grow_v[kept])),
        "active_sellers": 900 * np.exp(np.cumsum(grow_n[kept])),
        "products_listed": 24_000 * np.exp(np.cumsum(grow_s[kept])),
    }
    frame = pd.DataFrame({name: np.round(values).astype("int64") for name, values in levels.items()})
    frame.insert(0, "month", pd.date_range("2019-01-01", periods=FLYWHEEL_MONTHS, freq="MS"))
    return frame


DATASETS = [
    Dataset(
        name="capstone_orders",
        columns=(
            Column("order_id", "int"),
            Column("customer_id", "int"),
            Column("customer_since", "date"),
            Column("order_date", "date"),
            Column("promised_date", "date"),
            Column("shipped_date", "date"),
            Column("delivered_date", "date"),
            Column("carrier", "category", CARRIERS),
            Column("defective", "bool"),
            Column("shipping_cost_usd", "float"),
            Column("order_value_usd", "float"),
        ),
        build=build_orders,
    ),
    Dataset(
        name="capstone_contacts",
        columns=(
            Column("contact_id", "int"),
            Column("order_id", "int"),
            Column("contact_date", "date"),
            Column("stated_reason", "category", STATED_REASONS),
            Column("root_cause", "category", ROOT_CAUSES),
            Column("first_response_min", "int"),
        ),
        build=build_contacts,
    ),
    Dataset(
        name="capstone_reviews",
        columns=(
            Column("review_id", "int"),
            Column("order_id", "int"),
            Column("review_date", "date"),
            Column("stars", "int"),
            Column("text", "str"),
            Column("replied", "bool"),
            Column("reply_days", "int"),
        ),
        build=build_reviews,
    ),
    Dataset(
        name="capstone_dashboard",
        columns=(
            Column("month", "date"),
            Column("orders", "int"),
            Column("avg_delivery_days", "float"),
            Column("shipped_on_time_pct", "float"),
            Column("store_rating", "float"),
            Column("contacts", "int"),
            Column("avg_first_response_min", "float"),
        ),
        build=build_dashboard,
    ),
    Dataset(
        name="capstone_statement",
        columns=(
            Column("sentence_no", "int"),
            Column("published_date", "date"),
            Column("text", "str"),
            Column("component", "category", COMPONENTS),
        ),
        build=build_statement,
    ),
    Dataset(
        name="capstone_experiments",
        columns=(
            Column("experiment", "str"),
            Column("arm", "category", ("control", "treatment")),
            Column("start_date", "date"),
            Column("end_date", "date"),
            Column("users", "int"),
            Column("clicks", "int"),
            Column("buyers", "int"),
            Column("repeat_buyers", "int"),
            Column("contacts", "int"),
        ),
        build=build_experiments,
    ),
    Dataset(
        name="capstone_flywheel",
        columns=(
            Column("month", "date"),
            Column("visitors", "int"),
            Column("active_sellers", "int"),
            Column("products_listed", "int"),
        ),
        build=build_flywheel,
    ),
]
