"""Lesson 01 data: Amazon's third-party seller figures, and a decade of a fictional marketplace.

Two real tables, copied from Amazon's 2018 letter to shareholders (as checked in the
course's fact sheet), each row with its ``source``:

- ``flywheel_third_party_share``: third-party sellers' share of Amazon's physical
  gross merchandise sales (dollar share), 1999-2018, as the letter lists it.
- ``flywheel_amazon_sales``: first-party and third-party sales in 1999 and 2018,
  with the compound annual growth rate the letter reports for each.

One synthetic table:

- ``flywheel_marketplace``: 120 months (2015-2024) of Kestrel Market, an invented
  online marketplace, made by a small feedback model of Amazon's flywheel (Brad
  Stone, *The Everything Store*, 2013; Bezos's 2001 letter). Month by month:

  * selection (products listed) grows by a steady drift, plus what last month's
    new sellers list, plus a random shock (catalogue drives that come and go);
  * visitors grow with the selection growth of **three months earlier** (shoppers
    take time to notice a wider range and tell others), plus a drift that rises
    with the customer-experience score, plus noise;
  * active sellers grow with the visitor growth of **two months earlier** (sellers
    follow the traffic), plus noise;
  * orders are visitors times a conversion rate that rises with experience;
  * fixed costs step up 10% each January, so fixed cost per order falls as orders
    grow; the average price is a base plus 80% of last month's fixed cost per
    order, so the price follows the cost down;
  * the experience score rises with the log of selection and with lower prices,
    and a better experience lifts visitor growth: growth accelerates.

  The lags, the 80% pass-through and all sizes are teaching assumptions; the
  datasheet in ``datasets/README.md`` says which part rests on which source.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

LETTER_2018 = "Jeff Bezos, 2018 letter to Amazon shareholders"
SHARE_METRIC = "Third-party sellers' share of Amazon's physical gross merchandise sales, dollar share"

# Year -> percent, exactly as the 2018 letter lists them (years it skips are not invented).
THIRD_PARTY_SHARE_PCT = {
    1999: 3,
    2000: 3,
    2001: 6,
    2002: 17,
    2004: 25,
    2006: 28,
    2007: 29,
    2008: 30,
    2010: 34,
    2012: 42,
    2014: 49,
    2015: 51,
    2016: 54,
    2017: 56,
    2018: 58,
}

# The same letter: sales per year in billions of US dollars, and the growth it reports.
AMAZON_SALES = (
    # seller, 1999 sales, 2018 sales, reported compound annual growth (%)
    ("first-party", 1.6, 117.0, 25.0),
    ("third-party", 0.1, 160.0, 52.0),
)

# --- the Kestrel Market model (all teaching assumptions, see the datasheet) ----------
SEED = 20011001  # October 2001: Jim Collins visits Amazon; the flywheel is drawn
MONTHS = 120
BURN_IN = 12  # months simulated before January 2015, so every lag is defined
SELECTION_LEADS_VISITORS = 3  # months
VISITORS_LEAD_SELLERS = 2  # months
SELLERS_LEAD_SELECTION = 1  # months
PASS_THROUGH = 0.8  # share of fixed cost per order that the price carries
FIXED_COST_STEP = 0.10  # fixed costs rise 10% each January


def build_third_party_share() -> pd.DataFrame:
    """The letter's table of third-party share by year, one row per year it lists."""
    years = list(THIRD_PARTY_SHARE_PCT)
    return pd.DataFrame(
        {
            "year": years,
            "third_party_share_pct": [float(THIRD_PARTY_SHARE_PCT[y]) for y in years],
            "metric": SHARE_METRIC,
            "source": LETTER_2018,
        }
    )


def build_amazon_sales() -> pd.DataFrame:
    """First- and third-party sales in 1999 and 2018, with the growth the letter reports."""
    return pd.DataFrame(
        {
            "seller": [row[0] for row in AMAZON_SALES],
            "year_from": 1999,
            "sales_from_usd_bn": [row[1] for row in AMAZON_SALES],
            "year_to": 2018,
            "sales_to_usd_bn": [row[2] for row in AMAZON_SALES],
            "reported_cagr_pct": [row[3] for row in AMAZON_SALES],
            "source": LETTER_2018,
        }
    )


