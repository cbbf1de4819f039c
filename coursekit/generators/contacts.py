"""Lesson 06 data: every contact is a defect.

- ``contacts_orders`` (synthetic): every order of Larkspur Market, the invented shop of
  lesson 00, in 2025: the day, the product, and whether the customer ordered again
  within 60 days.
- ``contacts_log`` (synthetic): every contact with customer service about those orders,
  with the channel, the message in the customer's own words (typos included), a
  hand-coded reason for a random sample of 400 contacts, and the agent's handling time.
  A handful of root causes drive most contacts (see the datasheets in
  ``datasets/README.md`` for each planted effect and its basis):

  * the shop changed carrier on 3 March 2025 and the new carrier's tracking did not
    show parcels for days, so "where is my order?" contacts tripled, until a proactive
    shipping notice (7 July 2025) told customers when their parcel would come;
  * a batch of one product, the Aurora kettle, was faulty from 12 May 2025; the kettle
    kept generating contacts until it was pulled from sale on 25 August 2025;
  * a confusing returns page made customers write to ask how to send things back;
  * more contacts about one order (customer effort) go with fewer reorders, and
    switching channel lowers reordering further (Dixon, Freeman & Toman, 2010, for the
    direction; the sizes are a teaching assumption).

- ``contacts_bank_calls`` (real): calls handled per weekday by the call centre of a large
  North American commercial bank in 2003, added up from the five-minute counts in
  ``datasets/raw/bank_calls/bank_calls.csv`` (R package fpp3, GPL-3; see the README.md beside it).

``sample_messages`` writes fresh messages from the same process as ``contacts_log``, with
their true reason, so a classifier can be tested on messages it has never seen.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

SEED = 20250606
START = pd.Timestamp("2025-01-01")
END = pd.Timestamp("2025-12-31")
CARRIER_CHANGE = pd.Timestamp("2025-03-03")  # orders from this day go with the new carrier
NOTICE = pd.Timestamp("2025-07-07")  # orders from this day get a proactive shipping notice
BATCH_START = pd.Timestamp("2025-05-12")  # kettles sold from this day come from the faulty batch
KETTLE_PULLED = pd.Timestamp("2025-08-25")  # no kettle is sold from this day on
LABELLED = 400

CHANNELS = ("phone", "email", "chat")
CHANNEL_P = np.array([0.35, 0.35, 0.30])
REASONS = (
    "where is my order",
    "return or refund",
    "damaged or faulty",
    "change or cancel",
    "payment",
    "discount code",
    "product question",
    "account or password",
    "invoice",
    "other",
)

# Products: (name, word customers use, share of orders). The kettle sells a fixed number a day.
PRODUCTS = (
    ("ribbed glass tumblers", "glasses", 0.17),
    ("stoneware mugs", "mugs", 0.10),
    ("linen tea towels", "tea towels", 0.08),
    ("bamboo cutting board", "cutting board", 0.07),
    ("scented candle", "candle", 0.07),
    ("bath towel set", "towels", 0.06),
    ("cast iron skillet", "skillet", 0.05),
    ("wool throw", "throw", 0.05),
    ("french press", "french press", 0.05),
    ("herb planter", "planter", 0.05),
    ("storage baskets", "baskets", 0.05),
    ("coffee grinder", "grinder", 0.04),
    ("desk lamp", "lamp", 0.04),
    ("spice rack", "spice rack", 0.04),
    ("picnic blanket", "blanket", 0.04),
)
KETTLE, KETTLE_WORD = "Aurora kettle", "kettle"
KETTLE_PER_DAY = 3.0
ORDERS_PER_DAY = 46.0  # January weekdays, before growth and the holiday season
GROWTH_PER_MONTH = 0.02
WEEKDAY_FACTOR = np.array([1.10, 1.05, 1.0, 1.0, 1.0, 0.90, 0.95])  # Monday .. Sunday
HOLIDAY = (pd.Timestamp("2025-11-15"), pd.Timestamp("2025-12-20"), 1.5)

# Chance that an order leads to a first contact, by root cause (one root cause per order).
P_WISMO = {"old carrier": 0.025, "new carrier": 0.09, "with notice": 0.035}
P_FAULTY = {"ribbed glass tumblers": 0.035, "kettle batch": 0.25, "other": 0.012}
P_OTHER_REASONS = {
    "return or refund": 0.040,  # the confusing returns page (teaching assumption)
    "change or cancel": 0.014,
    "payment": 0.008,
    "discount code": 0.008,
    "product question": 0.009,
    "account or password": 0.006,
    "invoice": 0.004,
    "other": 0.004,
}
# Chance that a contact is followed by another about the same order (the problem was not solved).
P_REPEAT = {
    "where is my order": 0.30,
    "return or refund": 0.35,
    "damaged or faulty": 0.40,
    "change or cancel": 0.10,
    "payment": 0.25,
    "discount code": 0.10,
    "product question": 0.05,
    "account or password": 0.15,
    "invoice": 0.10,
    "other": 0.02,
}
P_REPEAT_KETTLE = 0.50  # "still waiting for my replacement kettle"
P_SAME_CHANNEL = 0.55
# Days from the order to the first contact, by reason: (low, high) inclusive.
FIRST_LAG = {
    "where is my order": (4, 10),
    "return or refund": (5, 25),
    "damaged or faulty": (3, 14),
    "change or cancel": (0, 1),
    "payment": (0, 3),
    "discount code": (0, 2),
    "product question": (0, 10),
    "account or password": (0, 20),
    "invoice": (1, 30),
    "other": (0, 20),
}
# Handling minutes: log-normal around a channel's typical time, times a reason factor.
MINUTES = {"phone": 7.0, "email": 5.0, "chat": 9.0}
MINUTES_FACTOR = {"damaged or faulty": 1.4, "return or refund": 1.3, "where is my order": 1.0}
MINUTES_OTHER, MINUTES_REPEAT = 0.8, 1.25
# Chance of ordering again within 60 days, by contacts about the order (teaching assumption,
# in the direction of Dixon, Freeman & Toman 2010: customer effort drives disloyalty).
P_REORDER = {0: 0.42, 1: 0.36, 2: 0.27, 3: 0.20}
SWITCH_PENALTY = 0.06  # a customer who had to change channel reorders less again

BANK_RAW = Path(__file__).resolve().parent.parent.parent / "datasets" / "raw" / "bank_calls" / "bank_calls.csv"
BANK_SOURCE = "R package fpp3: bank_calls"


# --- messages in customers' own words ----------------------------------------------------

FIRST = {
    "where is my order": (
        "where is my order?? ordered {days} days ago",
        "My parcel hasn't arrived yet. Order {order}",
        "still waiting for my {item}, any update?",
        "Hi, its been over a week and nothing has come",
        "when will my order arrive? it said 3 days",
        "order {order} not delivered yet, please check",
        "no sign of my delivery. where is it",
        "tracking says delivered but there is no parcel here",
        "I ordered on {date} and still nothing",
        "has my order even been shipped?",
        "still no parcel after {days} days, please cancel my order",
        "my order never arrived, I want a refund",
        "{days} days and no delivery. cancel it and refund me",
    ),
    "where is my order/new carrier": (
        "the tracking number you sent doesn't work on the courier website",
        "tracking link says no information found, where is my parcel",
        "your new courier has no record of my package",
        "Tracking hasn't updated in {days} days. Where is my order?",
        "which courier are you using now? can't track my parcel",
    ),
    "return or refund": (
        "how do I return this?",
        "can't find the returns form anywhere on your site",
        "where do I get a return label",
        "the returns page keeps sending me back to my account, how do I send the {item} back",
        "I want to return the {item}, what is the address",
        "Your returns page says to print a label but there is no label",
        "I sent the {item} back two weeks ago, where is my refund",
        "refund still not in my account",
        "can I exchange the {item} for a different colour",
        "do I have to pay for return postage?",
    ),
    "damaged or faulty": (
        "my {item} arrived broken",
        "The {item} came cracked",
        "item arrived damaged, the box was crushed",
        "{item} is faulty, doesn't work",
        "my {item} arrived chipped",
        "the {item} broke on first use",
        "my {item} arrived broken, I want a refund",
        "the {item} is cracked, how do I send it back?",
        "{item} damaged in the box, please cancel and refund",
    ),
    "damaged or faulty/glasses": (
        "two of the glasses were smashed in the box",
        "glasses arrived broken, shards everywhere",
        "one glass cracked in the parcel",
    ),
    "damaged or faulty/kettle": (
        "my kettle leaks from the bottom",
        "the kettle is leaking water all over the counter",
        "kettle switch stopped working after 2 days",
        "The lid of the kettle won't close and it leaks",
        "kettle smells of burning plastic, is this safe??",
        "new kettle is faulty, water leaks out of the base",
        "kettle leaks, I want my money back",
        "my kettle leaks, can I return it for a refund",
    ),
    "change or cancel": (
        "please cancel my order, ordered by mistake",
        "can I change the delivery address on order {order}",
        "I ordered the wrong colour, can you change it before it ships",
        "cancel order {order} please",
        "can I add something to order {order} before it ships",
    ),
    "payment": (
        "I was charged twice for one order",
        "my card was declined but the money was taken",
        "payment failed at checkout but my bank shows a charge",
        "why was I charged more than the price on the site",
    ),
    "discount code": (
        "my discount code didn't work",
        "promo code SPRING10 not accepted at checkout",
        "forgot to use my voucher, can you apply it",
        "the 15% off code says expired but the email says valid",
    ),
    "product question": (
        "question about the {item}: dishwasher safe?",
        "what are the measurements of the {item}",
        "Does the {item} come in a gift box",
        "where are your {item} made",
    ),
    "account or password": (
        "can't log in to my account",
        "password reset email never comes",
        "how do I change the email address on my account",
        "my account is locked after too many tries",
    ),
    "invoice": (
        "can I get an invoice for order {order}",
        "need a VAT receipt for my company",
        "please send a copy of the invoice",
    ),
    "other": (
        "do you ship to Canada?",
        "love the shop, just wanted to say thanks",
        "do you have gift wrapping",
        "are you hiring?",
    ),
}
# What customers write when they have to come back about the same order.
REPEAT = {
    "where is my order": (
        "second time asking: where is my order?",
        "STILL no parcel. this is ridiculous",
        "following up, my order still hasn't arrived",
        "you said it would come yesterday, still nothing",
    ),
    "return or refund": (
        "still can't work out how to return it",
        "following up on my return, no label yet",
        "where is my refund? I wrote last week",
    ),
    "damaged or faulty": (
        "still waiting for a replacement for the broken {item}",
        "following up about my damaged {item}",
        "nobody answered about the faulty {item}",
    ),
    "damaged or faulty/kettle": (
        "still waiting for my replacement kettle",
        "the replacement kettle leaks too",
        "third time writing about the leaking kettle",
    ),
    "change or cancel": ("did you cancel my order? no confirmation", "following up: please change my order"),
    "payment": ("still charged twice, no refund of the extra payment", "following up about the double charge"),
    "discount code": ("the code still doesn't work",),
    "product question": ("no answer yet to my question about the {item}",),
    "account or password": ("still locked out of my account",),
    "invoice": ("still no invoice",),
    "other": ("just checking you got my message",),
}
OPENERS = ("", "", "", "hi ", "Hello, ", "Hi there, ", "hey, ", "Good morning, ")
CLOSERS = ("", "", "", " thanks", " Thanks!", " thx", " please help", " Regards")


def _typo(word: str, g: np.random.Generator) -> str:
    """One keyboard slip: a swapped, dropped or doubled letter."""
    i = int(g.integers(1, len(word) - 1))
    kind = g.integers(0, 3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _write(template: str, item: str, order_id: int, order_date: pd.Timestamp, g: np.random.Generator) -> str:
    """A template in one customer's hand: their greeting, their typing, their case."""
    text = template.format(
        item=item,
        order=f"#{order_id}" if g.random() < 0.5 else str(order_id),
        days=int(g.integers(5, 15)),
        date=f"{order_date.day} {order_date:%B}",
    )
    words = text.split(" ")
    words = [_typo(w, g) if len(w) >= 5 and w.isalpha() and g.random() < 0.05 else w for w in words]
    text = " ".join(words)
    style = g.random()
    if style < 0.25:
        text = text.lower()
    elif style < 0.30:
        text = text.upper()
    return (str(g.choice(OPENERS)) + text + str(g.choice(CLOSERS))).strip()


