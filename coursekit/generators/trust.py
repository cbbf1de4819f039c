"""Lesson 02 data: promises kept and broken at an online shop, and real repeat purchases.

- ``trust_orders`` (synthetic): every order of Larkspur Market, the invented shop of
  lesson 00, over 2023-2024, with the delivery date it promised, the day the parcel
  came, whether the item was defective and how the shop put that right. Customers
  decide after each order whether to come back, and how soon, by rules grounded in
  published findings (see the datasheet in ``datasets/README.md``):

  * each late delivery a customer has had so far makes them less likely to order
    again: 14% more quit after one, 54% after two or more (Voxware survey, 2014);
  * a late delivery lengthens the wait until the next order much more than an early
    one shortens it (Harter, Stich & Spann, 2024);
  * after a defective item, a next-day replacement keeps most customers, a refund a
    week later fewer, doing nothing fewest; none of them keeps as many as no failure
    at all (de Matos, Henrique & Rossi, 2007: no recovery paradox for repurchase).

- ``trust_cdnow`` (real): the CDNOW purchase records of Fader & Hardie, converted
  from ``datasets/raw/cdnow/CDNOW_master.txt`` (kept unchanged) into one row per
  customer and purchase day.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

RECOVERIES = ("not needed", "replacement next day", "refund after a week", "nothing")

START = pd.Timestamp("2023-01-01")
END = pd.Timestamp("2024-12-31")
LAST_SIGNUP = pd.Timestamp("2024-10-31")
CUSTOMERS = 5000

# Chance an order arrives after its promised date: the shop changed delivery partner
# on 1 January 2024 (a teaching assumption that gives later cohorts fewer broken promises).
P_LATE = {2023: 0.13, 2024: 0.07}
P_EARLY = 0.22
DAYS_LATE = np.array([1, 2, 3, 4, 5, 6])
DAYS_LATE_P = np.array([0.40, 0.25, 0.15, 0.10, 0.06, 0.04])
PROMISE_DAYS = np.array([2, 3, 5])
PROMISE_P = np.array([0.5, 0.3, 0.2])

P_DEFECT = 0.08
RECOVERY_P = np.array([0.35, 0.40, 0.25])  # replacement next day, refund after a week, nothing

# After every order, a customer quits with a base chance that falls with each promise kept
# in a row (trust built by repetition) and jumps back when one is broken (one lapse undoes
# the run). A teaching assumption, shaped like the real CDNOW file, where the chance of
# buying again rises with every purchase so far.
BASE_QUIT_AFTER_BROKEN = 0.30
BASE_QUIT_DROP_PER_KEPT = 0.03
BASE_QUIT_FLOOR = 0.15
# Extra chance to quit after any order, by the number of late deliveries so far
# (Voxware 2014: 14% would quit after one late delivery, 54% after two or three).
EXTRA_QUIT_LATE = {0: 0.0, 1: 0.14}
EXTRA_QUIT_LATE_MANY = 0.54
# Extra chance to quit right after a defective order, by how it was put right
# (teaching assumption; de Matos et al. 2007: recovery does not beat no failure on repurchase).
EXTRA_QUIT_DEFECT = {"replacement next day": 0.05, "refund after a week": 0.25, "nothing": 0.55}

# Days until the next order: a gamma draw, stretched by lateness much more than
# shrunk by earliness (Harter, Stich & Spann 2024 for the direction; sizes assumed).
GAP_SHAPE, GAP_SCALE, GAP_MIN = 2.0, 20.0, 3
GAP_PER_DAY_LATE = 0.15
GAP_PER_DAY_EARLY = 0.08

CDNOW_RAW = Path(__file__).resolve().parent.parent.parent / "datasets" / "raw" / "cdnow" / "CDNOW_master.txt"
CDNOW_SOURCE = "CDNOW_master.txt (Fader & Hardie)"


def _one_customer(g: np.random.Generator, customer_id: int, first: pd.Timestamp, rows: list[dict]) -> None:
    """Append one customer's orders to ``rows``, from their first order until they quit."""
    spend_scale = float(g.lognormal(np.log(32.0), 0.45))
    late_so_far = 0
    streak = 0
    day = first
    while day <= END:
        promise = int(g.choice(PROMISE_DAYS, p=PROMISE_P))
        u = g.random()
        if u < P_LATE[day.year]:
            offset = int(g.choice(DAYS_LATE, p=DAYS_LATE_P))
        elif u < P_LATE[day.year] + P_EARLY:
            offset = -1 if g.random() < 0.7 else -2
            offset = max(offset, 1 - promise)
        else:
            offset = 0
        defective = bool(g.random() < P_DEFECT)
        recovery = str(g.choice(RECOVERIES[1:], p=RECOVERY_P)) if defective else "not needed"
        days_to_fix = None
        contacts = int(g.random() < 0.04)  # a question now and then, even when all goes well
        if offset > 0:
            contacts += int(g.random() < 0.5 + 0.08 * offset)  # "where is my parcel?"
        if recovery == "replacement next day":
            days_to_fix, contacts = 1, contacts + 1  # one call, sorted out
        elif recovery == "refund after a week":
            days_to_fix, contacts = int(g.integers(6, 10)), contacts + 2
        elif recovery == "nothing":
            contacts += int(g.integers(2, 5))  # the customer keeps chasing
        price = spend_scale * float(g.lognormal(0.0, 0.3))
        rows.append(
            {
                "order_id": 0,
                "customer_id": customer_id,
                "order_date": day,
                "promised_date": day + pd.Timedelta(days=promise),
                "delivered_date": day + pd.Timedelta(days=promise + offset),
                "defective": defective,
                "recovery": recovery,
                "days_to_fix": days_to_fix,
                "support_contacts": contacts,
                "price_usd": round(price, 2),
            }
        )
        late_so_far += offset > 0
        streak = 0 if offset > 0 or defective else streak + 1
        stay = 1 - max(BASE_QUIT_FLOOR, BASE_QUIT_AFTER_BROKEN - BASE_QUIT_DROP_PER_KEPT * streak)
        stay *= 1 - EXTRA_QUIT_LATE.get(late_so_far, EXTRA_QUIT_LATE_MANY)
        stay *= 1 - EXTRA_QUIT_DEFECT.get(recovery, 0.0)
        if g.random() >= stay:
            return
        gap = GAP_MIN + g.gamma(GAP_SHAPE, GAP_SCALE)
        if offset > 0:
            gap *= 1 + GAP_PER_DAY_LATE * offset
        elif offset < 0:
            gap *= 1 - GAP_PER_DAY_EARLY * -offset
        day = day + pd.Timedelta(days=max(1, int(round(gap))))


