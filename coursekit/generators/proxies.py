"""Lesson 05 data: official metrics and what customers live through.

- ``proxies_flights`` (real): every 2013 flight from New York's LaGuardia airport (LGA) of
  the ten carriers that flew at least 1,000 flights from there, from the nycflights13
  records of the US Bureau of Transportation Statistics (``datasets/raw/nycflights13/``).
  One row per scheduled flight, with its status (arrived, cancelled, diverted) and its
  arrival delay; cancelled and diverted flights have no delay at all.
- ``proxies_bank_calls`` (real): calls handled per 5 minutes by a large North American
  bank's call centre, weekdays of March to October 2003, from the fpp3 package
  (``datasets/raw/bank_calls/``, GPL-3).
- ``proxies_tickets`` (synthetic): the support tickets of Larkspur Market, the invented shop
  of lessons 00 and 02, over January 2023 to June 2024. From January 2024 the team's
  scorecard is "tickets closed within 24 hours". Planted (Goodhart's law; sizes are a
  teaching assumption): first closes get much faster and beat the 24-hour clock, while
  more tickets are reopened, customers contact support again more often, and fewer
  problems are actually solved within 24 hours.
- ``proxies_survey`` (synthetic): the satisfaction survey sent to the customers who had a
  ticket, by quarter, with whether each customer ordered again within 90 days. Planted
  (teaching assumption): happier customers answer the survey far more often, so the mean
  score of those who answer barely falls after the target while ordering again falls.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

RAW = Path(__file__).resolve().parent.parent.parent / "datasets" / "raw"
FLIGHTS_RAW = RAW / "nycflights13" / "flights_lga.csv.gz"
CALLS_RAW = RAW / "bank_calls" / "bank_calls.csv"

MIN_CARRIER_FLIGHTS = 1000
STATUSES = ("arrived", "cancelled", "diverted")

# --- proxies_flights: real ---------------------------------------------------------------------


def build_flights() -> pd.DataFrame:
    """One row per scheduled LGA flight of the ten large carriers: date, hour, carrier, status, delay."""
    raw = pd.read_csv(
        FLIGHTS_RAW,
        usecols=["year", "month", "day", "dep_time", "arr_delay", "carrier", "hour"],
        dtype={"carrier": str},
    )
    counts = raw["carrier"].value_counts()
    raw = raw[raw["carrier"].isin(counts[counts >= MIN_CARRIER_FLIGHTS].index)]
    status = np.where(raw["dep_time"].isna(), "cancelled", np.where(raw["arr_delay"].isna(), "diverted", "arrived"))
    flights = pd.DataFrame(
        {
            "date": pd.to_datetime(raw[["year", "month", "day"]]),
            "sched_dep_hour": raw["hour"].astype("int64"),
            "carrier": raw["carrier"],
            "status": status,
            # whole minutes in the source; written without a decimal point, empty when there is none
            "arr_delay_min": raw["arr_delay"].round().astype("Int64"),
        }
    )
    return flights.reset_index(drop=True)


# --- proxies_bank_calls: real ------------------------------------------------------------------


def build_bank_calls() -> pd.DataFrame:
    """One row per weekday and 5-minute slot: the local date, the slot's start (HH:MM), the calls."""
    raw = pd.read_csv(CALLS_RAW, dtype={"DateTime": str, "Calls": "int64"})
    # The source writes local clock times with a 'Z' suffix; the suffix is dropped, not converted.
    stamps = pd.to_datetime(raw["DateTime"].str.rstrip("Z"), format="%Y-%m-%dT%H:%M:%S")
    return pd.DataFrame(
        {"date": stamps.dt.normalize(), "slot_start": stamps.dt.strftime("%H:%M"), "calls": raw["Calls"]}
    )


# --- proxies_tickets: synthetic ----------------------------------------------------------------

TICKETS_START = pd.Timestamp("2023-01-01")
TICKETS_END = pd.Timestamp("2024-06-30")
TARGET_START = pd.Timestamp("2024-01-01")  # the scorecard "closed within 24 hours" begins
TICKETS_PER_DAY = 20
# Hours of work a ticket really needs: log-normal, median 18 hours (teaching assumption).
WORK_MEDIAN_HOURS, WORK_SIGMA = 18.0, 0.8
P_REOPEN_SOLVED = 0.07  # a ticket closed when its work was done is still reopened now and then
# After the target (teaching assumptions, shaped by Goodhart's law):
P_TEMPLATE = 0.15  # share of tickets answered with a template reply and closed within hours
SIMPLE_WORK_HOURS = 8.0  # a template solves a simple problem (this much work or less) ...
P_TEMPLATE_SOLVES = 0.7  # ... this often; otherwise the customer comes back
P_LATE_ANYWAY = 0.05  # tickets whose work passes 24 hours that are still closed late
P_RUSHED_REOPEN = 0.65  # a ticket closed before its work was done comes back; the rest give up
P_GAVE_UP_TEMPLATE = 0.15  # an unsolved template ticket whose customer never comes back


