"""Lesson 00's planted effects are in the data and recoverable by the lesson's own analysis."""

from __future__ import annotations

import pytest

from coursekit import load_dataset
from coursekit.generators.day_one import REASON_ARGUMENTS, TEAM_ACTIONS


@pytest.fixture(scope="module")
def survey():
    return load_dataset("dayone_survey")


@pytest.fixture(scope="module")
def decisions():
    return load_dataset("dayone_decisions")


def test_most_top_scorers_still_wish_for_something(survey):
    top = survey[survey["satisfaction"] == 5]
    share = (top["wish"] != "nothing").mean()
    assert 0.55 <= share <= 0.70, share


def test_unhappier_customers_wish_more(survey):
    wishing = survey.assign(wishes=survey["wish"] != "nothing").groupby("satisfaction")["wishes"].mean()
    assert wishing.is_monotonic_decreasing


def test_leading_wishes_are_the_needs_that_do_not_change(survey):
    named = survey[survey["wish"] != "nothing"]["wish"].astype(str).value_counts()
    assert set(named.index[:3]) == {"faster delivery", "lower prices", "wider selection"}


def test_customer_decisions_do_best_and_competitor_or_model_ones_worst(decisions):
    means = decisions.groupby("reason", observed=True)["repeat_rate_change_pp"].mean().sort_values()
    assert means.index[-1] == "customer"
    assert set(means.index[:2]) == {"competitor", "business model"}
    assert means["customer"] - means["competitor"] > 0.6


def test_customer_share_slides_year_by_year(decisions):
    yearly = (decisions["reason"] == "customer").groupby(decisions["date"].dt.year).mean()
    assert list(yearly.index) == list(range(2015, 2025))
    assert yearly.iloc[:3].mean() - yearly.iloc[-3:].mean() > 0.3
    years = yearly.index.to_numpy(dtype=float)
    slope = ((years - years.mean()) * (yearly.to_numpy() - yearly.mean())).sum() / ((years - years.mean()) ** 2).sum()
    assert slope < -0.03, "the share should fall by several points a year"


def test_every_decision_is_described_by_its_team_and_its_reason(decisions):
    """The reflection critiques one decision: its line must say what was done and argue from its own reason."""
    for row in decisions.itertuples():
        assert any(row.description.startswith(action + " ") for action in TEAM_ACTIONS[row.team]), row
        assert any(row.description.endswith(f" {argument}.") for argument in REASON_ARGUMENTS[row.reason]), row
    assert decisions["description"].nunique() > 150, "descriptions vary across the log"