def _template(reason: str, product: str, word: str, when: pd.Timestamp, repeat: bool, g: np.random.Generator) -> str:
    """The pool a customer's message comes from: product- and period-specific where they exist."""
    pool = REPEAT if repeat else FIRST
    key = reason
    if reason == "damaged or faulty" and product == KETTLE and BATCH_START <= when < KETTLE_PULLED:
        key = "damaged or faulty/kettle"
    elif reason == "damaged or faulty" and product == "ribbed glass tumblers" and not repeat and g.random() < 0.6:
        key = "damaged or faulty/glasses"
    elif reason == "where is my order" and not repeat and CARRIER_CHANGE <= when and g.random() < 0.5:
        key = "where is my order/new carrier"
    return str(g.choice(pool.get(key, pool[reason])))


# --- orders and contacts -------------------------------------------------------------------


def _wismo_period(day: pd.Timestamp) -> str:
    if day < CARRIER_CHANGE:
        return "old carrier"
    return "new carrier" if day < NOTICE else "with notice"


def _daily_orders(g: np.random.Generator) -> pd.DataFrame:
    """One row per order: the day and the product."""
    names = [p[0] for p in PRODUCTS]
    shares = np.array([p[2] for p in PRODUCTS])
    shares = shares / shares.sum()
    rows = []
    for day in pd.date_range(START, END, freq="D"):
        months = (day.year - START.year) * 12 + day.month - 1
        mean = ORDERS_PER_DAY * (1 + GROWTH_PER_MONTH * months) * WEEKDAY_FACTOR[day.weekday()]
        if HOLIDAY[0] <= day <= HOLIDAY[1]:
            mean *= HOLIDAY[2]
        count = int(g.poisson(mean))
        rows += [(day, name) for name in g.choice(names, size=count, p=shares)]
        if day < KETTLE_PULLED:
            rows += [(day, KETTLE)] * int(g.poisson(KETTLE_PER_DAY))
    orders = pd.DataFrame(rows, columns=["order_date", "product"])
    order = g.permutation(len(orders))  # shuffle within the day, then number in date order
    orders = orders.iloc[order].sort_values("order_date", kind="stable").reset_index(drop=True)
    orders.insert(0, "order_id", np.arange(100001, 100001 + len(orders)))
    return orders


