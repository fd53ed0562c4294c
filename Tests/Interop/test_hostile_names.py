"""Column names with quotes, newlines, markup characters, SQL keywords and non-ASCII letters
(columns the catalogue does not know, so their names come from the data) survive into every
format and read back, under the same names and with their values, in the readers users use."""
import json
import sqlite3
import subprocess
import warnings

import duckdb
import h5py
import pandas as pd
import polars as pl
import pytest
from astropy.table import Table

from test_votable import strict_parse, votlint

ODD_NAMES = ['say "hi"', "two\nlines", "<tag> & 'amp'", "select", "drop table objects;--", "ünï ☃", "a,b", " lead"]
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "sqlite": "sqlite", "hdf5": "h5", "votable": "vot", "parquet": "parquet"}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    rows = [{"i:objectId": f"ZTF{k}", **{name: f"{name}={k}" for name in ODD_NAMES}} for k in range(3)]
    path = tmp_path_factory.mktemp("odd") / "objects.json"
    path.write_text(json.dumps(rows))
    return path, rows


def convert(binaries, saved, tmp_path, fmt):
    out = tmp_path / f"objects.{EXTENSIONS[fmt]}"
    result = subprocess.run([str(binaries / "fink-export"), "convert", "--objects", str(saved), "--format", fmt,
                             "--output", str(out), "--quiet"], check=True, capture_output=True, text=True)
    # One warning per inferred column, each on one line: a newline in a name is shown escaped.
    assert len(result.stderr.splitlines()) == len(ODD_NAMES), result.stderr
    assert "two\\nlines" in result.stderr
    return out


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_odd_column_names_read_back(binaries, saved, tmp_path, fmt):
    path, rows = saved
    out = convert(binaries, path, tmp_path, fmt)
    if fmt == "csv":
        frame = pd.read_csv(out)
    elif fmt == "jsonl":
        frame = pd.read_json(out, lines=True)
    elif fmt == "sqlite":
        with sqlite3.connect(out) as connection:
            frame = pd.read_sql('SELECT * FROM "objects"', connection)
    elif fmt == "hdf5":
        with h5py.File(out, "r") as h5:
            data = h5["objects"][()]
            assert set(ODD_NAMES) <= set(data.dtype.names), data.dtype.names
            frame = pd.DataFrame({name: [v.decode() for v in data[name]] for name in ODD_NAMES})
            # astropy reads the names again from its YAML header, where a quote is doubled.
            assert set(ODD_NAMES) <= set(Table.read(out, path="objects").colnames)
    elif fmt == "parquet":
        frame = pd.read_parquet(out)
        assert set(ODD_NAMES) <= set(pl.read_parquet(out).columns)
        described = [d[0] for d in duckdb.execute("SELECT * FROM read_parquet(?)", [str(out)]).description]
        assert set(ODD_NAMES) <= set(described), described
        assert set(ODD_NAMES) <= set(Table.read(out, format="parquet").colnames)
    else:
        votlint(out)
        frame = strict_parse(out).get_first_table().to_table(use_names_over_ids=True).to_pandas()
    for name in ODD_NAMES:
        assert name in frame.columns, f"{fmt}: {name!r} missing from {list(frame.columns)}"
        assert list(frame[name]) == [row[name] for row in rows], fmt
