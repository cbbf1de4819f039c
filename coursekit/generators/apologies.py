"""Lesson 04 data: real apology cases, a vignette experiment, and a fictional incident's days.

- ``apology_cases`` is real: eight public apologies (Amazon Kindle "1984", JetBlue,
  Netflix/Qwikster, Domino's, United 3411, Tylenol, Airbnb, KFC UK) with their dates,
  who spoke, the responsibility taken, the remedy and the reported outcome, as summarised
  from press reports (each row names its sources). Each case is also coded 0/1 on the six
  apology components of Lewicki, Polin & Lount (2016); the coding is this course's
  judgement from those summaries, and ``coding_note`` says why. No apology text is stored.
- ``apology_vignettes`` is synthetic, shaped like Lewicki et al.'s experiments: each
  respondent rates one apology whose six components were switched on or off at random.
  Planted: acknowledging responsibility matters most, an offer of repair next, regret /
  explanation / repentance about equally after that, a request for forgiveness least
  (the ranking Lewicki et al. report; the sizes are a teaching assumption).
- ``apology_daily`` is synthetic: the days around an invented incident at Bramble, a
  fictional e-book subscription service, modelled on the 2009 Kindle "1984" case (a book
  deleted from readers' devices, a cold press statement, then the CEO's personal apology).
  It is a scenario, not Amazon's data. Planted: the statement barely changes
  cancellations; the apology cuts them and brings reactivations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit.generators._common import rng
from coursekit.schema import Column, Dataset

COMPONENTS = ("regret", "explanation", "acknowledgment", "repentance", "repair", "forgiveness")
RESPONSIBILITY = ("no", "partial", "yes")

# --- apology_cases: real cases, summarised from press reports --------------------------------

# regret, explanation, acknowledgment, repentance, repair, forgiveness (coding rules: datasheet)
CASES = [
    {
        "case": "Kindle 1984",
        "company": "Amazon",
        "incident": "E-books of Orwell's 1984 and Animal Farm remotely deleted from customers' Kindles",
        "incident_date": "2009-07-17",
        "prior_statement_date": "2009-07-17",
        "apology_date": "2009-07-23",
        "speaker": "Jeff Bezos, founder and CEO",
        "speaker_level": "top leader",
        "channel": "Kindle community forum post",
        "responsibility_taken": "yes",
        "remedy": "refunds; Sept 2009 re-delivery with notes or $30 gift card/check; settlement: "
        "no remote deletion except listed cases",
        "outcome": "no stock figure found; forum replies praised the apology and some customers "
        "said they re-subscribed (anecdotal)",
        "outcome_direction": "positive",
        "components": (1, 1, 1, 1, 1, 0),
        "coding_note": "Apologised, named the mishandled copies, called the company's own fix "
        "self-inflicted and out of line with its principles, promised to learn; refunds made. "
        "Outcome positive on anecdotes only.",
        "source": "eweek; gigaom (2009-07-23); bizjournals (Sept 2009)",
    },
    {
        "case": "JetBlue ice storm",
        "company": "JetBlue",
        "incident": "Ice storm at JFK: passengers up to ~10 h on the tarmac; 1,096 flights cancelled "
        "over ~6 days; >100,000 passengers",
        "incident_date": "2007-02-14",
        "prior_statement_date": None,
        "apology_date": "2007-02-20",
        "speaker": "David Neeleman, CEO",
        "speaker_level": "top leader",
        "channel": "video, press call, interviews",
        "responsibility_taken": "yes",
        "remedy": "vouchers $25 to full round trip by delay length; Customer Bill of Rights for delays",
        "outcome": "est. cost ~$30M, later $41M; CEO replaced 10 May 2007",
        "outcome_direction": "negative",
        "components": (1, 1, 1, 1, 1, 0),
        "coding_note": "CEO apologised and explained the operational breakdown; the Customer Bill "
        "of Rights is a commitment for future delays, the vouchers a repair.",
        "source": "money.cnn.com (2007-02-20); cbsnews; nysun",
    },
    {
        "case": "Netflix Qwikster",
        "company": "Netflix",
        "incident": "~60% price rise for DVD plus streaming announced",
        "incident_date": "2011-07-12",
        "prior_statement_date": None,
        "apology_date": "2011-09-18",
        "speaker": "Reed Hastings, CEO",
        "speaker_level": "top leader",
        "channel": "blog, e-mail, video",
        "responsibility_taken": "partial",
        "remedy": "Qwikster dropped 10 Oct 2011; no refunds",
        "outcome": "~800k US subscribers lost in Q3 2011 (24.6M → 23.8M); stock −35% on 25 Oct 2011",
        "outcome_direction": "negative",
        "components": (1, 1, 0, 0, 0, 0),
        "coding_note": "Apologised for the communication, not the price, and explained the plan to "
        "split the DVD service; no refund. Dropping Qwikster came three weeks after this apology.",
        "source": "abcnews; npr; time.com",
    },
    {
        "case": "Domino's prank video",
        "company": "Domino's",
        "incident": "Two employees posted a video tampering with food",
        "incident_date": "2009-04-13",
        "prior_statement_date": None,
        "apology_date": "2009-04-15",
        "speaker": "Patrick Doyle, president, Domino's USA",
        "speaker_level": "senior executive",
        "channel": "YouTube video",
        "responsibility_taken": "partial",
        "remedy": "staff fired and charged; store closed and sanitised",
        "outcome": "YouGov BrandIndex quality score +5 → −2.8",
        "outcome_direction": "negative",
        "components": (1, 1, 0, 0, 1, 0),
        "coding_note": "Apologised and explained what happened, but framed it as the act of two "
        "individuals (an isolated case); closing and sanitising the store is the repair.",
        "source": "mediapost",
    },
    {
        "case": "United flight 3411",
        "company": "United Airlines",
        "incident": "Passenger dragged off an overbooked flight",
        "incident_date": "2017-04-09",
        "prior_statement_date": "2017-04-10",
        "apology_date": "2017-04-11",
        "speaker": "Oscar Munoz, CEO",
        "speaker_level": "top leader",
        "channel": "statement, memos, TV",
        "responsibility_taken": "partial",
        "remedy": "refunds for all on board; 27 Apr: 10 policy changes (up to $10k to give up a seat)",
        "outcome": "shares −4.4% intraday on 11 Apr, closed −1.1%",
        "outcome_direction": "negative",
        "components": (1, 0, 1, 1, 1, 0),
        "coding_note": "First statement (10 Apr) spoke of 're-accommodating' and a memo blamed the "
        "passenger, so responsibility taken is partial; the 11 Apr apology itself accepted "
        "responsibility and promised a review (policy changes followed); refunds.",
        "source": "foxbusiness; mprnews",
    },
    {
        "case": "Tylenol recall",
        "company": "Johnson & Johnson",
        "incident": "7 cyanide deaths, 29 Sep–1 Oct 1982, from outside tampering with Tylenol capsules",
        "incident_date": "1982-09-29",
        "prior_statement_date": None,
        "apology_date": None,
        "speaker": "James Burke, chairman",
        "speaker_level": "top leader",
        "channel": "TV",
        "responsibility_taken": "yes",
        "remedy": "~31M bottles recalled (~$100M); tamper-resistant packaging",
        "outcome": "share 35% → 7%, back to >80% of pre-crisis share within ~1 year",
        "outcome_direction": "positive",
        "components": (0, 1, 1, 1, 1, 0),
        "coding_note": "Recall within about a week (exact date unverified, so apology_date is "
        "blank). The company was not at fault and took responsibility for customers' safety; no "
        "apology wording is recorded, so regret is 0.",
        "source": "TIME (1983-10-17)",
    },
    {
        "case": "Airbnb EJ",
        "company": "Airbnb",
        "incident": "A host's flat trashed by a guest (June 2011); her blog post about it (29 Jun) "
        "went viral a month later (27–28 Jul)",
        "incident_date": "2011-06-29",
        "prior_statement_date": None,
        "apology_date": "2011-08-01",
        "speaker": "Brian Chesky, CEO",
        "speaker_level": "top leader",
        "channel": "blog letter",
        "responsibility_taken": "yes",
        "remedy": "$50k Host Guarantee from 15 Aug; 24-h hotline; support staff doubled; raised to $1M in May 2012",
        "outcome": "—",
        "outcome_direction": "not reported",
        "components": (1, 1, 1, 1, 1, 0),
        "coding_note": "CEO's letter admitted the company had handled it badly, said what went "
        "wrong, and announced the guarantee, hotline and more support staff. The incident was "
        "public from the host's post (29 Jun); the apology came 5 days after it went viral.",
        "source": "allthingsd; latimes; techcrunch (2011-07-27; 2012-05-22); abcnews (2011-08-02)",
    },
    {
        "case": "KFC UK chicken shortage",
        "company": "KFC UK",
        "incident": "Chicken shortage after a logistics switch; >600 of ~900 stores shut",
        "incident_date": "2018-02-14",
        "prior_statement_date": None,
        "apology_date": "2018-02-23",
        "speaker": "no named person (brand advertisement)",
        "speaker_level": "no named person",
        "channel": "full-page 'FCK' ad in newspapers",
        "responsibility_taken": "yes",
        "remedy": "none reported",
        "outcome": "widely praised; advertising awards",
        "outcome_direction": "positive",
        "components": (1, 0, 1, 0, 0, 0),
        "coding_note": "Apologised and owned the failure with humour, thanked staff; no cause "
        "given, no promise about the future, no remedy.",
        "source": "adage; campaignlive",
    },
]


def build_cases() -> pd.DataFrame:
    """The eight cases, one row each, in the order of the course's fact sheet."""
    rows = []
    for number, case in enumerate(CASES, start=1):
        row = {"case_id": number}
        row.update({k: v for k, v in case.items() if k not in ("components", "coding_note", "source")})
        row.update(dict(zip(COMPONENTS, case["components"], strict=True)))
        row["coding_note"] = case["coding_note"]
        row["source"] = case["source"]
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("incident_date", "prior_statement_date", "apology_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


# --- apology_vignettes: a randomised experiment (synthetic) ------------------------------------

VIGNETTE_RESPONDENTS = 1200
VIGNETTE_BASE = 2.0
# Points on the 1-7 rating scale each component adds (the ranking is Lewicki et al.'s,
# the sizes are a teaching assumption).
VIGNETTE_EFFECTS = {
    "regret": 0.50,
    "explanation": 0.50,
    "acknowledgment": 1.40,
    "repentance": 0.50,
    "repair": 0.95,
    "forgiveness": 0.05,
}
VIGNETTE_NOISE_SD = 0.9


def build_vignettes() -> pd.DataFrame:
    """1,200 respondents; each reads one apology and rates it 1-7."""
    g = rng(20160404)
    n = VIGNETTE_RESPONDENTS
    switched = g.integers(0, 2, size=(n, len(COMPONENTS)))
    effects = np.array([VIGNETTE_EFFECTS[c] for c in COMPONENTS])
    latent = VIGNETTE_BASE + switched @ effects + g.normal(0, VIGNETTE_NOISE_SD, size=n)
    rating = np.clip(np.rint(latent), 1, 7).astype(int)
    frame = pd.DataFrame(switched, columns=list(COMPONENTS))
    frame.insert(0, "respondent_id", np.arange(1, n + 1))
    frame["rating"] = rating
    return frame


# --- apology_daily: the Bramble scenario (synthetic) -------------------------------------------

SCENARIO_START = pd.Timestamp("2025-02-17")
SCENARIO_DAYS = 56
INCIDENT_DAY = pd.Timestamp("2025-03-03")
STATEMENT_DAY = pd.Timestamp("2025-03-06")
APOLOGY_DAY = pd.Timestamp("2025-03-12")
EVENTS = {INCIDENT_DAY: "incident", STATEMENT_DAY: "press statement", APOLOGY_DAY: "personal apology"}

BASE_CANCELLATIONS = 18.0  # per day before the incident
OUTRAGE = 55.0  # extra cancellations per day on the incident day
OUTRAGE_DECAY = 0.985  # share of the extra left the next day, if nothing is done
STATEMENT_FACTOR = 0.96  # the cold statement keeps 96% of the extra
APOLOGY_FACTOR = 0.30  # the personal apology keeps 30% of the extra ...
APOLOGY_DECAY = 0.90  # ... which then fades faster
BASE_REACTIVATIONS = 2.0
STATEMENT_REACTIVATIONS = 0.3
APOLOGY_REACTIVATIONS = 14.0  # extra reactivations per day on the apology day
REACTIVATION_DECAY = 0.88
BASE_POSTS = 4.0
POST_SPIKE = 320.0  # complaint posts on the incident's busiest day
POST_DECAY = 0.80
POST_APOLOGY_FACTOR = 0.35


def build_daily() -> pd.DataFrame:
    """56 days of cancellations, reactivations and complaint posts at Bramble (fictional)."""
    g = rng(20090717)
    date = SCENARIO_START + pd.to_timedelta(np.arange(SCENARIO_DAYS), unit="D")
    t = (date - INCIDENT_DAY).days.to_numpy()
    t_statement = (STATEMENT_DAY - INCIDENT_DAY).days
    t_apology = (APOLOGY_DAY - INCIDENT_DAY).days
    after = t >= 0

    extra = np.where(after, OUTRAGE * OUTRAGE_DECAY ** np.maximum(t, 0), 0.0)
    extra = np.where(t >= t_statement, extra * STATEMENT_FACTOR, extra)
    fade = APOLOGY_FACTOR * APOLOGY_DECAY ** np.maximum(t - t_apology, 0)
    extra = np.where(t >= t_apology, extra * fade, extra)
    cancellations = g.poisson(BASE_CANCELLATIONS + extra)

    come_back = np.full(SCENARIO_DAYS, BASE_REACTIVATIONS)
    come_back += np.where((t >= t_statement) & (t < t_apology), STATEMENT_REACTIVATIONS, 0.0)
    come_back += np.where(
        t >= t_apology, APOLOGY_REACTIVATIONS * REACTIVATION_DECAY ** np.maximum(t - t_apology, 0), 0.0
    )
    reactivations = g.poisson(come_back)

    # Posts peak the day after the incident, as the story spreads, then fade.
    spread = np.where(t == 0, 0.6, 1.0)
    posts = np.where(after, POST_SPIKE * spread * POST_DECAY ** np.maximum(t - 1, 0), 0.0)
    posts = np.where(t >= t_apology, posts * POST_APOLOGY_FACTOR, posts)
    complaint_posts = g.poisson(BASE_POSTS + posts)

    event = pd.Series(date).map(EVENTS)
    return pd.DataFrame(
        {
            "date": date,
            "cancellations": cancellations,
            "reactivations": reactivations,
            "complaint_posts": complaint_posts,
            "event": event,
        }
    )


DATASETS = [
    Dataset(
        name="apology_cases",
        columns=(
            Column("case_id", "int"),
            Column("case", "str"),
            Column("company", "str"),
            Column("incident", "str"),
            Column("incident_date", "date"),
            Column("prior_statement_date", "date"),
            Column("apology_date", "date"),
            Column("speaker", "str"),
            Column("speaker_level", "category", ("top leader", "senior executive", "no named person")),
            Column("channel", "str"),
            Column("responsibility_taken", "category", RESPONSIBILITY),
            Column("remedy", "str"),
            Column("outcome", "str"),
            Column("outcome_direction", "category"),
            *(Column(c, "int") for c in COMPONENTS),
            Column("coding_note", "str"),
            Column("source", "str"),
        ),
        build=build_cases,
    ),
    Dataset(
        name="apology_vignettes",
        columns=(
            Column("respondent_id", "int"),
            *(Column(c, "int") for c in COMPONENTS),
            Column("rating", "int"),
        ),
        build=build_vignettes,
    ),
    Dataset(
        name="apology_daily",
        columns=(
            Column("date", "date"),
            Column("cancellations", "int"),
            Column("reactivations", "int"),
            Column("complaint_posts", "int"),
            Column("event", "category"),
        ),
        build=build_daily,
    ),
]