def _root_cause(product: str, day: pd.Timestamp, g: np.random.Generator) -> str | None:
    """What, if anything, will make this order's customer get in touch."""
    if product == KETTLE and BATCH_START <= day:
        faulty = P_FAULTY["kettle batch"]
    else:
        faulty = P_FAULTY.get(product, P_FAULTY["other"])
    p = {"where is my order": P_WISMO[_wismo_period(day)], "damaged or faulty": faulty, **P_OTHER_REASONS}
    draw, total = g.random(), 0.0
    for reason, chance in p.items():
        total += chance
        if draw < total:
            return reason
    return None


def _contacts_for(order: tuple, reason: str, words: dict[str, str], g: np.random.Generator) -> list[dict]:
    """The first contact about an order, and any repeats until the problem is solved."""
    order_id, order_date, product = order
    low, high = FIRST_LAG[reason]
    day = order_date + pd.Timedelta(days=int(g.integers(low, high + 1)))
    channel = str(g.choice(CHANNELS, p=CHANNEL_P))
    p_repeat = P_REPEAT_KETTLE if (product == KETTLE and reason == "damaged or faulty") else P_REPEAT[reason]
    contacts, repeat = [], False
    while True:
        template = _template(reason, product, words[product], order_date, repeat, g)
        minutes = MINUTES[channel] * MINUTES_FACTOR.get(reason, MINUTES_OTHER) * (MINUTES_REPEAT if repeat else 1.0)
        contacts.append(
            {
                "contact_date": day,
                "order_id": order_id,
                "channel": channel,
                "message": _write(template, words[product], order_id, order_date, g),
                "reason": reason,
                "handle_minutes": round(float(minutes * g.lognormal(0.0, 0.35)), 1),
            }
        )
        if g.random() >= p_repeat * (0.6 if repeat else 1.0):
            return contacts
        repeat = True
        day = day + pd.Timedelta(days=int(g.integers(1, 8)))
        if g.random() >= P_SAME_CHANNEL:
            channel = str(g.choice([c for c in CHANNELS if c != channel]))


