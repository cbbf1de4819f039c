"""Lesson 07's planted effects are in the data and recoverable by the lesson's own analysis.

The analysis mirrors the notebook: calendar-week cohorts and the share of each cohort active
in each week; the share still subscribed k weeks after sign-up; DAU/MAU per month; monthly
churn of the subscribers on the books at the start of the month; differences of 4-week
retention with their 95% intervals (normal approximation, each group's own rate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coursekit import load_dataset
from coursekit.generators import loop

REQUESTED = ["dark mode", "more recipes", "calorie counts", "recipe import", "grocery delivery"]


@pytest.fixture(scope="module")
def subscribers():
    return load_dataset("loop_subscribers")


@pytest.fixture(scope="module")
def activity():
    return load_dataset("loop_activity")


@pytest.fixture(scope="module")
def experiments():
    frame = load_dataset("loop_experiments")
    rate_a = frame["retained_a"] / frame["users_a"]
    rate_b = frame["retained_b"] / frame["users_b"]
    se = np.sqrt(rate_a * (1 - rate_a) / frame["users_a"] + rate_b * (1 - rate_b) / frame["users_b"])
    return frame.assign(difference=rate_b - rate_a, se=se)


@pytest.fixture(scope="module")
def requests():
    return load_dataset("loop_requests")


@pytest.fixture(scope="module")
def weekly_retention(activity, subscribers):
    """The lesson's Exercise 1: calendar-week cohorts, distinct subscribers active per week."""
    weekly = activity.merge(subscribers[["user_id", "signup_date"]], on="user_id")
    weekly["cohort"] = weekly["signup_date"].dt.to_period("W-SUN").dt.start_time
    weekly["week"] = (weekly["date"].dt.to_period("W-SUN").dt.start_time - weekly["cohort"]).dt.days // 7
    active = weekly.groupby(["cohort", "week"])["user_id"].nunique().unstack()
    return active.div(active[0], axis=0).loc[:, 0:12], active[0]


def still_subscribed(subscribers, mask, week):
    days = (subscribers["cancel_date"] - subscribers["signup_date"]).dt.days.fillna(10_000)
    return (days[mask] >= 7 * week).mean()


def churn(subscribers, month: str) -> float:
    period = pd.Period(month, "M")
    on_books = (subscribers["signup_date"] < period.start_time) & ~(subscribers["cancel_date"] < period.start_time)
    return (on_books & (subscribers["cancel_date"] <= period.end_time)).sum() / on_books.sum()


def stickiness(activity, month: str) -> float:
    rows = activity[activity["date"].dt.to_period("M") == pd.Period(month, "M")]
    return rows.groupby("date")["user_id"].nunique().mean() / rows["user_id"].nunique()


# --- the log is consistent --------------------------------------------------------------


def test_subscribers_and_activity_are_consistent(subscribers, activity):
    assert subscribers["user_id"].tolist() == list(range(1, len(subscribers) + 1))
    assert subscribers["signup_date"].min() == loop.OPENED and subscribers["signup_date"].max() <= loop.LAST_DAY
    assert (subscribers["cancel_date"].dropna() <= loop.LAST_DAY).all()
    cancelled = subscribers["cancel_date"].notna()
    assert (subscribers.loc[cancelled, "cancel_date"] > subscribers.loc[cancelled, "signup_date"]).all()
    assert not activity.duplicated(["user_id", "date"]).any(), "one row per subscriber and active day"
    assert activity["date"].max() == loop.LAST_DAY and loop.LAST_DAY.day_name() == "Sunday"
    joined = activity.merge(subscribers, on="user_id")
    assert (joined["date"] >= joined["signup_date"]).all()
    assert (joined["cancel_date"].isna() | (joined["date"] < joined["cancel_date"])).all(), "no use after cancelling"
    first_day = activity.groupby("user_id")["date"].min()
    assert (first_day == subscribers.set_index("user_id")["signup_date"]).all(), "everyone is active on sign-up day"
    assert (activity["sessions"] >= 1).all()


# --- retention curves flatten, and auto-plan cohorts stay longer ------------------------