def simulate_marketplace(seed: int = SEED) -> pd.DataFrame:
    """Run the Kestrel Market feedback model for 132 months; keep the last 120."""
    g = rng(seed)
    steps = MONTHS + BURN_IN
    shock_selection = g.normal(0, 0.025, steps)
    shock_visitors = g.normal(0, 0.008, steps)
    shock_sellers = g.normal(0, 0.010, steps)
    noise_orders = g.normal(0, 0.010, steps)
    noise_fixed = g.normal(0, 0.010, steps)
    noise_price = g.normal(0, 0.25, steps)
    noise_experience = g.normal(0, 0.6, steps)

    # Monthly growth of the logs of selection, visitors and sellers.
    grow_s, grow_v, grow_n = np.zeros(steps), np.zeros(steps), np.zeros(steps)
    log_s, log_v, log_n = np.zeros(steps), np.zeros(steps), np.zeros(steps)
    experience, price, fixed, orders = np.zeros(steps), np.zeros(steps), np.zeros(steps), np.zeros(steps)
    selection0, visitors0, sellers0, fixed0, experience0 = 30_000, 300_000, 500, 120_000.0, 50.0
    log_s[0], log_v[0], log_n[0] = np.log(selection0), np.log(visitors0), np.log(sellers0)
    experience[0], fixed[0] = experience0, fixed0
    orders[0] = visitors0 * 0.022
    price[0] = 30 + PASS_THROUGH * fixed0 / orders[0]
    base_price = price[0]

    def lagged(series: np.ndarray, t: int, lag: int) -> float:
        return series[t - lag] if t >= lag else 0.0

    for t in range(1, steps):
        grow_s[t] = 0.012 + 0.3 * lagged(grow_n, t, SELLERS_LEAD_SELECTION) + shock_selection[t]
        grow_v[t] = (
            0.0012 * (experience[t - 1] - experience0)
            + 0.55 * lagged(grow_s, t, SELECTION_LEADS_VISITORS)
            + shock_visitors[t]
        )
        grow_n[t] = 0.003 + 0.6 * lagged(grow_v, t, VISITORS_LEAD_SELLERS) + shock_sellers[t]
        log_s[t], log_v[t], log_n[t] = log_s[t - 1] + grow_s[t], log_v[t - 1] + grow_v[t], log_n[t - 1] + grow_n[t]
        conversion = 0.022 + 0.0004 * (experience[t - 1] - experience0)
        orders[t] = np.exp(log_v[t]) * conversion * (1 + noise_orders[t])
        year_index = max(0, t - BURN_IN) // 12
        fixed[t] = fixed0 * (1 + FIXED_COST_STEP) ** year_index * (1 + noise_fixed[t])
        price[t] = 30 + PASS_THROUGH * fixed[t - 1] / orders[t - 1] + noise_price[t]
        experience[t] = (
            experience0 + 6 * (log_s[t] - np.log(selection0)) + 0.5 * (base_price - price[t]) + noise_experience[t]
        )

    kept = slice(BURN_IN, steps)
    return pd.DataFrame(
        {
            "month": pd.date_range("2015-01-01", periods=MONTHS, freq="MS"),
            "experience_score": np.round(np.clip(experience[kept], 0, 100), 1),
            "visitors": np.round(np.exp(log_v[kept])).astype("int64"),
            "active_sellers": np.round(np.exp(log_n[kept])).astype("int64"),
            "products_listed": np.round(np.exp(log_s[kept])).astype("int64"),
            "avg_price_usd": np.round(price[kept], 2),
            "orders": np.round(orders[kept]).astype("int64"),
            "fixed_costs_usd": np.round(fixed[kept]).astype("int64"),
        }
    )


DATASETS = [
    Dataset(
        name="flywheel_third_party_share",
        columns=(
            Column("year", "int"),
            Column("third_party_share_pct", "float"),
            Column("metric", "str"),
            Column("source", "str"),
        ),
        build=build_third_party_share,
    ),
    Dataset(
        name="flywheel_amazon_sales",
        columns=(
            Column("seller", "category"),
            Column("year_from", "int"),
            Column("sales_from_usd_bn", "float"),
            Column("year_to", "int"),
            Column("sales_to_usd_bn", "float"),
            Column("reported_cagr_pct", "float"),
            Column("source", "str"),
        ),
        build=build_amazon_sales,
    ),
    Dataset(
        name="flywheel_marketplace",
        columns=(
            Column("month", "date"),
            Column("experience_score", "float"),
            Column("visitors", "int"),
            Column("active_sellers", "int"),
            Column("products_listed", "int"),
            Column("avg_price_usd", "float"),
            Column("orders", "int"),
            Column("fixed_costs_usd", "int"),
        ),
        build=simulate_marketplace,
    ),
]