@cache
def _simulate() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Orders and contacts from one simulation, so the two tables always agree."""
    g = rng(SEED)
    orders = _daily_orders(g)
    words = {name: word for name, word, _ in PRODUCTS} | {KETTLE: KETTLE_WORD}
    contacts: list[dict] = []
    for order in orders[["order_id", "order_date", "product"]].itertuples(index=False, name=None):
        reason = _root_cause(order[2], order[1], g)
        if reason is not None:
            contacts += _contacts_for(order, reason, words, g)
    log = pd.DataFrame(contacts)
    log = log.sort_values(["contact_date", "order_id"], kind="stable")
    log = log.reset_index(drop=True)
    log.insert(0, "contact_id", np.arange(1, len(log) + 1))

    sample = np.sort(g.choice(len(log), size=LABELLED, replace=False))
    log["labelled_reason"] = None
    log.loc[sample, "labelled_reason"] = log.loc[sample, "reason"]

    per_order = log.groupby("order_id").agg(contacts=("contact_id", "size"), channels=("channel", "nunique"))
    counts = orders["order_id"].map(per_order["contacts"]).fillna(0).astype(int)
    switched = orders["order_id"].map(per_order["channels"]).fillna(1).to_numpy() > 1
    chance = counts.clip(upper=3).map(P_REORDER).to_numpy() - SWITCH_PENALTY * switched
    orders["reordered_60d"] = g.random(len(orders)) < chance
    return orders, log


LOG_COLUMNS = ["contact_id", "contact_date", "order_id", "channel", "message", "labelled_reason", "handle_minutes"]


def build_orders() -> pd.DataFrame:
    return _simulate()[0].copy()


def build_log() -> pd.DataFrame:
    return _simulate()[1][LOG_COLUMNS].copy()


def sample_messages(n: int = 400, seed: int = 1) -> pd.DataFrame:
    """``n`` fresh messages written the way ``contacts_log``'s are, with their true ``reason``.

    Why: a classifier tuned on the labelled sample could simply remember it; messages it
    has never seen show whether its rules generalise. The messages come from the same
    rules as the log's (root causes by day and product, repeats, typos), for orders on
    random days of 2025 with products drawn in their shares of orders.
    """
    g = rng(SEED + seed)
    names = [p[0] for p in PRODUCTS] + [KETTLE]
    shares = np.array([p[2] for p in PRODUCTS] + [KETTLE_PER_DAY / ORDERS_PER_DAY])
    days = START + pd.to_timedelta(g.integers(0, (END - START).days + 1, size=20 * n), unit="D")
    products = g.choice(names, size=20 * n, p=shares / shares.sum())
    words = {name: word for name, word, _ in PRODUCTS} | {KETTLE: KETTLE_WORD}
    rows: list[dict] = []
    for order_id, (day, product) in enumerate(zip(days, products, strict=True), start=200001):
        if product == KETTLE and day >= KETTLE_PULLED:
            continue
        order = (order_id, day, str(product))
        reason = _root_cause(order[2], order[1], g)
        if reason is not None:
            rows += _contacts_for(order, reason, words, g)
        if len(rows) >= n:
            break
    return pd.DataFrame(rows[:n])[["message", "reason"]]


def build_bank_calls() -> pd.DataFrame:
    """Calls handled per weekday, added up from the raw five-minute counts."""
    raw = pd.read_csv(BANK_RAW)
    stamps = pd.to_datetime(raw["DateTime"].str.rstrip("Z"))
    daily = raw.groupby(stamps.dt.normalize().rename("date"))["Calls"].sum().rename("calls").reset_index()
    daily["calls"] = daily["calls"].astype("int64")
    daily["source"] = BANK_SOURCE
    return daily


DATASETS = [
    Dataset(
        name="contacts_orders",
        columns=(
            Column("order_id", "int"),
            Column("order_date", "date"),
            Column("product", "category"),
            Column("reordered_60d", "bool"),
        ),
        build=build_orders,
    ),
    Dataset(
        name="contacts_log",
        columns=(
            Column("contact_id", "int"),
            Column("contact_date", "date"),
            Column("order_id", "int"),
            Column("channel", "category"),
            Column("message", "str"),
            Column("labelled_reason", "category"),
            Column("handle_minutes", "float"),
        ),
        build=build_log,
    ),
    Dataset(
        name="contacts_bank_calls",
        columns=(Column("date", "date"), Column("calls", "int"), Column("source", "str")),
        build=build_bank_calls,
    ),
]
