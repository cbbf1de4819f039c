"""coursekit's dataset plumbing: found from anywhere, typed, and clear when something is wrong."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from support import ROOT

import coursekit.paths as paths
from coursekit import DatasetError, find_datasets_dir, load_dataset
from coursekit.loading import list_datasets

DATASETS_DIR = ROOT / "datasets"
NAME = "dayone_survey"


@pytest.fixture
def scratch_datasets(tmp_path):
    """A copy of datasets/ to damage."""
    folder = tmp_path / "datasets"
    shutil.copytree(DATASETS_DIR, folder)
    return folder


@pytest.fixture
def no_installed_copy(monkeypatch, tmp_path):
    """Pretend the course is not installed, so only the working directory counts."""
    monkeypatch.setattr(paths, "installed_locations", lambda: [tmp_path / "nowhere"])
    monkeypatch.delenv(paths.ENV_VAR, raising=False)


@pytest.mark.parametrize("where", ["lessons/00-day-one", "solutions/00-day-one", ".", "datasets"])
def test_found_from_inside_the_repository(where, monkeypatch, no_installed_copy):
    monkeypatch.chdir(ROOT / where)
    assert find_datasets_dir() == DATASETS_DIR


def test_found_from_a_released_copy_elsewhere_through_the_installed_package(tmp_path, monkeypatch):
    """A student's fetched lesson (~/course/00-day-one) has no datasets/ above it."""
    released = tmp_path / "home" / "student" / "00-day-one"
    shutil.copytree(ROOT / "lessons" / "00-day-one", released)
    monkeypatch.chdir(released)
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    assert find_datasets_dir() == DATASETS_DIR
    assert len(load_dataset(NAME)) == 600


def test_found_under_the_prefix_after_a_regular_install(tmp_path, monkeypatch):
    prefix = tmp_path / "prefix"
    shutil.copytree(DATASETS_DIR, prefix / "share" / "customer-obsession" / "datasets")
    monkeypatch.setattr(paths.sys, "prefix", str(prefix))
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "site-packages" / "coursekit" / "paths.py"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    assert find_datasets_dir() == prefix / "share" / "customer-obsession" / "datasets"


def test_environment_variable_wins(scratch_datasets, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(scratch_datasets))
    monkeypatch.chdir(ROOT)
    assert find_datasets_dir() == scratch_datasets.resolve()


def test_environment_variable_pointing_nowhere_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(DatasetError, match=r"COURSE_DATASETS is set to .*missing.*unset it"):
        find_datasets_dir()


def test_a_foreign_datasets_folder_is_not_mistaken_for_ours(tmp_path, monkeypatch, no_installed_copy):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "README.md").write_text("# My own data\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetError) as error:
        find_datasets_dir()
    message = str(error.value)
    assert str(tmp_path / "datasets") in message, "the message lists where it looked"
    assert "pip install -e" in message and "COURSE_DATASETS" in message, "and what to do"


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(DatasetError, match=r"no dataset called 'dayone_surveys'.*dayone_survey"):
        load_dataset("dayone_surveys", datasets_dir=DATASETS_DIR)


def test_name_with_csv_suffix_is_accepted():
    assert len(load_dataset(f"{NAME}.csv", datasets_dir=DATASETS_DIR)) == 600


def test_missing_file_names_it_its_columns_and_the_fix(scratch_datasets):
    (scratch_datasets / f"{NAME}.csv").unlink()
    with pytest.raises(DatasetError) as error:
        load_dataset(NAME, datasets_dir=scratch_datasets)
    message = str(error.value)
    assert f"{NAME}.csv is missing" in message
    assert "respondent_id (int)" in message and "survey_date (date)" in message
    assert "make data" in message


@pytest.mark.parametrize(
    "content, why",
    [
        (b"", "empty file"),
        (b"\xff\xfe\x00garbage\x00\xff", "not UTF-8"),
        (b'respondent_id,survey_date\n1,"2024-01-01\n', "unterminated quote"),
        (b"respondent_id,survey_date,segment,satisfaction,wish,spend_90d_usd\n1,2,3,4,5,6,7,8\n", "long row"),
        (b"respondent_id,survey_date,segment,satisfaction,wish,spend_90d_usd\n1,2024-01-01\n", "short row"),
    ],
)
def test_malformed_file_is_reported_not_half_read(scratch_datasets, content, why):
    (scratch_datasets / f"{NAME}.csv").write_bytes(content)
    with pytest.raises(DatasetError, match=rf"{NAME}\.csv (is not a readable UTF-8 CSV|has missing)") as error:
        load_dataset(NAME, datasets_dir=scratch_datasets)
    assert "make data" in str(error.value), why


def test_missing_column_is_named_with_what_was_expected(scratch_datasets):
    path = scratch_datasets / f"{NAME}.csv"
    frame = pd.read_csv(path).drop(columns=["wish"])
    frame.to_csv(path, index=False)
    with pytest.raises(DatasetError, match=r"missing column\(s\) wish\. Expected the columns respondent_id"):
        load_dataset(NAME, datasets_dir=scratch_datasets)


def test_renamed_column_is_reported_as_missing_and_unexpected(scratch_datasets):
    path = scratch_datasets / f"{NAME}.csv"
    pd.read_csv(path).rename(columns={"wish": "Wish"}).to_csv(path, index=False)
    with pytest.raises(DatasetError, match=r"missing column\(s\) wish and unexpected column\(s\) Wish"):
        load_dataset(NAME, datasets_dir=scratch_datasets)


@pytest.mark.parametrize(
    "column, bad, kind",
    [("satisfaction", "five", "int"), ("survey_date", "2024-13-45", "date"), ("wish", "teleportation", "category")],
)
def test_bad_value_names_column_row_and_value(scratch_datasets, column, bad, kind):
    path = scratch_datasets / f"{NAME}.csv"
    frame = pd.read_csv(path, dtype=str)
    frame.loc[9, column] = bad
    frame.to_csv(path, index=False)
    with pytest.raises(DatasetError, match=rf"column '{column}' should hold {kind} values, but row 11 .*'{bad}'"):
        load_dataset(NAME, datasets_dir=scratch_datasets)


def test_columns_argument_selects_in_order_and_rejects_typos():
    frame = load_dataset(NAME, columns=["wish", "satisfaction"], datasets_dir=DATASETS_DIR)
    assert list(frame.columns) == ["wish", "satisfaction"]
    with pytest.raises(DatasetError, match=r"has no column 'satisfation'. Its columns are: respondent_id"):
        load_dataset(NAME, columns=["satisfation"], datasets_dir=DATASETS_DIR)


def test_missing_values_are_kept_as_missing_not_dropped(scratch_datasets):
    path = scratch_datasets / f"{NAME}.csv"
    frame = pd.read_csv(path, dtype=str)
    frame.loc[3, "satisfaction"] = None
    frame.to_csv(path, index=False)
    loaded = load_dataset(NAME, datasets_dir=scratch_datasets)
    assert len(loaded) == 600 and loaded["satisfaction"].isna().sum() == 1
    assert str(loaded["satisfaction"].dtype) == "Int64"


def test_ordered_levels_come_from_the_declaration():
    survey = load_dataset(NAME, datasets_dir=DATASETS_DIR)
    assert list(survey["segment"].cat.categories) == ["first-time", "returning", "loyal"]
    assert survey["segment"].cat.ordered


def test_list_datasets_names_every_file():
    assert set(list_datasets()) == {p.stem for p in DATASETS_DIR.glob("*.csv")}
