"""pandas reads fink-export's CSV and JSON Lines with the expected dtypes and the values the
API sent, checked against the user's own requests + json reading of the same answers."""
import math

import numpy as np
import pandas as pd
import pytest

from conftest import meta

TABLES = ["anomalies", "objects"]


def same(got, want):
    if want is None:
        return got is None or got is pd.NA or (isinstance(got, float) and math.isnan(got))
    if isinstance(want, bool) or isinstance(got, (bool, np.bool_)):
        return bool(got) == want
    if isinstance(want, float) and math.isinf(want):
        return got == want
    return got == want


def check_values(frame, table, columns, oracle, infinity_is_null=False, empty_string_is_null=False):
    rows = oracle.tables[table]
    assert len(frame) == len(rows)
    assert list(frame.columns) == list(columns)
    mismatches = []
    for index, row in enumerate(rows):
        for name, column in columns.items():
            want = oracle.expected(row, name, column)
            if infinity_is_null and isinstance(want, float) and math.isinf(want):
                want = None
            if empty_string_is_null and want == "":
                want = None
            got = frame.at[index, name]
            got = None if got is pd.NA else got
            if not same(got, want):
                mismatches.append((table, index, name, got, want))
    assert not mismatches, mismatches[:5]


@pytest.mark.parametrize("table", TABLES)
def test_read_csv_defaults_load_ids_exact_and_numbers_as_floats(exported, table):
    frame = pd.read_csv(exported["csv"] / f"{table}.csv")
    assert frame["i:candid"].dtype == np.int64
    assert frame["i:candid"].max() > 2**53
    assert frame["i:jd"].dtype == np.float64
    assert frame["i:magpsf"].dtype == np.float64
    assert frame["d:lc_features_g_mean"].dtype == np.float64
    assert frame["d:is_transient"].dtype == bool


@pytest.mark.parametrize("table", TABLES)
def test_read_csv_faithful_options_give_every_value(exported, oracle, table):
    columns = meta(exported["csv"], table, "csv")
    strings = {name: "string" for name, c in columns.items() if c["type"] == "string"}
    frame = pd.read_csv(exported["csv"] / f"{table}.csv", keep_default_na=False, na_values=[""],
                        dtype=strings, dtype_backend="numpy_nullable")
    assert str(frame["i:candid"].dtype) == "Int64"
    assert str(frame["i:objectId"].dtype) == "string"
    # The file writes "" for an empty string, but pandas reads quoted and bare empty fields alike.
    check_values(frame, table, columns, oracle, empty_string_is_null=True)


@pytest.mark.parametrize("table", TABLES)
def test_read_json_lines_gives_every_value(exported, oracle, table):
    columns = meta(exported["jsonl"], table, "jsonl")
    frame = pd.read_json(exported["jsonl"] / f"{table}.jsonl", lines=True, precise_float=True, dtype=False)
    assert frame["i:candid"].dtype == np.int64
    assert frame["i:candid"].max() > 2**53
    assert frame["i:magpsf"].dtype == np.float64
    # JSON has no infinity: the sink writes null there and reports it.
    check_values(frame, table, columns, oracle, infinity_is_null=True)


def test_unicode_and_punctuation_survive(exported):
    frame = pd.read_csv(exported["csv"] / "objects.csv", keep_default_na=False, na_values=[""])
    pis = set(frame["i:programpi"].dropna())
    assert "Zürich–Ωmega" in pis or "東京大学" in pis or 'Bellm, E. "Eric"' in pis
    lines = pd.read_json(exported["jsonl"] / "objects.jsonl", lines=True, dtype=False)
    assert set(lines["v:constellation"].dropna()) <= {"Boötes", "Sagittarius", "Canis Major", "Ursa Major",
                                                       "Cassiopeia", "Scorpius", "Orion"}
