"""Lesson 02's planted effects are in the data and recoverable by the lesson's own analysis.

The analysis mirrors the notebook: orders in date order per customer, a promise is kept
when the parcel came on or before the promised day and the item was not defective, and
an order "came back" when the same customer ordered again within 120 days. Only orders
placed on or before 2024-08-31 are judged, so every one has 120 days of follow-up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support import ROOT

from coursekit import load_dataset

CUTOFF = pd.Timestamp("2024-08-31")
WINDOW_DAYS = 120


@pytest.fixture(scope="module")
def orders():
    return load_dataset("trust_orders")


@pytest.fixture(scope="module")
def journeys(orders):
    """Every order with the columns the lesson builds: days late, kept, streak, late so far, came back."""
    o = orders.sort_values(["customer_id", "order_date"]).reset_index(drop=True)
    o["days_late"] = (o["delivered_date"] - o["promised_date"]).dt.days
    o["late"] = o["days_late"] > 0
    o["kept"] = ~o["late"] & ~o["defective"]
    broken_so_far = (~o["kept"]).groupby(o["customer_id"]).cumsum()
    o["streak"] = o["kept"].astype(int).groupby([o["customer_id"], broken_so_far]).cumsum()
    o["late_so_far"] = o.groupby("customer_id")["late"].cumsum()
    o["order_number"] = o.groupby("customer_id").cumcount() + 1
    o["days_to_next"] = (o.groupby("customer_id")["order_date"].shift(-1) - o["order_date"]).dt.days
    o["came_back"] = o["days_to_next"] <= WINDOW_DAYS
    return o[o["order_date"] <= CUTOFF]


@pytest.fixture(scope="module")
def cdnow():
    return load_dataset("trust_cdnow")


def test_orders_cover_two_years_and_dates_are_consistent(orders):
    assert orders["order_date"].min() >= pd.Timestamp("2023-01-01")
    assert orders["order_date"].max() <= pd.Timestamp("2024-12-31")
    assert orders["order_id"].is_unique and orders["customer_id"].nunique() == 5000
    assert (orders["promised_date"] > orders["order_date"]).all()
    assert (orders["delivered_date"] > orders["order_date"]).all()
    needed = orders["recovery"] != "not needed"
    assert (needed == orders["defective"]).all(), "only a defective item needs a recovery"
    fixed = orders["days_to_fix"].notna()
    assert (fixed == orders["recovery"].isin(["replacement next day", "refund after a week"])).all()
    assert (orders.loc[orders["recovery"] == "replacement next day", "days_to_fix"] == 1).all()


def test_new_delivery_partner_halves_late_deliveries(orders):
    late = (orders["delivered_date"] > orders["promised_date"]).groupby(orders["order_date"].dt.year).mean()
    assert 0.11 <= late[2023] <= 0.16 and 0.05 <= late[2024] <= 0.09, late


def test_coming_back_rises_with_each_promise_kept_in_a_row(journeys):
    rates = journeys.groupby(journeys["streak"].clip(upper=5))["came_back"].mean()
    assert list(rates.index) == [0, 1, 2, 3, 4, 5]
    assert rates.is_monotonic_increasing, rates
    assert rates[1] - rates[0] > 0.1, "a broken promise costs far more than one kept promise earns"
    assert rates[5] - rates[1] > 0.05, "trust keeps building with repetition"


def test_repurchase_falls_after_one_late_delivery_and_further_after_two(journeys):
    rates = journeys.groupby(journeys["late_so_far"].clip(upper=2))["came_back"].mean()
    relative = rates / rates[0]
    assert 0.70 <= relative[1] <= 0.90, relative
    assert 0.25 <= relative[2] <= 0.55, relative


def test_late_delivery_effect_matches_the_survey_once_streaks_are_held_equal(journeys):
    """Within the same run of kept promises, one late delivery so far costs about 14% of the
    customers who would have come back, two or more about 54% (Voxware 2014)."""
    kept = journeys[journeys["streak"] >= 1]
    strata = kept.groupby([kept["streak"].clip(upper=5), kept["late_so_far"].clip(upper=2)])["came_back"]
    means, sizes = strata.mean().unstack(), strata.size().unstack()

    def pooled_ratio(k: int) -> float:
        weights = sizes[k]
        return float((means[k] / means[0] * weights).sum() / weights.sum())

    assert 0.80 <= pooled_ratio(1) <= 0.92, pooled_ratio(1)
    assert 0.30 <= pooled_ratio(2) <= 0.65, pooled_ratio(2)


def test_one_lapse_undoes_a_long_run(journeys):
    first_late = journeys[journeys["late"] & (journeys["late_so_far"] == 1)]
    long_run = journeys[journeys["streak"] >= 4]["came_back"].mean()
    assert long_run - first_late["came_back"].mean() > 0.15
    by_history = first_late.groupby(first_late["order_number"] >= 4)["came_back"].mean()
    assert abs(by_history[True] - by_history[False]) < 0.08, (
        "customers with a long history react to their first late delivery like newcomers"
    )


def test_late_lengthens_the_gap_more_than_early_shortens_it(journeys):
    timing = np.select([journeys["days_late"] < 0, journeys["days_late"] == 0], ["early", "on time"], "late")
    gaps = journeys.groupby(timing)["days_to_next"].mean()
    late_cost = gaps["late"] - gaps["on time"]
    early_gain = gaps["on time"] - gaps["early"]
    assert early_gain > 1.5, gaps
    assert late_cost > 4 * early_gain, gaps
    by_day = journeys.groupby("days_late")["days_to_next"].mean()
    assert by_day.loc[1:].min() > by_day[0] > by_day.loc[:-1].max()


def test_fast_recovery_keeps_most_but_not_all_customers(journeys):
    rates = journeys.groupby("recovery", observed=True)["came_back"].mean()
    assert rates["not needed"] > rates["replacement next day"] > rates["refund after a week"] > rates["nothing"]
    assert rates["not needed"] - rates["replacement next day"] > 0.03, "no recovery paradox for repurchase"
    restored = (rates["replacement next day"] - rates["nothing"]) / (rates["not needed"] - rates["nothing"])
    assert 0.6 <= restored <= 0.95, restored


def test_support_contacts_and_fix_times_follow_the_recovery(orders):
    contacts = orders.groupby("recovery", observed=True)["support_contacts"].mean()
    assert contacts.is_monotonic_increasing, contacts
    days = orders.groupby("recovery", observed=True)["days_to_fix"].mean()
    assert days["replacement next day"] == 1 and 6 <= days["refund after a week"] <= 9


def test_cdnow_is_the_raw_file_regrouped_by_customer_and_day(cdnow):
    raw = pd.read_csv(ROOT / "datasets" / "raw" / "cdnow" / "CDNOW_master.txt", sep=r"\s+")
    assert len(raw) == 69659 and raw["customer_id"].nunique() == 23570
    assert cdnow["customer_id"].nunique() == 23570
    assert not cdnow.duplicated(["customer_id", "date"]).any()
    assert cdnow["cds"].sum() == raw["number_of_cds"].sum()
    assert abs(cdnow["dollars_usd"].sum() - raw["dollar_value"].sum()) < 0.01
    assert cdnow["date"].min() == pd.Timestamp("1997-01-01") and cdnow["date"].max() == pd.Timestamp("1998-06-30")
    first = cdnow.groupby("customer_id")["date"].min()
    assert (first < pd.Timestamp("1997-04-01")).all(), "every customer first bought in Q1 1997"
    assert (cdnow["source"] == "CDNOW_master.txt (Fader & Hardie)").all()


def test_cdnow_repeat_share_matches_the_real_data_readme(cdnow):
    share = (cdnow.groupby("customer_id").size() > 1).mean()
    assert round(share, 3) == 0.489


def test_cdnow_chance_of_another_purchase_rises_with_purchases_so_far(cdnow):
    """The real pattern the synthetic shop's streak effect is shaped like."""
    c = cdnow.sort_values(["customer_id", "date"]).reset_index(drop=True)
    c["purchase_number"] = c.groupby("customer_id").cumcount() + 1
    gap = (c.groupby("customer_id")["date"].shift(-1) - c["date"]).dt.days
    judged = c["date"] <= pd.Timestamp("1998-02-28")
    back = (gap <= WINDOW_DAYS)[judged].groupby(c.loc[judged, "purchase_number"].clip(upper=6)).mean()
    assert back.is_monotonic_increasing, back
    assert back[1] < 0.4 < 0.6 < back[5], back
