"""--with-upper-limits: the objects table holds every object's upper limits and bad-quality
points beside its detections, and pandas and astropy read them apart by `d:tag`, with the
values a user's own requests + json code gets from the same API."""
import math
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest
import requests
from astropy.io import fits
from astropy.table import Table

from conftest import original_names

COLUMNS = ["i:objectId", "i:jd", "i:fid", "i:diffmaglim", "i:candid", "i:magpsf"]


@pytest.fixture(scope="module")
def oracle(standin):
    """The API's own rows (numbers sent as strings converted as pandas would), newest first."""
    anomalies = requests.post(f"{standin}/api/v1/anomaly", json={"n": 6}).json()
    ids = list(dict.fromkeys(row["i:objectId"] for row in anomalies))
    rows = []
    for begin in range(0, len(ids), 10):
        answer = requests.post(f"{standin}/api/v1/objects",
                               json={"objectId": ",".join(ids[begin:begin + 10]), "withupperlim": True})
        rows += answer.json()
    return rows


@pytest.fixture(scope="module")
def exported(binaries, standin, tmp_path_factory):
    out = tmp_path_factory.mktemp("upper")
    for name in ("objects.csv", "objects.parquet", "objects.vot", "objects.h5", "objects.fits"):
        subprocess.run([str(binaries / "fink-export"), "--api-url", standin, "--n", "6", "--tables", "objects",
                        "--with-upper-limits", "--output", str(out / name), "--quiet"], check=True)
    return out


def number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


FLOAT32 = {"i:diffmaglim", "i:magpsf"}  # Fink `float` columns, which VOTable stores in 32 bits


def check(frame_rows, oracle, float32=False):
    assert len(frame_rows) == len(oracle)
    kinds = {}
    for got, want in zip(frame_rows, oracle):
        kinds[want["d:tag"]] = kinds.get(want["d:tag"], 0) + 1
        assert got["d:tag"] == want["d:tag"]
        assert got["i:objectId"] == want["i:objectId"]
        assert got["i:candid"] == int(want["i:candid"])
        for column in ("i:jd", "i:fid", "i:diffmaglim", "i:magpsf"):
            have, expected = number(got[column]), number(want[column])
            if float32 and column in FLOAT32 and expected is not None:
                expected = float(np.float32(expected))
            assert have == expected, (column, got[column], want[column])
    assert kinds.get("upperlim", 0) > 0 and kinds.get("valid", 0) > 0


def test_pandas_reads_limits_apart(exported, oracle):
    df = pd.read_csv(exported / "objects.csv", keep_default_na=False, na_values=[""], dtype_backend="numpy_nullable")
    limits = df[df["d:tag"] == "upperlim"]
    assert len(limits) == sum(row["d:tag"] == "upperlim" for row in oracle)
    assert (limits["i:candid"] == -1).all()
    assert limits["i:diffmaglim"].notna().all() and limits["i:magpsf"].isna().all()
    assert str(df["i:fid"].dtype) == "Int32" or str(df["i:fid"].dtype) == "Int64"
    rows = [{c: (None if pd.isna(v) else v) for c, v in record.items()} for record in df[COLUMNS + ["d:tag"]].to_dict("records")]
    check(rows, oracle)


def test_pandas_reads_limits_from_parquet(exported, oracle):
    df = pd.read_parquet(exported / "objects.parquet")
    limits = df[df["d:tag"] == "upperlim"]
    assert len(limits) == sum(row["d:tag"] == "upperlim" for row in oracle)
    assert (limits["i:candid"] == -1).all() and limits["i:magpsf"].isna().all()
    rows = [{c: (None if pd.isna(v) else v) for c, v in record.items()} for record in df[COLUMNS + ["d:tag"]].to_dict("records")]
    check(rows, oracle)


@pytest.mark.parametrize("name", ["objects.vot", "objects.h5", "objects.fits"])
def test_astropy_reads_limits_apart(exported, oracle, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if name.endswith(".vot"):
            table = Table.read(exported / name, table_id="objects", use_names_over_ids=True)
        elif name.endswith(".fits"):
            # Limits have null booleans; astropy reads a FITS null logical as False and says so
            # (the README's FITS section gives logical_as_bytes=True to keep them).
            warnings.filterwarnings("ignore", message=r"Column '\w+' contains NULL \(undefined\) values")
            table = Table.read(exported / name, hdu="objects")
            for fits_name, original in original_names(fits.getheader(exported / name, "objects")).items():
                if fits_name != original:
                    table.rename_column(fits_name, original)
        else:
            table = Table.read(exported / name, path="objects")
    tags = np.asarray(table["d:tag"]).astype(str)
    limits = table[tags == "upperlim"]
    assert len(limits) > 0 and (np.asarray(limits["i:candid"]) == -1).all()
    magpsf = limits["i:magpsf"]
    assert np.all(np.ma.getmaskarray(magpsf) | np.isnan(np.ma.getdata(magpsf)))
    rows = []
    for row in table:
        record = {}
        for column in COLUMNS + ["d:tag"]:
            value = row[column]
            record[column] = None if np.ma.is_masked(value) else (value.item() if hasattr(value, "item") else value)
        rows.append(record)
    check(rows, oracle, float32=name.endswith(".vot"))
