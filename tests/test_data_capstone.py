"""Lesson 08's planted facts are in the data, and the capstone's own methods recover every one.

Each test below is one item of the "Planted facts" lists in the capstone datasheets
(``datasets/README.md``): the real problems, the red herrings, and the consistency of the
dashboard with the tables it summarises. The methods are the ones the lesson's exercises
ask for (perfect-order rate by month, the 90th percentile of delivery days, contacts per
100 orders, reply rates by stars, weighted apology components, 90-day cohort retention,
differences in rates between arms, lagged correlation of monthly growth).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from coursekit import load_dataset
from coursekit.generators import capstone

H2 = pd.Timestamp("2024-07-01")
# Lesson 04's least-squares estimates from apology_vignettes, as the capstone gives them.
WEIGHTS = {
    "acknowledgment": 1.37,
    "repair": 1.03,
    "regret": 0.52,
    "repentance": 0.50,
    "explanation": 0.47,
    "forgiveness": 0.00,
}
ARROWS = {
    "selection -> traffic": ("products_listed", "visitors"),
    "traffic -> sellers": ("visitors", "active_sellers"),
    "sellers -> selection": ("active_sellers", "products_listed"),
}


@pytest.fixture(scope="module")
def orders():
    frame = load_dataset("capstone_orders")
    frame["delivery_days"] = (frame["delivered_date"] - frame["order_date"]).dt.days
    frame["late"] = frame["delivered_date"] > frame["promised_date"]
    frame["perfect"] = ~frame["late"] & ~frame["defective"]
    return frame


@pytest.fixture(scope="module")
def contacts():
    return load_dataset("capstone_contacts")


@pytest.fixture(scope="module")
def reviews():
    return load_dataset("capstone_reviews")


@pytest.fixture(scope="module")
def dashboard():
    return load_dataset("capstone_dashboard")


def by_month(values: pd.Series, dates: pd.Series) -> pd.Series:
    return values.groupby(dates.dt.month).mean()


def contacts_per_100(orders: pd.DataFrame, contacts: pd.DataFrame) -> pd.Series:
    return (
        100
        * contacts.groupby(contacts["contact_date"].dt.month).size()
        / orders.groupby(orders["order_date"].dt.month).size()
    )


def cohort_retention(orders: pd.DataFrame) -> pd.Series:
    """Share of each 2024 cohort (quarter of the first order) ordering again within 90 days."""
    new = orders[orders["customer_since"] >= "2024-01-01"]
    since_first = (new["order_date"] - new["customer_since"]).dt.days
    again = (since_first > 0) & (since_first <= 90)
    per_customer = again.groupby(new["customer_id"]).any()
    cohort = new.groupby("customer_id")["customer_since"].first().dt.quarter
    return per_customer.groupby(cohort).mean()


def lagged_corr(leader: pd.Series, follower: pd.Series, lag: int) -> float:
    return follower.pct_change().corr(leader.pct_change().shift(lag))


# --- the top problem: broken delivery promises since the carrier switch -----------------------


def test_perfect_order_rate_falls_in_july_and_stays_down(orders):
    rate = by_month(orders["perfect"], orders["order_date"])
    assert rate.loc[1:6].min() > 0.85, "H1: about nine orders in ten are perfect"
    assert rate.loc[7:12].max() < 0.80, "H2: about three in four"
    assert rate.loc[1:6].mean() - rate.loc[7:12].mean() > 0.10


def test_the_new_carrier_breaks_the_promises(orders):
    h2 = orders[orders["order_date"] >= H2]
    late_by_carrier = h2.groupby("carrier", observed=True)["late"].mean()
    assert late_by_carrier["ZipRoute"] > 2.5 * late_by_carrier["TrueLine"]
    assert (orders.loc[orders["order_date"] < H2, "carrier"] == "TrueLine").all(), "ZipRoute from 1 July only"
    assert h2["carrier"].eq("ZipRoute").mean() == pytest.approx(capstone.ZIPROUTE_COVERAGE, abs=0.03)
    defects = orders.groupby(orders["order_date"] >= H2)["defective"].mean()
    assert abs(defects[True] - defects[False]) < 0.01, "defects do not change: lateness is the problem"


def test_the_switch_saves_ninety_cents_a_parcel(orders):
    cost = orders.groupby("carrier", observed=True)["shipping_cost_usd"].agg(["min", "max"])
    assert (cost["min"] == cost["max"]).all()
    assert cost.loc["TrueLine", "min"] - cost.loc["ZipRoute", "min"] == pytest.approx(0.90)


# --- the dashboard's proxies hide the tail ------------------------------------------------------


def test_mean_delivery_days_stay_flat_while_the_tail_doubles(orders):
    quarter = orders["order_date"].dt.quarter
    mean = orders["delivery_days"].groupby(quarter).mean()
    p90 = orders["delivery_days"].groupby(quarter).quantile(0.9)
    assert mean.max() - mean.min() < 0.25, "the dashboard's mean barely moves"
    assert list(p90) == [4, 4, 7, 7], "the slowest tenth waits 4 days in H1, 7 in H2"
    median = orders["delivery_days"].groupby(quarter).median()
    assert median.nunique() == 1, "the middle customer sees no change either"


def test_the_dashboard_is_computed_from_the_tables(orders, contacts, reviews, dashboard):
    month = orders["order_date"].dt.month
    assert list(dashboard["orders"]) == list(orders.groupby(month).size())
    assert np.allclose(dashboard["avg_delivery_days"], orders["delivery_days"].groupby(month).mean().round(2))
    shipped = (orders["shipped_date"] - orders["order_date"]).dt.days <= 1
    assert np.allclose(dashboard["shipped_on_time_pct"], (100 * shipped.groupby(month).mean()).round(1))
    assert list(dashboard["contacts"]) == list(contacts.groupby(contacts["contact_date"].dt.month).size())
    rmonth = reviews["review_date"].dt.month
    total = capstone.EARLIER_REVIEWS * capstone.EARLIER_MEAN_STARS + reviews.groupby(rmonth)["stars"].sum().cumsum()
    count = capstone.EARLIER_REVIEWS + reviews.groupby(rmonth).size().cumsum()
    assert np.allclose(dashboard["store_rating"], (total / count).round(2))


def test_the_dashboard_looks_healthy(dashboard, reviews):
    assert (dashboard["shipped_on_time_pct"] >= 97).all(), "the warehouse hits its process target every month"
    assert dashboard["store_rating"].max() - dashboard["store_rating"].min() < 0.1, "the all-time rating barely moves"
    first_response = dashboard.set_index(dashboard["month"].dt.month)["avg_first_response_min"]
    assert first_response.loc[7:12].max() < first_response.loc[1:6].min() / 1.8, "answers got faster in H2"
    h2 = reviews["review_date"] >= H2
    one_star = (reviews["stars"] == 1).groupby(h2).mean()
    assert one_star[True] > 1.3 * one_star[False], "while one-star reviews became more common"


# --- contacts as defects -------------------------------------------------------------------------


def test_contacts_per_100_orders_rise_after_the_switch(orders, contacts):
    rate = contacts_per_100(orders, contacts)
    assert rate.loc[1:6].max() < 10
    assert rate.loc[7:12].min() > 10
    assert rate.loc[7:12].mean() > 1.6 * rate.loc[1:6].mean()


def test_red_herring_the_november_spike_follows_the_orders(orders, contacts, dashboard):
    raw = contacts.groupby(contacts["contact_date"].dt.month).size()
    assert raw.idxmax() == 11, "November has the most contacts of the year"
    assert dashboard.set_index(dashboard["month"].dt.month)["orders"].idxmax() == 11, "and the most orders"
    rate = contacts_per_100(orders, contacts)
    assert rate[11] < rate[9], "per 100 orders, November is below September (the incident)"
    assert rate[11] < rate.loc[7:12].max(), "and not the worst month of H2"


def test_the_top_root_cause_is_carrier_delay_not_what_customers_say(contacts):
    h2 = contacts[contacts["contact_date"] >= H2]
    causes = h2["root_cause"].value_counts(normalize=True)
    assert causes.index[0] == "carrier delay" and causes.iloc[0] > 0.5
    stated = h2["stated_reason"].value_counts()
    assert stated.index[0] == "refund request", "customers mostly ask for refunds: the trap of the stated reason"
    whole_year = contacts["root_cause"].value_counts(normalize=True)
    assert whole_year.index[0] == "carrier delay" and whole_year.iloc[0] < causes.iloc[0]


def test_the_incident_shows_in_september(contacts):
    double = contacts[contacts["root_cause"] == "double charge"]
    assert set(double["contact_date"].dt.month) == {9}
    assert len(double) > 40


# --- reviews and replies -------------------------------------------------------------------------


def test_one_star_reviews_go_unanswered_five_stars_get_thanked(reviews):
    rate = reviews.groupby("stars")["replied"].mean()
    assert rate[1] < 0.15 and rate[5] > 0.55
    assert rate.is_monotonic_increasing or rate[1] < rate[2] < rate[5]
    assert reviews.loc[reviews["replied"], "reply_days"].notna().all()
    assert reviews.loc[~reviews["replied"], "reply_days"].isna().all()


def test_late_reviews_say_so(reviews):
    low = reviews[(reviews["stars"] <= 2) & (reviews["review_date"] >= H2)]
    assert low["text"].isin(capstone.TEXTS["late"]).mean() > 0.5, "most low reviews in H2 are about lateness"


# --- the incident statement ------------------------------------------------------------------------


def test_the_statement_leaves_out_what_matters_most():
    statement = load_dataset("capstone_statement")
    present = set(statement["component"].astype(str)) - {"none"}
    assert present == {"regret", "explanation", "repentance"}
    assert (statement["component"] == "regret").sum() == 2, "regret is said twice: count components, not sentences"
    score = sum(WEIGHTS[c] for c in present) / sum(WEIGHTS.values())
    assert score == pytest.approx(1.49 / 3.89)
    missing = sorted(set(WEIGHTS) - present, key=WEIGHTS.get, reverse=True)
    assert missing == ["acknowledgment", "repair", "forgiveness"]
    lag = (statement["published_date"].iloc[0] - capstone.INCIDENT_DAYS[0]).days
    assert lag == 9


# --- retention ---------------------------------------------------------------------------------


def test_the_latest_complete_cohort_keeps_fewer_customers(orders):
    retention = cohort_retention(orders)
    assert retention[3] < retention[1] - 0.03 and retention[3] < retention[2] - 0.03
    assert retention[4] < retention[3] - 0.1, "the Q4 cohort's 90 days are cut off by the end of the data"


def test_late_first_orders_lose_customers(orders):
    new = orders[orders["customer_since"] >= "2024-01-01"].sort_values(["customer_id", "order_date"])
    first = new.groupby("customer_id").head(1).set_index("customer_id")
    judged = first[first["order_date"] <= "2024-09-30"]
    since_first = (new["order_date"] - new["customer_since"]).dt.days
    again = ((since_first > 0) & (since_first <= 90)).groupby(new["customer_id"]).any()
    days_late = (judged["delivered_date"] - judged["promised_date"]).dt.days
    on_time = again[judged.index[(days_late <= 0) & ~judged["defective"]]].mean()
    very_late = again[judged.index[days_late >= 3]].mean()
    assert very_late < 0.4 * on_time, "after a first parcel 3+ days late, far fewer come back (Voxware 2014: 69%)"


# --- experiments ----------------------------------------------------------------------------------


def test_experiments_honest_dates_win_where_customers_feel_it_carousel_only_on_clicks():
    tests = load_dataset("capstone_experiments").set_index(["experiment", "arm"])
    rates = pd.DataFrame(
        {
            "click": tests["clicks"] / tests["users"],
            "conversion": tests["buyers"] / tests["users"],
            "repeat": tests["repeat_buyers"] / tests["buyers"],
            "contacts_per_100": 100 * tests["contacts"] / tests["buyers"],
        }
    )
    diff = rates.xs("treatment", level="arm") - rates.xs("control", level="arm")
    carousel, honest = diff.loc["homepage carousel"], diff.loc["honest delivery dates"]
    control = rates.loc[("homepage carousel", "control")]
    assert carousel["click"] / control["click"] > 0.15, "the carousel's headline: clicks up 20%"
    assert abs(carousel["conversion"]) < 0.001 and abs(carousel["repeat"]) < 0.005, "nothing customers value moved"
    assert honest["conversion"] < 0, "honest dates cost a little conversion..."
    users = tests["users"].xs("honest delivery dates")
    conv = rates["conversion"].xs("honest delivery dates")
    se = math.sqrt(sum(conv[a] * (1 - conv[a]) / users[a] for a in ("control", "treatment")))
    assert abs(honest["conversion"]) < 1.96 * se, "...within the noise of a test this size"
    assert honest["repeat"] > 0.05 and honest["contacts_per_100"] < -5, "and win on repeat buyers and contacts"
    arms = tests["users"].xs("honest delivery dates")
    assert arms["treatment"] < 0.5 * arms["control"], "unequal arms: compare rates, not counts"


# --- the flywheel ----------------------------------------------------------------------------------


def test_sellers_to_selection_is_the_weakest_link():
    flywheel = load_dataset("capstone_flywheel")
    strength = pd.Series(
        {
            name: max(lagged_corr(flywheel[lead], flywheel[follow], lag) for lag in range(7))
            for name, (lead, follow) in ARROWS.items()
        }
    )
    assert strength.idxmin() == "sellers -> selection"
    assert strength.min() < 0.4 and strength.drop("sellers -> selection").min() > 0.7
    at_zero = pd.Series({name: lagged_corr(flywheel[a], flywheel[b], 0) for name, (a, b) in ARROWS.items()})
    assert at_zero.idxmin() != "sellers -> selection", "at lag 0 alone, another arrow looks weakest"
    levels = pd.Series(
        {name: max(flywheel[b].corr(flywheel[a].shift(lag)) for lag in range(7)) for name, (a, b) in ARROWS.items()}
    )
    assert (levels > 0.9).all() and levels.idxmin() != "sellers -> selection", "levels hide the weak arrow"
    assert (flywheel[["visitors", "active_sellers", "products_listed"]].iloc[-1] > flywheel.iloc[0, 1:]).all()


# --- growth hides the damage ---------------------------------------------------------------------


def test_orders_still_grow_in_the_second_half(orders):
    per_month = orders.groupby(orders["order_date"].dt.month).size()
    assert per_month.loc[7:12].mean() > per_month.loc[1:6].mean()