def build_tickets() -> pd.DataFrame:
    """About 11,000 tickets: first close (the scorecard's clock), reopened, extra contacts, resolved."""
    g = rng(20240101)
    days = pd.date_range(TICKETS_START, TICKETS_END, freq="D")
    per_day = g.poisson(TICKETS_PER_DAY, size=len(days))
    opened = np.repeat(days.to_numpy(), per_day)
    n = len(opened)
    after = opened >= TARGET_START.to_datetime64()
    work = np.exp(g.normal(np.log(WORK_MEDIAN_HOURS), WORK_SIGMA, size=n)).clip(0.5, 240.0)
    u_kind, u_outcome, u_close = g.random(n), g.random(n), g.random(n)
    extra_hours = g.uniform(20.0, 60.0, size=n)  # a reopened ticket: the customer waits, writes again, waits
    extra_contacts = 1 + g.poisson(0.6, size=n)  # contacts after the first close, when it comes back

    # Before the target, and after it for ordinary tickets: closed when the work is done.
    first_close = work.copy()
    reopened = u_outcome < P_REOPEN_SOLVED
    gave_up = np.zeros(n, dtype=bool)
    # After the target: a share gets a quick template reply ...
    template = after & (u_kind < P_TEMPLATE)
    first_close[template] = 0.5 + 3.5 * u_close[template]
    template_solved = template & (work <= SIMPLE_WORK_HOURS) & (u_outcome < P_TEMPLATE_SOLVES)
    template_open = template & ~template_solved
    gave_up |= template_open & (u_outcome > 1 - P_GAVE_UP_TEMPLATE)
    reopened[template] = template_open[template] & ~gave_up[template]
    # ... and tickets whose work would pass 24 hours are closed just before the clock runs out.
    rushed = after & ~template & (work > 24.0) & (u_kind < 1 - (1 - P_TEMPLATE) * P_LATE_ANYWAY)
    first_close[rushed] = 20.0 + 3.9 * u_close[rushed]
    reopened[rushed] = u_outcome[rushed] < P_RUSHED_REOPEN
    gave_up |= rushed & ~reopened

    # A reopened ticket is solved after its real work plus the time it took to come back; a
    # customer who gave up was never helped (no resolution time).
    resolved = np.where(reopened, np.maximum(work, first_close) + extra_hours, first_close)
    resolved[gave_up] = np.nan
    tickets = pd.DataFrame(
        {
            "ticket_id": np.arange(1, n + 1),
            "opened_date": pd.to_datetime(opened),
            "first_close_hours": first_close.round(1),
            "reopened": reopened,
            "extra_contacts": np.where(reopened, extra_contacts, 0).astype("int64"),
            "resolved_hours": resolved.round(1),
        }
    )
    # rounding must not move a ticket across the 24-hour line the lesson measures
    for column, hours in (("first_close_hours", first_close), ("resolved_hours", resolved)):
        tickets.loc[(hours <= 24.0) & (tickets[column] > 24.0), column] = 24.0
    return tickets


# --- proxies_survey: synthetic -----------------------------------------------------------------

QUARTERS = ("2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2")
CUSTOMERS_PER_QUARTER = 1500
# How satisfied customers really are (1-5), before and after the target (teaching assumption:
# fewer problems solved first time leaves more customers unhappy).
SATISFACTION_BEFORE = np.array([0.05, 0.07, 0.13, 0.35, 0.40])
SATISFACTION_AFTER = np.array([0.15, 0.14, 0.15, 0.27, 0.29])
# Chance to answer the survey by true satisfaction (teaching assumption: happy customers answer
# far more often; the 2016 shareholder letter's "surveys as proxy").
P_ANSWER = np.array([0.03, 0.05, 0.12, 0.28, 0.38])
# Chance to order again within 90 days, by true satisfaction (teaching assumption).
P_REORDER = np.array([0.22, 0.38, 0.58, 0.74, 0.84])


def build_survey() -> pd.DataFrame:
    """One row per customer with a ticket in a quarter: answered?, score if so, ordered again?"""
    g = rng(20240402)
    frames = []
    customer_base = 0
    for quarter in QUARTERS:
        n = CUSTOMERS_PER_QUARTER
        weights = SATISFACTION_AFTER if quarter.startswith("2024") else SATISFACTION_BEFORE
        true_score = g.choice(np.arange(1, 6), size=n, p=weights)
        answered = g.random(n) < P_ANSWER[true_score - 1]
        reorder = g.random(n) < P_REORDER[true_score - 1]
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": customer_base + np.arange(1, n + 1),
                    "quarter": quarter,
                    "answered": answered,
                    "score": pd.Series(true_score).where(answered).astype("Int64"),
                    "ordered_again_90d": reorder,
                }
            )
        )
        customer_base += n
    return pd.concat(frames, ignore_index=True)


DATASETS = [
    Dataset(
        name="proxies_flights",
        columns=(
            Column("date", "date"),
            Column("sched_dep_hour", "int"),
            Column("carrier", "category"),
            Column("status", "category"),
            Column("arr_delay_min", "float"),
        ),
        build=build_flights,
    ),
    Dataset(
        name="proxies_bank_calls",
        columns=(Column("date", "date"), Column("slot_start", "str"), Column("calls", "int")),
        build=build_bank_calls,
    ),
    Dataset(
        name="proxies_tickets",
        columns=(
            Column("ticket_id", "int"),
            Column("opened_date", "date"),
            Column("first_close_hours", "float"),
            Column("reopened", "bool"),
            Column("extra_contacts", "int"),
            Column("resolved_hours", "float"),
        ),
        build=build_tickets,
    ),
    Dataset(
        name="proxies_survey",
        columns=(
            Column("customer_id", "int"),
            Column("quarter", "str"),
            Column("answered", "bool"),
            Column("score", "int"),
            Column("ordered_again_90d", "bool"),
        ),
        build=build_survey,
    ),
]
