"""Lesson 00 data: a customer survey and a product decision log of a fictional shop.

Larkspur Market is an invented online shop. Its numbers are synthetic: they make
two of the lesson's ideas measurable, with effect sizes chosen for teaching (no
published study measured them; the datasheet says so).

- ``dayone_survey``: even customers who give the top satisfaction score mostly
  still wish for something (Bezos, 2016 letter: customers stay "beautifully,
  wonderfully dissatisfied" even when they report being happy), and their
  wishes are the things that do not change: faster delivery, lower prices,
  wider selection.
- ``dayone_decisions``: decisions justified by customers' needs are followed by
  better repeat-purchase changes than decisions justified by competitors,
  product, technology or business model; and the share of customer-justified
  decisions drifts down year by year (a slide towards Day 2). Each decision
  has a one-line description (what was done, and the argument the memo made),
  so a learner has something concrete to critique.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

WISHES = (
    "nothing",
    "faster delivery",
    "lower prices",
    "wider selection",
    "easier returns",
    "better search",
)
SEGMENTS = ("first-time", "returning", "loyal")
REASONS = ("customer", "competitor", "product", "technology", "business model")
TEAMS = ("catalogue", "delivery", "payments", "support", "marketing")

# Chance a respondent wishes for nothing, by satisfaction score 1..5.
P_NOTHING = {1: 0.02, 2: 0.04, 3: 0.12, 4: 0.25, 5: 0.38}
# What the ones who wish for something ask for (the things that don't change lead).
WISH_WEIGHTS = np.array([0.37, 0.26, 0.20, 0.10, 0.07])
SATISFACTION_P = np.array([0.04, 0.07, 0.17, 0.37, 0.35])

# What each team's decisions did: neutral actions, so the argument (below) carries the reason.
TEAM_ACTIONS = {
    "catalogue": (
        "Add 4,000 garden and outdoor products",
        "Rewrite the product pages with larger photos and size guides",
        "Drop 600 slow-selling products from the range",
        "Open the catalogue to independent craft sellers",
        "Add a compare-side-by-side button to product lists",
        "Launch an own-brand range of kitchen basics",
    ),
    "delivery": (
        "Offer evening delivery slots in the three largest cities",
        "Move orders under $20 to a cheaper, slower courier",
        "Add parcel lockers at 40 train stations",
        "Promise next-day delivery on the 5,000 best sellers",
        "Send live parcel tracking by text message",
        "Charge a fee for Sunday deliveries",
    ),
    "payments": (
        "Offer payment in three instalments at checkout",
        "Add one-click reordering of past orders",
        "Introduce a paid membership with free shipping",
        "Save customers' cards by default to speed up checkout",
        "Pay cashback as store credit into a Larkspur wallet",
        "Accept two more mobile wallets",
    ),
    "support": (
        "Replace evening phone support with a chatbot",
        "Let agents refund orders under $30 without approval",
        "Open phone support at weekends",
        "Move all returns to a self-service web form",
        "Send a follow-up e-mail a week after every complaint",
        "Publish answers to the 50 most common questions",
    ),
    "marketing": (
        "Run a weekend flash sale every month",
        "Start a points-based loyalty programme",
        "Send personalised product recommendations by e-mail",
        "Sponsor a cooking show on national TV",
        "Give a $10 voucher for every friend referred",
        "Show 'only 2 left' stock warnings on product pages",
    ),
}
# The argument each decision memo made, by its recorded reason.
REASON_ARGUMENTS = {
    "customer": (
        "because it was the most common request in the customer survey",
        "after support contacts about it doubled in a quarter",
        "to fix the complaint customers raised most often in reviews",
        "after interviews with lapsed customers named it as why they left",
    ),
    "competitor": (
        "because our main rival launched the same thing last month",
        "to match what the market leader already offers",
        "after a competitor's launch got wide press coverage",
        "so that we are not the only shop without it",
    ),
    "product": (
        "because it was next on the product roadmap",
        "to make the range look complete next to the new site design",
        "because the product team wanted a more consistent design",
        "to round off this year's product plan",
    ),
    "technology": (
        "because the new platform made it easy to build",
        "to put the machine-learning service we licensed to use",
        "because the engineers wanted to retire the old system",
        "to use the data warehouse finished this year",
    ),
    "business model": (
        "to raise revenue per order",
        "because it lifts the gross margin by two points",
        "because investors asked for a recurring-revenue line",
        "to earn more from the most active customers",
    ),
}

# Mean change in the 90-day repeat-purchase rate (percentage points) after a decision.
EFFECT_BY_REASON = {
    "customer": 0.9,
    "competitor": -0.2,
    "product": 0.2,
    "technology": 0.3,
    "business model": -0.4,
}


def build_survey() -> pd.DataFrame:
    """600 answers to a short satisfaction survey, spread over 2024."""
    g = rng(20240101)
    n = 600
    satisfaction = g.choice(np.arange(1, 6), size=n, p=SATISFACTION_P)
    segment = g.choice(SEGMENTS, size=n, p=[0.3, 0.45, 0.25])
    nothing = g.random(n) < np.vectorize(P_NOTHING.get)(satisfaction)
    wish = np.where(nothing, "nothing", g.choice(WISHES[1:], size=n, p=WISH_WEIGHTS))
    days = np.sort(g.integers(0, 366, size=n))
    date = pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")
    base_spend = {"first-time": 35.0, "returning": 90.0, "loyal": 210.0}
    spend = np.array([base_spend[s] for s in segment]) * g.lognormal(0, 0.45, size=n)
    spend *= 0.85 + 0.05 * satisfaction
    return pd.DataFrame(
        {
            "respondent_id": np.arange(1, n + 1),
            "survey_date": date,
            "segment": segment,
            "satisfaction": satisfaction,
            "wish": wish,
            "spend_90d_usd": np.round(spend, 2),
        }
    )


def build_decisions() -> pd.DataFrame:
    """A decade of product decisions (2015-2024), with their stated reason and outcome."""
    g = rng(20150101)
    rows = []
    decision_id = 1
    for year in range(2015, 2025):
        # The share of decisions argued from customers' needs slides from 65% to 20%.
        customer_share = 0.65 - 0.05 * (year - 2015)
        others = (1 - customer_share) / 4
        n = int(g.integers(32, 41))
        reasons = g.choice(REASONS, size=n, p=[customer_share] + [others] * 4)
        days = np.sort(g.integers(0, 365, size=n))
        for reason, day in zip(reasons, days, strict=True):
            rows.append(
                {
                    "decision_id": decision_id,
                    "date": pd.Timestamp(year=year, month=1, day=1) + pd.Timedelta(days=int(day)),
                    "team": g.choice(TEAMS),
                    "reason": reason,
                    "repeat_rate_change_pp": round(float(EFFECT_BY_REASON[reason] + g.normal(0, 0.8)), 2),
                }
            )
            decision_id += 1
    decisions = pd.DataFrame(rows)
    described = describe(decisions["team"], decisions["reason"])
    return decisions.assign(description=described)[
        ["decision_id", "date", "team", "description", "reason", "repeat_rate_change_pp"]
    ]


def describe(teams: pd.Series, reasons: pd.Series) -> list[str]:
    """One line per decision: what the team did, and the argument its memo made.

    Drawn with a generator of its own (seed 20150102), so adding the descriptions
    left every other column of the file exactly as it was.
    """
    g = rng(20150102)
    return [
        f"{g.choice(TEAM_ACTIONS[team])} {g.choice(REASON_ARGUMENTS[reason])}."
        for team, reason in zip(teams, reasons, strict=True)
    ]


DATASETS = [
    Dataset(
        name="dayone_survey",
        columns=(
            Column("respondent_id", "int"),
            Column("survey_date", "date"),
            Column("segment", "category", SEGMENTS),
            Column("satisfaction", "int"),
            Column("wish", "category", WISHES),
            Column("spend_90d_usd", "float"),
        ),
        build=build_survey,
    ),
    Dataset(
        name="dayone_decisions",
        columns=(
            Column("decision_id", "int"),
            Column("date", "date"),
            Column("team", "category", TEAMS),
            Column("description", "str"),
            Column("reason", "category", REASONS),
            Column("repeat_rate_change_pp", "float"),
        ),
        build=build_decisions,
    ),
]
