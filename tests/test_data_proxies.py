"""Lesson 05's data: the real facts the lesson states, and the planted effects of its synthetic files.

The analysis mirrors the notebook: a flight arrived when its status says so; the on-time
rule is an arrival delay below 15 minutes; a bad trip is a flight that did not arrive or
arrived more than 60 minutes late; percentiles are pandas' ``quantile`` (linear). The queue
figures are recomputed here with an independent Erlang C (the textbook sum, not the
notebook's recursion), on the average weekday of the real call arrivals, with the lesson's
teaching assumption of 4 minutes per call.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from support import ROOT

from coursekit import load_dataset

TARGET_START = pd.Timestamp("2024-01-01")
HANDLE_MINUTES, SLOT_MINUTES = 4.0, 5.0


@pytest.fixture(scope="module")
def flights():
    return load_dataset("proxies_flights")


@pytest.fixture(scope="module")
def arrived(flights):
    return flights[flights["status"] == "arrived"]


@pytest.fixture(scope="module")
def calls():
    return load_dataset("proxies_bank_calls")


@pytest.fixture(scope="module")
def tickets():
    frame = load_dataset("proxies_tickets")
    return frame.assign(after=frame["opened_date"] >= TARGET_START)


@pytest.fixture(scope="module")
def survey():
    return load_dataset("proxies_survey")


# --- proxies_flights: the real records and the facts the lesson states ------------------------


def test_flights_are_the_lga_rows_of_the_ten_large_carriers():
    raw = pd.read_csv(
        ROOT / "datasets" / "raw" / "nycflights13" / "flights_lga.csv.gz", usecols=["year", "carrier", "origin"]
    )
    assert len(raw) == 104_662 and (raw["origin"] == "LGA").all() and (raw["year"] == 2013).all()
    counts = raw["carrier"].value_counts()
    kept = counts[counts >= 1000]
    assert sorted(kept.index) == ["9E", "AA", "B6", "DL", "EV", "FL", "MQ", "UA", "US", "WN"]
    assert sorted(counts[counts < 1000].index) == ["F9", "OO", "YV"]
    tidy = load_dataset("proxies_flights")
    assert len(tidy) == kept.sum() == 103_350


def test_statuses_and_delays_are_consistent(flights):
    assert flights["status"].value_counts().to_dict() == {"arrived": 99_892, "cancelled": 3_091, "diverted": 367}
    has_delay = flights["arr_delay_min"].notna()
    assert (has_delay == (flights["status"] == "arrived")).all(), "only arrived flights carry a delay"
    assert flights["date"].min() == pd.Timestamp("2013-01-01") and flights["date"].max() == pd.Timestamp("2013-12-31")


def test_the_blizzard_day_looks_early_on_average(flights):
    day = flights[flights["date"] == pd.Timestamp("2013-02-09")]
    assert (day["status"] == "cancelled").mean() == pytest.approx(0.659, abs=0.001)
    assert day["arr_delay_min"].mean() == pytest.approx(-12.7, abs=0.1)


def test_endeavor_is_fourth_on_time_but_second_worst_on_bad_trips(flights, arrived):
    on_time = (arrived["arr_delay_min"] < 15).groupby(arrived["carrier"]).mean().sort_values(ascending=False)
    bad = ((flights["status"] != "arrived") | (flights["arr_delay_min"] > 60)).groupby(flights["carrier"]).mean()
    bad = bad.sort_values(ascending=False)
    cancelled = (flights["status"] == "cancelled").groupby(flights["carrier"]).mean()
    assert list(on_time.index).index("9E") == 3 and list(bad.index).index("9E") == 1
    assert cancelled.idxmax() == "9E" and cancelled["9E"] == pytest.approx(0.0665, abs=0.0005)
    late_hour = (arrived["arr_delay_min"] > 60).groupby(arrived["carrier"]).mean()
    assert abs(late_hour["9E"] - (arrived["arr_delay_min"] > 60).mean()) < 0.01, "9E's late flights are ordinary"
    assert (arrived["arr_delay_min"] < 15).mean() == pytest.approx(0.770, abs=0.001)
    assert (flights["arr_delay_min"] < 15).mean() == pytest.approx(0.744, abs=0.001), "cancelled counted as late"


def test_the_tail_is_hours_and_each_statistic_ranks_carriers_differently(arrived):
    delay = arrived["arr_delay_min"]
    assert delay.median() == -5 and delay.mean() == pytest.approx(5.6, abs=0.05)
    assert delay.quantile(0.99) == 190 and delay.quantile(0.999) == pytest.approx(354, abs=1)
    stats = arrived.groupby("carrier")["arr_delay_min"].agg(["mean", "median", lambda s: s.quantile(0.99)])
    stats.columns = ["mean", "median", "p99"]
    ranks = stats.rank()
    assert stats["mean"].idxmin() == "AA" and stats["median"].idxmin() == "AA" and stats["p99"].idxmin() == "US"
    assert (ranks.loc["MQ", "mean"], ranks.loc["MQ", "p99"]) == (8, 3)
    assert (ranks.loc["UA", "mean"], ranks.loc["UA", "p99"]) == (5, 9)


def test_delays_pile_up_in_the_evening_and_the_summer(arrived):
    by_hour = arrived.groupby("sched_dep_hour")["arr_delay_min"].quantile(0.99)
    assert by_hour[6] < 90 and by_hour[7] < 100 and 230 < by_hour[17] < 250
    assert by_hour.idxmax() == 17
    by_month = arrived.groupby(arrived["date"].dt.month)["arr_delay_min"].quantile(0.99)
    assert set(by_month.nlargest(2).index) == {6, 7} and by_month[[6, 7]].min() > 240
    assert set(by_month.nsmallest(3).index) == {1, 10, 11} and by_month.max() > 2 * by_month.min()


# --- proxies_bank_calls: the real arrivals, and the queue figures the lesson states ----------


def erlang_c(load: float, agents: int) -> float:
    """The chance to wait, from the textbook sum (in logs, so large loads do not overflow)."""
    if agents <= load:
        return 1.0
    logs = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents)]
    top = agents * math.log(load) - math.lgamma(agents + 1) + math.log(agents / (agents - load))
    biggest = max([*logs, top])
    below = sum(math.exp(x - biggest) for x in logs)
    return math.exp(top - biggest) / (below + math.exp(top - biggest))


def mean_wait(calls_in_slot: float, agents: int) -> float:
    load = calls_in_slot / SLOT_MINUTES * HANDLE_MINUTES
    return math.inf if agents <= load else erlang_c(load, agents) * HANDLE_MINUTES / (agents - load)


@pytest.fixture(scope="module")
def weekday(calls):
    day = calls.groupby("slot_start", as_index=False)["calls"].mean()
    day["hour"] = day["slot_start"].str[:2].astype(int)
    return day


@pytest.fixture(scope="module")
def centre_day(weekday):
    """The lesson's roster: per hour, the fewest agents keeping that hour's average wait at 30 s or less."""
    agents = {}
    for hour, slots in weekday.groupby("hour"):
        staff = math.floor(slots["calls"].max() / SLOT_MINUTES * HANDLE_MINUTES) + 1
        while True:
            waits = [mean_wait(c, staff) for c in slots["calls"]]
            if sum(w * c for w, c in zip(waits, slots["calls"], strict=True)) / slots["calls"].sum() <= 0.5:
                break
            staff += 1
        agents[hour] = staff
    day = weekday.assign(agents=weekday["hour"].map(agents))
    day["wait_min"] = [mean_wait(c, a) for c, a in zip(day["calls"], day["agents"], strict=True)]
    return day


def test_calls_are_164_weekdays_of_169_slots(calls):
    assert len(calls) == 27_716 and calls["date"].nunique() == 164
    assert (calls.groupby("date").size() == 169).all()
    assert calls["date"].min() == pd.Timestamp("2003-03-03") and calls["date"].max() == pd.Timestamp("2003-10-24")
    assert calls["date"].dt.day_of_week.max() <= 4, "weekdays only"
    assert calls["slot_start"].min() == "07:00" and calls["slot_start"].max() == "21:00"


def test_the_average_weekday_peaks_mid_morning(weekday):
    peak = weekday.loc[weekday["calls"].idxmax()]
    assert peak["slot_start"] == "10:20" and peak["calls"] == pytest.approx(285.2, abs=0.1)
    assert weekday.loc[weekday["slot_start"] == "07:15", "calls"].item() == pytest.approx(73.4, abs=0.1)
    assert weekday.loc[weekday["slot_start"] == "21:00", "calls"].item() == pytest.approx(69.7, abs=0.1)


def test_dashboard_average_is_seconds_while_the_worst_slot_waits_minutes(centre_day):
    assert centre_day.loc[centre_day["hour"] == 10, "agents"].iloc[0] == 232
    day_average = (centre_day["wait_min"] * centre_day["calls"]).sum() / centre_day["calls"].sum()
    assert day_average == pytest.approx(0.391, abs=0.001)
    worst = centre_day.loc[centre_day["wait_min"].idxmax()]
    assert worst["slot_start"] == "16:00" and worst["wait_min"] == pytest.approx(3.68, abs=0.01)
    assert centre_day["wait_min"].mean() == pytest.approx(0.355, abs=0.001), "the unweighted mistake differs"


def test_staffing_the_peak_for_99_and_999_percent_within_20_seconds(weekday):
    load = weekday["calls"].max() / SLOT_MINUTES * HANDLE_MINUTES

    def fewest(share: float) -> int:
        staff = math.floor(load) + 1
        while erlang_c(load, staff) * math.exp(-(staff - load) * (20 / 60) / HANDLE_MINUTES) > 1 - share + 1e-12:
            staff += 1
        return staff

    assert (fewest(0.99), fewest(0.999)) == (253, 263)
    longer_than_20s = erlang_c(load, 232) * math.exp(-(232 - load) * (20 / 60) / HANDLE_MINUTES)
    assert 0.5 < longer_than_20s < 0.55, "with the roster, over half of the peak's callers wait over 20 seconds"


# --- proxies_tickets: Goodhart's law, planted -----------------------------------------------


def test_tickets_are_consistent(tickets):
    assert tickets["ticket_id"].is_unique
    assert tickets["opened_date"].min() >= pd.Timestamp("2023-01-01")
    assert tickets["opened_date"].max() <= pd.Timestamp("2024-06-30")
    assert ((tickets["extra_contacts"] > 0) == tickets["reopened"]).all()
    solved = tickets["resolved_hours"].notna()
    assert (tickets.loc[solved, "resolved_hours"] >= tickets.loc[solved, "first_close_hours"]).all()
    assert not (tickets["reopened"] & ~solved).any(), "a reopened ticket is solved in the end"
    assert tickets.loc[~tickets["after"], "resolved_hours"].notna().all(), "before the target, nobody gave up"


def test_the_scorecard_rises_while_problems_solved_within_a_day_fall(tickets):
    closed = (tickets["first_close_hours"] <= 24).groupby(tickets["after"]).mean()
    solved = (tickets["resolved_hours"] <= 24).groupby(tickets["after"]).mean()
    assert 0.60 <= closed[False] <= 0.68 and closed[True] >= 0.95
    assert 0.56 <= solved[False] <= 0.62 and solved[False] - solved[True] >= 0.04
    monthly = tickets.groupby(tickets["opened_date"].dt.to_period("M"))
    closed_by_month = monthly["first_close_hours"].apply(lambda h: (h <= 24).mean())
    solved_by_month = monthly["resolved_hours"].apply(lambda h: (h <= 24).mean())
    after = closed_by_month.index >= pd.Period("2024-01", "M")
    assert closed_by_month[after].min() > closed_by_month[~after].max(), "every month after beats every month before"
    assert solved_by_month[after].max() < solved_by_month[~after].mean()


def test_reopens_repeat_contacts_and_deadline_bunching_rise_after_the_target(tickets):
    by_period = tickets.groupby("after")
    reopened = by_period["reopened"].mean()
    assert 0.05 <= reopened[False] <= 0.09 and 0.30 <= reopened[True] <= 0.40
    contacts = by_period["extra_contacts"].mean()
    assert contacts[True] > 3 * contacts[False]
    bunched = tickets["first_close_hours"].between(20, 24).groupby(tickets["after"]).mean()
    assert bunched[True] > 3 * bunched[False]
    gave_up = tickets["resolved_hours"].isna().groupby(tickets["after"]).mean()
    assert gave_up[False] == 0 and 0.08 <= gave_up[True] <= 0.15


# --- proxies_survey: surveys as proxy, planted -----------------------------------------------


def test_survey_rows_are_consistent(survey):
    assert survey["customer_id"].is_unique and len(survey) == 6 * 1500
    assert sorted(survey["quarter"].unique()) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]
    assert (survey["score"].notna() == survey["answered"]).all()
    assert survey["score"].dropna().between(1, 5).all()


def test_score_barely_moves_while_customers_stop_coming_back(survey):
    after = survey["quarter"].str.startswith("2024")
    score = survey.groupby(after)["score"].mean()
    reorder = survey.groupby(after)["ordered_again_90d"].mean()
    respondents = survey[survey["answered"]]
    reorder_respondents = respondents.groupby(respondents["quarter"].str.startswith("2024"))["ordered_again_90d"].mean()
    assert score[False] > 4.4 and score[True] > 4.1 and score[False] - score[True] < 0.3
    assert reorder[False] - reorder[True] >= 0.08
    assert reorder_respondents[False] - reorder_respondents[True] < 0.04, "the survey's own sample keeps buying"
    response = survey.groupby(after)["answered"].mean()
    assert response[True] < response[False]


def test_happier_customers_answer_more_often(survey):
    # The true score of non-respondents is not stored; their ordering again, which rises with
    # satisfaction, is lower than respondents' in every quarter.
    rates = survey.groupby(["quarter", "answered"])["ordered_again_90d"].mean().unstack()
    assert (rates[True] > rates[False] + 0.05).all()
    shares = survey.loc[survey["answered"], "score"].value_counts(normalize=True)
    assert shares[5] + shares[4] > 0.85


def test_a_reproducible_draw_of_the_planted_sizes():
    # The synthetic files come from fixed seeds; this guards the sizes the notebook quotes.
    tickets = load_dataset("proxies_tickets")
    assert len(tickets) == 10_876
    survey = load_dataset("proxies_survey")
    by_quarter = survey.groupby("quarter")
    assert np.allclose(by_quarter["score"].mean()[["2023Q1", "2024Q2"]], [4.46, 4.23], atol=0.01)
    assert np.allclose(by_quarter["ordered_again_90d"].mean()[["2023Q1", "2024Q2"]], [0.716, 0.599], atol=0.001)