def test_retention_curves_fall_fast_then_flatten(subscribers):
    before = subscribers["signup_date"] < loop.AUTO_PLAN
    first_month_loss = 1 - still_subscribed(subscribers, before, 4)
    third_month_loss = still_subscribed(subscribers, before, 8) - still_subscribed(subscribers, before, 12)
    assert first_month_loss > 0.3, first_month_loss
    assert third_month_loss < first_month_loss / 2, (first_month_loss, third_month_loss)


def test_subscribers_who_joined_with_auto_plan_stay_longer(subscribers):
    before = subscribers["signup_date"] < loop.AUTO_PLAN
    with_it = ~before & (subscribers["signup_date"] <= pd.Timestamp("2024-07-28"))
    assert with_it.sum() > 300
    gain_4 = still_subscribed(subscribers, with_it, 4) - still_subscribed(subscribers, before, 4)
    gain_12 = still_subscribed(subscribers, with_it, 12) - still_subscribed(subscribers, before, 12)
    assert 0.05 <= gain_4 <= 0.15, gain_4  # the A/B test measured about +7.5 points at 4 weeks
    assert 0.08 <= gain_12 <= 0.20, gain_12
    assert still_subscribed(subscribers, with_it, 12) > 0.5 > still_subscribed(subscribers, before, 12)


def test_the_weekly_cohort_table_shows_auto_plan_too(weekly_retention):
    table, sizes = weekly_retention
    assert len(table) == 65 and (table[0] == 1).all()
    future = [[c + pd.Timedelta(weeks=k) > pd.Timestamp("2024-12-23") for k in range(13)] for c in table.index]
    assert table.isna().to_numpy().tolist() == future, "empty exactly where a week has not happened yet"

    def pooled(first, last, week):
        rows = (table.index >= pd.Timestamp(first)) & (table.index <= pd.Timestamp(last))
        return (table.loc[rows, week] * sizes[rows]).sum() / sizes[rows].sum()

    gain = pooled("2024-06-03", "2024-07-22", 8) - pooled("2023-10-02", "2024-05-27", 8)
    assert gain >= 0.04, gain


# --- stickiness and churn ---------------------------------------------------------------


def test_hands_free_mode_makes_the_app_stickier(activity):
    summer = np.mean([stickiness(activity, f"2024-{m:02d}") for m in range(6, 10)])
    autumn = np.mean([stickiness(activity, f"2024-{m:02d}") for m in range(10, 13)])
    assert 0.16 <= summer <= 0.19 and 0.21 <= autumn <= 0.24, (summer, autumn)
    assert all(0 < stickiness(activity, f"2024-{m:02d}") < 0.3 for m in range(1, 13))


def test_the_price_rise_doubles_churn_for_one_month_only(subscribers):
    october, november, december = (churn(subscribers, m) for m in ("2024-10", "2024-11", "2024-12"))
    assert november > 2 * october, (october, november)
    assert abs(december - october) < 0.25 * october, (october, december)
    others = [churn(subscribers, f"2024-{m:02d}") for m in range(1, 11)]
    assert november > max(others), "November is the worst month of the year"
    assert churn(subscribers, "2024-01") > churn(subscribers, "2024-09"), "churn drifts down through the year"


# --- the experiments --------------------------------------------------------------------


def test_results_follow_the_95_percent_interval(experiments):
    low = experiments["difference"] - loop.Z_95 * experiments["se"]
    high = experiments["difference"] + loop.Z_95 * experiments["se"]
    expected = np.where(low > 0, "win", np.where(high < 0, "loss", "flat"))
    assert (experiments["result"].astype(str) == expected).all()
    wins = experiments["result"] == "win"
    assert (experiments.loc[wins, "annual_value_usd"] > 0).all()
    assert (experiments.loc[~wins, "annual_value_usd"] == 0).all()
    assert experiments["experiment_id"].is_unique and experiments["name"].is_unique
    assert (experiments["end_date"] > experiments["start_date"]).all()


def test_most_experiments_fail_and_the_win_rate_is_in_the_published_range(experiments):
    # Kohavi & Thomke (HBR 2017): 10-20% positive at Google and Bing, about a third at Microsoft.
    win_share = (experiments["result"] == "win").mean()
    assert len(experiments) == 150
    assert 0.10 <= win_share <= 0.34, win_share
    assert (experiments["result"] != "win").mean() >= 2 / 3


