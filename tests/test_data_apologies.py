"""Lesson 04's data: the real case table is intact, and every planted effect is recoverable
with the lesson's own analysis (differences in means, least squares, before/after windows)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coursekit import load_dataset

COMPONENTS = ["regret", "explanation", "acknowledgment", "repentance", "repair", "forgiveness"]
MIDDLE = ["regret", "explanation", "repentance"]


@pytest.fixture(scope="module")
def cases():
    return load_dataset("apology_cases")


@pytest.fixture(scope="module")
def vignettes():
    return load_dataset("apology_vignettes")


@pytest.fixture(scope="module")
def daily():
    return load_dataset("apology_daily")


def window_mean(daily: pd.DataFrame, day: pd.Timestamp, column: str, days: int) -> tuple[float, float]:
    before = daily[(daily["date"] >= day - pd.Timedelta(days=days)) & (daily["date"] < day)]
    after = daily[(daily["date"] >= day) & (daily["date"] < day + pd.Timedelta(days=days))]
    return before[column].mean(), after[column].mean()


def event_day(daily: pd.DataFrame, name: str) -> pd.Timestamp:
    days = daily.loc[daily["event"] == name, "date"]
    assert len(days) == 1, f"exactly one '{name}' day"
    return days.iloc[0]


# --- the real case table ----------------------------------------------------------------------


def test_cases_are_the_eight_documented_ones_with_sources(cases):
    assert len(cases) == 8
    assert cases["case"].is_unique
    assert cases["source"].str.len().gt(3).all(), "every real row names its source"
    assert set(cases["responsibility_taken"].astype(str)) <= {"no", "partial", "yes"}


def test_case_dates_match_the_fact_sheet(cases):
    lag = (cases["apology_date"] - cases["incident_date"]).dt.days
    lag = pd.Series(lag.to_numpy(), index=cases["case"])
    assert lag["Kindle 1984"] == 6  # deletion public 17 Jul 2009, Bezos's post 23 Jul
    assert lag["JetBlue ice storm"] == 6
    assert lag["Netflix Qwikster"] == 68
    assert lag["Domino's prank video"] == 2
    assert lag["United flight 3411"] == 2
    assert lag["Airbnb EJ"] == 33  # the host's post of 29 Jun 2011 (public), not the day it went viral (27 Jul)
    assert lag["KFC UK chicken shortage"] == 9
    assert np.isnan(lag["Tylenol recall"]), "the recall date is unverified, so it stays blank"
    prior = cases.set_index("case")["prior_statement_date"].dropna()
    assert set(prior.index) == {"Kindle 1984", "United flight 3411"}
    assert (cases["apology_date"].dropna() >= cases.loc[cases["apology_date"].notna(), "incident_date"]).all()


def test_components_are_zero_or_one_and_nobody_asked_forgiveness(cases):
    assert cases[COMPONENTS].isin([0, 1]).all().all()
    assert cases["forgiveness"].sum() == 0
    # The acknowledgment component follows the coded responsibility, except United, whose
    # second-day apology accepted responsibility after a first statement that deflected it.
    full = cases["responsibility_taken"] == "yes"
    assert (cases.loc[full, "acknowledgment"] == 1).all()
    partial = cases[~full].set_index("case")["acknowledgment"]
    assert partial.to_dict() == {"Netflix Qwikster": 0, "Domino's prank video": 0, "United flight 3411": 1}


# --- the vignette experiment ------------------------------------------------------------------


def test_components_were_switched_on_at_random(vignettes):
    shares = vignettes[COMPONENTS].mean()
    assert shares.between(0.45, 0.55).all(), shares
    correlations = vignettes[COMPONENTS].corr().to_numpy()
    off_diagonal = correlations[~np.eye(len(COMPONENTS), dtype=bool)]
    assert np.abs(off_diagonal).max() < 0.08, "components are assigned independently"
    assert vignettes["rating"].between(1, 7).all()


def differences_in_means(vignettes: pd.DataFrame) -> pd.Series:
    return pd.Series(
        {
            c: vignettes.loc[vignettes[c] == 1, "rating"].mean() - vignettes.loc[vignettes[c] == 0, "rating"].mean()
            for c in COMPONENTS
        }
    )


def least_squares(vignettes: pd.DataFrame) -> pd.Series:
    x = np.column_stack([np.ones(len(vignettes)), vignettes[COMPONENTS].to_numpy()])
    coefficients = np.linalg.lstsq(x, vignettes["rating"].to_numpy(dtype=float), rcond=None)[0]
    return pd.Series(coefficients[1:], index=COMPONENTS)


@pytest.mark.parametrize("estimator", [differences_in_means, least_squares])
def test_lewicki_ranking_is_recovered(vignettes, estimator):
    effect = estimator(vignettes)
    middle = effect[MIDDLE]
    assert effect.idxmax() == "acknowledgment"
    assert effect["acknowledgment"] > effect["repair"] + 0.2, "responsibility clearly first"
    assert effect["repair"] > middle.max() + 0.1, "repair clearly second"
    assert middle.max() - middle.min() < 0.25, "regret, explanation and repentance about equal"
    assert middle.min() > effect["forgiveness"] + 0.2, "forgiveness clearly last"
    assert effect["forgiveness"] < 0.15


# --- the Bramble scenario ---------------------------------------------------------------------


def test_scenario_timeline(daily):
    assert daily["date"].is_monotonic_increasing and daily["date"].diff().dropna().dt.days.eq(1).all()
    incident, statement, apology = (event_day(daily, e) for e in ("incident", "press statement", "personal apology"))
    assert incident < statement < apology
    assert (statement - incident).days >= 3 and (apology - statement).days >= 3, "3-day windows stay clean"


def test_incident_raises_cancellations_and_posts(daily):
    incident = event_day(daily, "incident")
    before, after = window_mean(daily, incident, "cancellations", 3)
    assert after > 2.5 * before
    posts_before, posts_after = window_mean(daily, incident, "complaint_posts", 3)
    assert posts_after > 20 * posts_before


def test_press_statement_barely_changes_cancellations(daily):
    before, after = window_mean(daily, event_day(daily, "press statement"), "cancellations", 3)
    assert abs(after / before - 1) < 0.15
    r_before, r_after = window_mean(daily, event_day(daily, "press statement"), "reactivations", 3)
    assert abs(r_after - r_before) < 2


def test_personal_apology_cuts_cancellations_and_brings_reactivations(daily):
    apology = event_day(daily, "personal apology")
    before, after = window_mean(daily, apology, "cancellations", 3)
    assert after / before - 1 < -0.4
    r_before, r_after = window_mean(daily, apology, "reactivations", 3)
    assert r_after > 4 * max(r_before, 1)
    posts_before, posts_after = window_mean(daily, apology, "complaint_posts", 3)
    assert posts_after < 0.5 * posts_before


def test_win_back_rate_and_return_to_normal(daily):
    incident, apology = event_day(daily, "incident"), event_day(daily, "personal apology")
    lost = daily.loc[(daily["date"] >= incident) & (daily["date"] < apology), "cancellations"].sum()
    won = daily.loc[(daily["date"] >= apology) & (daily["date"] < apology + pd.Timedelta(days=14)), "reactivations"]
    assert 0.12 < won.sum() / lost < 0.35
    pre = daily.loc[daily["date"] < incident, "cancellations"].mean()
    late = daily.loc[daily["date"] >= apology + pd.Timedelta(days=21), "cancellations"].mean()
    assert abs(late / pre - 1) < 0.2, "four weeks on, cancellations are back to normal"
