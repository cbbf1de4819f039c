"""Lesson 07 data: Larkspur Kitchen, an invented meal-planning subscription app, and its feedback loop.

All five files are synthetic (see the datasheets in ``datasets/README.md``). Larkspur
Kitchen is the subscription app of Larkspur Market, the invented shop of lessons 00-03.
It opened on 2023-10-02; the files run to Sunday 2024-12-29.

- ``loop_subscribers`` and ``loop_activity``: a 1-in-25 random sample of the app's
  subscribers, with every day each of them opened the app. Planted: cancellations are
  frequent in the first weeks and then fall (a retention curve that flattens); subscribers
  who joined from 2024-06-03, when *auto-plan* became part of sign-up, cancel a quarter
  less often in their first 12 weeks; from 2024-10-07 (*hands-free mode*) everyone opens
  the app more often; in November 2024 (a price rise, rolled back on 1 December) the daily
  chance of cancelling is 2.5 times its usual value, for every subscriber.
- ``loop_requests``: a feature-request survey of February 2024 (820 answers), with
  counts chosen by hand.
- ``loop_experiments``: 150 A/B tests run on the full subscriber base between October
  2023 and December 2024, each comparing 4-week retention. Planted: most tests are flat
  or negative, about one in seven wins (in the range Kohavi & Thomke, 2017, report), and a
  few large winners carry most of the value; the features customers asked for most move
  retention by about a point or less, *auto-plan*, which almost nobody asked for, by 7.5.
- ``loop_launches``: the app's launch history, including a failed hardware launch (a
  kitchen scale) whose usage logs led to hands-free mode, in the manner of Amazon's Fire
  Phone and Echo.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

OPENED = pd.Timestamp("2023-10-02")  # a Monday
LAST_DAY = pd.Timestamp("2024-12-29")  # a Sunday: every calendar week in the files is complete
AUTO_PLAN = pd.Timestamp("2024-06-03")  # auto-plan becomes part of sign-up
HANDS_FREE = pd.Timestamp("2024-10-07")  # hands-free mode for everyone
PRICE_RISE = (pd.Timestamp("2024-11-01"), pd.Timestamp("2024-11-30"))  # the bad month

# Sign-ups a day in the 1-in-25 sample: rising from 5 to 7 over the 15 months (assumption).
SIGNUPS_FIRST, SIGNUPS_LAST = 5.0, 7.0
# Chance of cancelling in a week, by week since sign-up: high in the first month, then lower
# (a retention curve that flattens; the levels are a teaching assumption).
WEEKLY_CANCEL = ((4, 0.10), (12, 0.05), (None, 0.025))
AUTO_PLAN_FACTOR = 0.75  # weeks 0-11 for subscribers who joined with auto-plan (sized like its A/B test)
PRICE_RISE_FACTOR = 2.5  # daily cancel chance in November 2024, every subscriber (teaching assumption)
ENGAGEMENT_SD = 0.5  # log-normal spread of how often a subscriber opens the app
DAILY_OPEN = 0.20  # chance a typical subscriber opens the app on a given day
HANDS_FREE_FACTOR = 1.3  # from 2024-10-07 (teaching assumption)
EXTRA_SESSIONS = 0.6  # sessions on an active day: 1 + Poisson(0.6)

REQUEST_LEVELS = (
    "dark mode",
    "more recipes",
    "calorie counts",
    "recipe import",
    "grocery delivery",
    "auto-plan",
    "nothing",
)
# Answers to "What one thing should Larkspur Kitchen add next?", coded from free text (chosen by hand).
REQUEST_COUNTS = (188, 157, 121, 93, 72, 9, 180)
SURVEY = (pd.Timestamp("2024-02-05"), pd.Timestamp("2024-02-18"))

AREAS = ("onboarding", "planner", "recipes", "shopping list", "notifications", "pricing page", "settings")
# Share of a year's 100,000 new subscribers (full base) a change in each area reaches (assumption).
AREA_REACH = {
    "onboarding": 1.0,
    "planner": 0.8,
    "recipes": 0.7,
    "shopping list": 0.5,
    "notifications": 0.6,
    "pricing page": 0.9,
    "settings": 0.15,
}
SUBSCRIBERS_PER_YEAR = 100_000
VALUE_PER_RETAINED_USD = 60  # what one extra subscriber kept past week 4 brings in a year (assumption)
RESULTS = ("win", "flat", "loss")
Z_95 = 1.96

# The tests of the features the survey asked about, and of hands-free mode: true effects in
# percentage points of 4-week retention (teaching assumption; see the datasheet).
FEATURE_TESTS = (
    ("dark mode", "planner", "2024-03-04", 28, 0.2),
    ("more recipes", "recipes", "2024-03-04", 35, 0.6),
    ("calorie counts", "recipes", "2024-03-11", 28, -0.3),
    ("recipe import", "recipes", "2024-03-18", 28, 0.4),
    ("grocery delivery", "shopping list", "2024-03-25", 28, 0.9),
    ("auto-plan", "onboarding", "2024-04-01", 42, 7.5),
    ("hands-free mode", "planner", "2024-09-02", 28, 4.0),
)
FEATURE_NAMES = {
    "dark mode": "Dark mode",
    "more recipes": "400 more recipes",
    "calorie counts": "Calorie counts on every recipe",
    "recipe import": "Import recipes from any website",
    "grocery delivery": "Send the shopping list to a grocery delivery service",
    "auto-plan": "Auto-plan: the first week of meals planned at sign-up",
    "hands-free mode": "Hands-free mode: voice steps and timers while cooking",
}
CHANGES = {
    "onboarding": ("shorter welcome tour", "skip button on the tour", "taste quiz first", "video welcome"),
    "planner": ("drag-and-drop meals", "week view by default", "leftovers slot", "copy last week"),
    "recipes": ("bigger photos", "step timers", "ratings on cards", "15-minute filter"),
    "shopping list": ("group by aisle", "share the list", "tick-off sound", "pantry check"),
    "notifications": ("Sunday planning reminder", "fewer e-mails", "evening push", "recipe of the day"),
    "pricing page": ("annual plan first", "price per meal", "free trial copy", "testimonials"),
    "settings": ("unit switch", "diet presets", "household size", "allergy filter"),
}
N_EXPERIMENTS = 150


# --- subscribers and their days ---------------------------------------------------------


def _weekly_cancel(weeks: np.ndarray) -> np.ndarray:
    """The base chance of cancelling in each week since sign-up."""
    out = np.full(weeks.shape, WEEKLY_CANCEL[-1][1])
    for limit, chance in reversed(WEEKLY_CANCEL[:-1]):
        out = np.where(weeks < limit, chance, out)
    return out


def _simulate_subscribers() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sign-ups, cancellations and active days, one row per subscriber and one per active day."""
    g = rng(20240603)
    days = pd.date_range(OPENED, LAST_DAY, freq="D")
    n_days = len(days)
    per_day = g.poisson(np.linspace(SIGNUPS_FIRST, SIGNUPS_LAST, n_days))
    signup_day = np.repeat(np.arange(n_days), per_day)
    n_users = len(signup_day)
    engagement = g.lognormal(-(ENGAGEMENT_SD**2) / 2, ENGAGEMENT_SD, n_users)

    day = np.arange(n_days)[None, :]
    age = day - signup_day[:, None]  # days since sign-up (negative before it)
    weekly = _weekly_cancel(np.maximum(age, 0) // 7)
    with_auto_plan = (days[signup_day] >= AUTO_PLAN)[:, None]
    weekly = np.where(with_auto_plan & (age < 84), weekly * AUTO_PLAN_FACTOR, weekly)
    daily_cancel = 1 - (1 - weekly) ** (1 / 7)
    in_bad_month = ((days >= PRICE_RISE[0]) & (days <= PRICE_RISE[1]))[None, :]
    daily_cancel = np.where(in_bad_month, daily_cancel * PRICE_RISE_FACTOR, daily_cancel)
    cancels = (g.random((n_users, n_days)) < daily_cancel) & (age >= 1)
    cancel_day = np.where(cancels.any(axis=1), cancels.argmax(axis=1), n_days)

    open_chance = np.clip(DAILY_OPEN * engagement, 0.02, 0.9)[:, None] * np.where(
        (days >= HANDS_FREE)[None, :], HANDS_FREE_FACTOR, 1.0
    )
    active = (g.random((n_users, n_days)) < np.minimum(open_chance, 0.95)) | (age == 0)
    active &= (age >= 0) & (day < cancel_day[:, None])
    user_index, day_index = np.nonzero(active)
    sessions = 1 + g.poisson(EXTRA_SESSIONS, len(user_index))

    subscribers = pd.DataFrame(
        {
            "user_id": np.arange(1, n_users + 1),
            "signup_date": days[signup_day],
            "cancel_date": pd.Series(days[np.minimum(cancel_day, n_days - 1)]).where(cancel_day < n_days),
        }
    )
    activity = pd.DataFrame({"user_id": user_index + 1, "date": days[day_index], "sessions": sessions})
    return subscribers, activity.sort_values(["date", "user_id"]).reset_index(drop=True)


def build_subscribers() -> pd.DataFrame:
    return _simulate_subscribers()[0]


def build_activity() -> pd.DataFrame:
    return _simulate_subscribers()[1]


# --- the feature-request survey ---------------------------------------------------------


def build_requests() -> pd.DataFrame:
    """820 answers, one per respondent, in the order they came in over two weeks."""
    g = rng(20240205)
    answers = np.repeat(np.array(REQUEST_LEVELS), REQUEST_COUNTS)
    g.shuffle(answers)
    span = (SURVEY[1] - SURVEY[0]).days + 1
    dates = SURVEY[0] + pd.to_timedelta(np.sort(g.integers(0, span, len(answers))), unit="D")
    return pd.DataFrame({"respondent_id": np.arange(1, len(answers) + 1), "answered_date": dates, "request": answers})


# --- the experiments --------------------------------------------------------------------


def _true_effects(g: np.random.Generator, n: int) -> np.ndarray:
    """True effects (percentage points) of ordinary ideas: mostly nothing, often harm, a few big wins."""
    kind = g.choice(4, size=n, p=[0.55, 0.25, 0.16, 0.04])
    neutral = g.normal(0.0, 0.3, n)
    harmful = -np.abs(g.normal(0.0, 1.5, n)) - 0.3
    helpful = 0.8 + g.exponential(1.4, n)
    big = g.uniform(3.0, 6.0, n)
    return np.choose(kind, [neutral, harmful, helpful, big])


def build_experiments() -> pd.DataFrame:
    # Seeds 20231002 to 20231011 were tried in order; this is the first with which each of the
    # seven feature tests lands within 1.5 standard errors of its planted effect (disclosed in
    # the datasheet), so that the file shows those effects and not one unlucky draw.
    g = rng(20231011)
    n_other = N_EXPERIMENTS - len(FEATURE_TESTS)
    span = (pd.Timestamp("2024-11-25") - OPENED).days
    rows = []
    effects = _true_effects(g, n_other)
    starts = np.sort(g.integers(14, span, n_other))
    areas = g.choice(len(AREAS), n_other)
    for start, area_index, effect in zip(starts, areas, effects, strict=True):
        area = AREAS[area_index]
        change = CHANGES[area][int(g.integers(len(CHANGES[area])))]
        start_date = OPENED + pd.Timedelta(days=int(start))
        start_date -= pd.Timedelta(days=start_date.day_of_week)  # tests start on Mondays
        rows.append((f"{area.capitalize()}: {change}", area, "", start_date, int(g.choice([14, 21, 28])), effect))
    for feature, area, start, length, effect in FEATURE_TESTS:
        rows.append((FEATURE_NAMES[feature], area, feature, pd.Timestamp(start), length, effect))
    rows.sort(key=lambda row: (row[3], row[0]))
    tries: dict[str, int] = {}

    records = []
    for number, (name, area, feature, start_date, length, effect) in enumerate(rows, start=1):
        tries[name] = tries.get(name, 0) + 1
        if tries[name] > 1:
            name = f"{name} (try {tries[name]})"
        users_a = int(round(g.lognormal(np.log(9000 if feature else 6000), 0.2 if feature else 0.35)))
        users_b = int(round(users_a * g.normal(1.0, 0.012)))
        base = g.uniform(0.58, 0.74)
        retained_a = int(g.binomial(users_a, base))
        retained_b = int(g.binomial(users_b, min(base + effect / 100, 0.99)))
        p_a, p_b = retained_a / users_a, retained_b / users_b
        difference = p_b - p_a
        half = Z_95 * np.sqrt(p_a * (1 - p_a) / users_a + p_b * (1 - p_b) / users_b)
        result = "win" if difference - half > 0 else "loss" if difference + half < 0 else "flat"
        value = difference * SUBSCRIBERS_PER_YEAR * AREA_REACH[area] * VALUE_PER_RETAINED_USD
        records.append(
            {
                "experiment_id": number,
                "name": name,
                "area": area,
                "feature": feature or None,
                "start_date": start_date,
                "end_date": start_date + pd.Timedelta(days=length - 1),
                "users_a": users_a,
                "retained_a": retained_a,
                "users_b": users_b,
                "retained_b": retained_b,
                "result": result,
                "annual_value_usd": int(round(value, -2)) if result == "win" else 0,
            }
        )
    return pd.DataFrame(records)


# --- the launch history -----------------------------------------------------------------

LAUNCHES = [
    {
        "date": "2023-10-02",
        "launch": "Larkspur Kitchen app",
        "kind": "product",
        "asked_for": False,
        "outcome": "kept",
        "note": "Meal-planning subscription at $7.99 a month: plan the week, get the shopping list.",
    },
    {
        "date": "2023-11-13",
        "launch": "Larkspur Kitchen scale",
        "kind": "hardware",
        "asked_for": False,
        "outcome": "withdrawn 2024-04-15",
        "note": "A $49 Bluetooth kitchen scale. 1,900 of 12,000 made were sold; the rest were written off "
        "(about $310,000). Its logs showed owners used its voice timer far more than its scale.",
    },
    {
        "date": "2024-06-03",
        "launch": "auto-plan",
        "kind": "feature",
        "asked_for": False,
        "outcome": "kept",
        "note": "Plans a new subscriber's first week of meals from three taps at sign-up. Nine of 820 survey "
        "answers asked for anything like it; A/B test April-May 2024.",
    },
    {
        "date": "2024-07-08",
        "launch": "dark mode",
        "kind": "feature",
        "asked_for": True,
        "outcome": "kept",
        "note": "The most requested feature in the February 2024 survey; its A/B test was flat.",
    },
    {
        "date": "2024-08-05",
        "launch": "more recipes",
        "kind": "feature",
        "asked_for": True,
        "outcome": "kept",
        "note": "400 new recipes, the second most requested item; its A/B test was flat.",
    },
    {
        "date": "2024-10-07",
        "launch": "hands-free mode",
        "kind": "feature",
        "asked_for": False,
        "outcome": "kept",
        "note": "Voice steps and timers while cooking, built from what the scale's logs showed; "
        "A/B test September 2024.",
    },
    {
        "date": "2024-11-01",
        "launch": "price rise to $9.99",
        "kind": "pricing",
        "asked_for": False,
        "outcome": "rolled back 2024-12-01",
        "note": "The monthly price went from $7.99 to $9.99 with nothing new for subscribers.",
    },
    {
        "date": "2024-12-01",
        "launch": "price back to $7.99",
        "kind": "pricing",
        "asked_for": False,
        "outcome": "kept",
        "note": "The rise was reversed, with an apology e-mail to every subscriber.",
    },
]
KINDS = ("product", "hardware", "feature", "pricing")


def build_launches() -> pd.DataFrame:
    launches = pd.DataFrame(LAUNCHES)
    launches["date"] = pd.to_datetime(launches["date"])
    return launches


DATASETS = [
    Dataset(
        name="loop_subscribers",
        columns=(Column("user_id", "int"), Column("signup_date", "date"), Column("cancel_date", "date")),
        build=build_subscribers,
    ),
    Dataset(
        name="loop_activity",
        columns=(Column("user_id", "int"), Column("date", "date"), Column("sessions", "int")),
        build=build_activity,
    ),
    Dataset(
        name="loop_requests",
        columns=(
            Column("respondent_id", "int"),
            Column("answered_date", "date"),
            Column("request", "category", REQUEST_LEVELS),
        ),
        build=build_requests,
    ),
    Dataset(
        name="loop_experiments",
        columns=(
            Column("experiment_id", "int"),
            Column("name", "str"),
            Column("area", "category", AREAS),
            Column("feature", "str"),
            Column("start_date", "date"),
            Column("end_date", "date"),
            Column("users_a", "int"),
            Column("retained_a", "int"),
            Column("users_b", "int"),
            Column("retained_b", "int"),
            Column("result", "category", RESULTS),
            Column("annual_value_usd", "int"),
        ),
        build=build_experiments,
    ),
    Dataset(
        name="loop_launches",
        columns=(
            Column("date", "date"),
            Column("launch", "str"),
            Column("kind", "category", KINDS),
            Column("asked_for", "bool"),
            Column("outcome", "str"),
            Column("note", "str"),
        ),
        build=build_launches,
    ),
]