def test_a_few_big_winners_carry_most_of_the_value(experiments):
    values = experiments["annual_value_usd"].sort_values(ascending=False)
    assert values.head(15).sum() / values.sum() >= 0.75
    assert values.head(10).sum() / values.sum() != values.head(15).sum() / values.sum()
    assert values.iloc[15] > 0, "the top 15 are unambiguous"
    top = experiments.loc[experiments["annual_value_usd"].idxmax(), "feature"]
    assert top == "auto-plan", "the invention nobody asked for is the biggest winner"


def test_feature_tests_land_near_their_planted_effects(experiments):
    tested = experiments.dropna(subset=["feature"]).set_index("feature")
    for feature, _area, _start, _days, effect in loop.FEATURE_TESTS:
        row = tested.loc[feature]
        assert abs(100 * row["difference"] - effect) <= 1.5 * 100 * row["se"], feature


# --- asked for vs what moved retention --------------------------------------------------


def test_requested_features_move_retention_less_than_the_unrequested_one(experiments, requests):
    counts = requests["request"].astype(str).value_counts()
    assert counts.to_dict() == dict(zip(loop.REQUEST_LEVELS, loop.REQUEST_COUNTS, strict=True))
    assert counts.index[0] == "dark mode" and counts["auto-plan"] / len(requests) < 0.02
    tested = experiments.dropna(subset=["feature"]).set_index("feature")
    lift_pp = 100 * tested["difference"]
    assert (lift_pp[REQUESTED] < 1.5).all() and (tested.loc[REQUESTED, "result"] == "flat").all()
    assert lift_pp["auto-plan"] > 5 and lift_pp["auto-plan"] > 4 * lift_pp[REQUESTED].max()
    table = pd.DataFrame({"requests": counts[REQUESTED + ["auto-plan"]], "lift": lift_pp[REQUESTED + ["auto-plan"]]})
    assert table["requests"].rank().corr(table["lift"].rank()) < 0, "more requests do not mean more retention"
    assert requests["answered_date"].between(*loop.SURVEY).all()


def test_launch_history_matches_the_dates_the_generator_uses():
    launches = load_dataset("loop_launches").set_index("launch")["date"]
    assert launches["auto-plan"] == loop.AUTO_PLAN
    assert launches["hands-free mode"] == loop.HANDS_FREE
    assert launches["price rise to $9.99"] == loop.PRICE_RISE[0]
    assert launches["price back to $7.99"] == loop.PRICE_RISE[1] + pd.Timedelta(days=1)


# --- the lesson's other numbers ---------------------------------------------------------


def test_the_app_hears_from_a_customer_far_more_often_than_cdnow(subscribers, activity):
    cdnow = load_dataset("trust_cdnow", columns=["customer_id", "date"])
    cd_months = ((pd.Timestamp("1998-06-30") - cdnow.groupby("customer_id")["date"].min()).dt.days / 30.44).sum()
    until = subscribers["cancel_date"].fillna(pd.Timestamp("2024-12-30"))
    app_months = ((until - subscribers["signup_date"]).dt.days / 30.44).sum()
    cd_rate, app_rate = len(cdnow) / cd_months, activity["sessions"].sum() / app_months
    assert 0.15 <= cd_rate <= 0.2, cd_rate  # about once every six months
    assert 10 <= app_rate <= 12.5, app_rate  # about eleven sessions a month


def test_peeking_every_day_finds_about_four_times_as_many_false_winners():
    z_daily = np.random.default_rng(2024).standard_normal((2000, 14)).cumsum(axis=1) / np.sqrt(np.arange(1, 15))
    crossed = np.abs(z_daily) > 1.96
    once, peeking = crossed[:, -1].mean(), crossed.any(axis=1).mean()
    assert 0.04 <= once <= 0.06 and peeking > 0.2 and 3.5 <= peeking / once <= 4.5, (once, peeking)


def test_the_single_a_a_test_shown_crosses_on_day_3_and_ends_in_the_noise():
    days = np.arange(1, 15)
    z = np.random.default_rng(69).standard_normal(14).cumsum() / np.sqrt(days)
    crossed = np.abs(z) > 1.96
    assert crossed.argmax() + 1 == 3 and crossed.any() and z[2] > 0, z
    assert abs(z[-1]) < 1, z
