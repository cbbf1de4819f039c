"""Lesson 01's data: the real tables hold the letter's figures, and every effect planted in
Kestrel Market is recoverable with the lesson's own analysis (growth rates, lagged
correlation, fixed cost per order)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coursekit import load_dataset

LAGS = range(0, 13)


@pytest.fixture(scope="module")
def share():
    return load_dataset("flywheel_third_party_share")


@pytest.fixture(scope="module")
def sales():
    return load_dataset("flywheel_amazon_sales")


@pytest.fixture(scope="module")
def market():
    return load_dataset("flywheel_marketplace")


def lag_correlations(leader: pd.Series, follower: pd.Series) -> pd.Series:
    """The lesson's method: correlate monthly growth, the leader shifted by each lag."""
    lead, follow = leader.pct_change(), follower.pct_change()
    return pd.Series({lag: follow.corr(lead.shift(lag)) for lag in LAGS})


def yearly(market: pd.DataFrame) -> pd.DataFrame:
    table = market.assign(year=market["month"].dt.year).groupby("year")[["orders", "fixed_costs_usd"]].sum()
    table["growth"] = table["orders"].pct_change()
    table["fixed_cost_per_order_usd"] = table["fixed_costs_usd"] / table["orders"]
    return table


# --- real tables ---------------------------------------------------------------------


def test_third_party_share_is_the_letters_table(share):
    expected = {
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
    assert dict(zip(share["year"], share["third_party_share_pct"], strict=True)) == expected
    assert share["year"].is_monotonic_increasing
    metric = "Third-party sellers' share of Amazon's physical gross merchandise sales, dollar share"
    assert (share["metric"] == metric).all()
    assert share["source"].str.contains("2018 letter").all()


def test_share_compounds_at_about_seventeen_percent_a_year_over_nineteen_years(share):
    first, last = share.iloc[0], share.iloc[-1]
    years = last["year"] - first["year"]
    assert years == 19 and len(share) == 15, "the table skips years: growth must use the calendar gap"
    cagr = (last["third_party_share_pct"] / first["third_party_share_pct"]) ** (1 / years) - 1
    assert 0.16 < cagr < 0.18


def test_first_party_cagr_matches_the_letter_and_third_party_shows_the_rounding_gap(sales):
    table = sales.set_index(sales["seller"].astype(str))
    years = table["year_to"] - table["year_from"]
    cagr = (table["sales_to_usd_bn"] / table["sales_from_usd_bn"]) ** (1 / years) - 1
    assert abs(100 * cagr["first-party"] - table.loc["first-party", "reported_cagr_pct"]) < 1
    # $0.1B is rounded: from the rounded figure the growth is about 47%, the letter says 52%.
    assert 45 < 100 * cagr["third-party"] < 49 < table.loc["third-party", "reported_cagr_pct"]
    assert sales["source"].str.contains("2018 letter").all()


# --- Kestrel Market: planted effects -------------------------------------------------------


def test_marketplace_is_ten_years_of_months(market):
    assert len(market) == 120
    assert market["month"].iloc[0] == pd.Timestamp("2015-01-01")
    assert market["month"].iloc[-1] == pd.Timestamp("2024-12-01")
    assert market["month"].diff().dropna().dt.days.between(28, 31).all()


def test_selection_growth_leads_visitor_growth_by_three_months(market):
    corr = lag_correlations(market["products_listed"], market["visitors"])
    assert corr.idxmax() == 3
    assert corr[3] > 0.6
    assert corr[3] - corr.drop(3).max() > 0.4, "the peak stands out from every other lag"


def test_visitor_growth_leads_seller_growth_by_two_months(market):
    corr = lag_correlations(market["visitors"], market["active_sellers"])
    assert corr.idxmax() == 2
    assert corr[2] > 0.5
    assert corr[2] - corr.drop(2).max() > 0.3


def test_levels_correlate_at_every_lag_so_growth_rates_are_needed(market):
    """The trap the lesson shows: trending levels correlate highly whatever the lag."""
    levels = pd.Series({lag: market["visitors"].corr(market["products_listed"].shift(lag)) for lag in LAGS})
    assert (levels > 0.9).all()
    assert levels.idxmax() != 3


def test_growth_accelerates(market):
    growth = yearly(market)["growth"].dropna()
    assert (growth > 0).all()
    assert growth.iloc[-3:].mean() - growth.iloc[:3].mean() > 0.15
    years = growth.index.to_numpy(dtype=float)
    slope = np.polyfit(years, growth.to_numpy(), 1)[0]
    assert slope > 0.02, "yearly growth rises by about two points a year or more"


def test_fixed_cost_per_order_falls_every_year_as_orders_grow(market):
    table = yearly(market)
    assert table["orders"].is_monotonic_increasing
    assert table["fixed_cost_per_order_usd"].is_monotonic_decreasing
    assert table["fixed_cost_per_order_usd"].iloc[0] / table["fixed_cost_per_order_usd"].iloc[-1] > 5
    monthly = market["fixed_costs_usd"] / market["orders"]
    assert np.corrcoef(np.log(market["orders"]), np.log(monthly))[0, 1] < -0.95


def test_price_follows_fixed_cost_per_order_down(market):
    cost = market["fixed_costs_usd"] / market["orders"]
    slope, intercept = np.polyfit(cost, market["avg_price_usd"], 1)
    assert 0.7 < slope < 0.9, "about 80 cents of each dollar of fixed cost per order is in the price"
    assert 28 < intercept < 32
    assert cost.corr(market["avg_price_usd"]) > 0.95
    by_year = market.groupby(market["month"].dt.year)["avg_price_usd"].mean()
    assert by_year.is_monotonic_decreasing


def test_experience_improves_with_selection_and_lower_prices(market):
    by_year = market.groupby(market["month"].dt.year)["experience_score"].mean()
    assert by_year.iloc[-1] - by_year.iloc[0] > 15
    assert market["experience_score"].between(0, 100).all()
    assert np.log(market["products_listed"]).corr(market["experience_score"]) > 0.9
