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
  decisions drifts down year by year (a slide towards Day 2).
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
    return pd.DataFrame(rows)


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
            Column("reason", "category", REASONS),
            Column("repeat_rate_change_pp", "float"),
        ),
        build=build_decisions,
    ),
]