def build_orders() -> pd.DataFrame:
    """About 20,000 orders by 5,000 customers who first ordered between Jan 2023 and Oct 2024."""
    g = rng(20230102)
    span = (LAST_SIGNUP - START).days + 1
    first_days = np.sort(g.integers(0, span, size=CUSTOMERS))
    rows: list[dict] = []
    for customer_id, first_day in enumerate(first_days, start=1):
        _one_customer(g, customer_id, START + pd.Timedelta(days=int(first_day)), rows)
    orders = pd.DataFrame(rows).sort_values(["order_date", "customer_id"], kind="stable")
    orders["order_id"] = np.arange(1, len(orders) + 1)
    orders["days_to_fix"] = orders["days_to_fix"].astype("Int64")
    return orders.reset_index(drop=True)


def build_cdnow() -> pd.DataFrame:
    """The CDNOW master file as one row per customer and purchase day, dates in ISO form."""
    raw = pd.read_csv(
        CDNOW_RAW,
        sep=r"\s+",
        dtype={"customer_id": str, "date": str, "number_of_cds": "int64", "dollar_value": "float64"},
    )
    raw["customer_id"] = raw["customer_id"].astype("int64")
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    days = raw.groupby(["customer_id", "date"], as_index=False).agg(
        cds=("number_of_cds", "sum"), dollars_usd=("dollar_value", "sum")
    )
    days["dollars_usd"] = days["dollars_usd"].round(2)
    days["source"] = CDNOW_SOURCE
    return days.sort_values(["customer_id", "date"]).reset_index(drop=True)


DATASETS = [
    Dataset(
        name="trust_orders",
        columns=(
            Column("order_id", "int"),
            Column("customer_id", "int"),
            Column("order_date", "date"),
            Column("promised_date", "date"),
            Column("delivered_date", "date"),
            Column("defective", "bool"),
            Column("recovery", "category", RECOVERIES),
            Column("days_to_fix", "int"),
            Column("support_contacts", "int"),
            Column("price_usd", "float"),
        ),
        build=build_orders,
    ),
    Dataset(
        name="trust_cdnow",
        columns=(
            Column("customer_id", "int"),
            Column("date", "date"),
            Column("cds", "int"),
            Column("dollars_usd", "float"),
            Column("source", "str"),
        ),
        build=build_cdnow,
    ),
]
