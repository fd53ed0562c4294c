"""The HDF5 export reads with h5py, astropy and pandas with the right dtypes and every
value the API sent; h5dump shows a clean header."""
import json
import math
import subprocess
import time

import h5py
import numpy as np
import pandas as pd
import pytest
from astropy.table import Table

from conftest import FEATURES, Oracle

TABLES = ["anomalies", "objects"]


@pytest.fixture(scope="module")
def path(exported):
    return exported["hdf5"] / "fink.hdf5"


def catalogue(h5, table):
    attrs = h5[table].attrs
    return [{"name": n, "source": s, "type": t} for n, s, t in
            zip(attrs["column_names"], attrs["column_sources"], attrs["column_types"])]


def cell(value, mask=False):
    """A numpy cell as a Python value, None when missing."""
    if mask:
        return None
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def test_h5dump_header_is_clean(path):
    out = subprocess.run(["h5dump", "-H", "-p", str(path)], check=True, capture_output=True, text=True).stdout
    assert 'DATASET "objects"' in out and "H5T_COMPOUND" in out
    assert "H5S_UNLIMITED" in out
    assert "SHUFFLE" in out and "DEFLATE { LEVEL 1 }" in out
    assert "H5T_CSET_UTF8" in out


@pytest.mark.parametrize("table", TABLES)
def test_h5py_reads_every_value_with_masks(path, oracle, table):
    with h5py.File(path, "r") as h5:
        data = h5[table][:]
        columns = catalogue(h5, table)
        assert data.dtype["i:candid"] == np.int64
        assert data.dtype["i:jd"] == np.float64
        assert data.dtype["i:fid"] == np.int32
        assert data.dtype["d:is_transient"] == np.bool_
        assert h5py.check_string_dtype(data.dtype["i:objectId"]).encoding == "utf-8"
        assert h5[table].attrs["int64_fill_value"] == np.iinfo(np.int64).min
    rows = oracle.tables[table]
    assert len(data) == len(rows)
    bad = []
    for index, row in enumerate(rows):
        for column in columns:
            name = column["name"]
            masked = bool(data[f"{name}.mask"][index]) if f"{name}.mask" in data.dtype.names else False
            got = cell(data[name][index], masked)
            want = Oracle.expected(row, name, column)
            if got != want:
                bad.append((table, index, name, got, want))
    assert not bad, bad[:5]


@pytest.mark.parametrize("table", TABLES)
def test_astropy_restores_masked_columns_units_and_descriptions(path, oracle, table):
    t = Table.read(path, path=table)
    assert "i:fid.mask" not in t.colnames
    assert t["i:jd"].unit == "d"
    assert t["i:magpsf"].unit == "mag"
    assert t["i:ra"].meta["ucd"] == "pos.eq.ra;meta.main"
    assert t["i:ra"].description
    assert t["i:fid"].__class__.__name__ == "MaskedColumn"
    rows = oracle.tables[table]
    assert len(t) == len(rows)
    strings = t["d:DR3Name"]
    for index, row in enumerate(rows):
        want = Oracle.expected(row, "d:DR3Name", {"source": "d:DR3Name", "type": "string"})
        value = strings[index]
        got = None if strings.mask[index] else (value.decode("utf-8") if isinstance(value, bytes) else str(value))
        assert got == want
        assert int(t["i:candid"][index]) == row["i:candid"]


# PyTables warns that names such as 'v:rate(g-r)' are not Python identifiers; they still read.
@pytest.mark.filterwarnings("ignore::tables.NaturalNameWarning")
def test_pandas_reads_through_astropy_h5py_and_pytables(path, oracle):
    rows = oracle.tables["objects"]
    frame = Table.read(path, path="objects").to_pandas()
    assert str(frame["i:fid"].dtype) in ("int32", "Int32")
    assert frame["i:candid"].tolist() == [r["i:candid"] for r in rows]
    with h5py.File(path, "r") as h5:
        plain = pd.DataFrame(h5["objects"][:])
    assert plain["i:candid"].dtype == np.int64
    tables = pd.read_hdf(path, "objects")
    assert len(tables) == len(rows)
    assert tables["i:candid"].tolist() == [r["i:candid"] for r in rows]


def test_provenance_is_on_the_root(path, standin):
    with h5py.File(path, "r") as h5:
        assert h5.attrs["tool"] == "fink-export"
        assert h5.attrs["source"].startswith(standin)
        assert list(h5.attrs["feature_names"]) == FEATURES
        provenance = json.loads(h5.attrs["provenance"])
        assert provenance["tables"][1]["name"] == "objects"
        assert h5.attrs["rows_objects"] == provenance["tables"][1]["rows"]


def test_features_layout_is_one_line_for_ml(exported, oracle):
    with h5py.File(exported["hdf5-features"] / "fink.hdf5", "r") as h5:
        X = h5["objects/features"][:]
        names = list(h5["objects/features"].attrs["columns"])
        ids = [v.decode() for v in h5["objects/objectId"][:]]
        candid = h5["objects/candid"][:]
        labels = [v.decode() for v in h5["objects/label"][:]]
        score = h5["objects/score"][:]
    rows = oracle.tables["objects"]
    assert X.shape == (len(rows), 52) and X.dtype == np.float64
    assert names[0] == "d:lc_features_g_mean" and names[-1] == "d:lc_features_r_stetson_K"
    assert ids == [r["i:objectId"] for r in rows]
    assert candid.tolist() == [r["i:candid"] for r in rows]
    for index, row in enumerate(rows):
        for position, name in enumerate(names):
            source = name[:len("d:lc_features_g")]
            want = Oracle.expected(row, name, {"source": source, "type": "double"})
            got = X[index, position]
            assert (want is None and math.isnan(got)) or got == want, (index, name, got, want)
        label = Oracle.expected(row, "d:cdsxmatch", {"source": "d:cdsxmatch", "type": "string"})
        assert labels[index] == (label or "")
        want_score = row.get("d:anomaly_score")
        assert (want_score is None and math.isnan(score[index])) or score[index] == want_score


def test_long_strings_after_the_first_batch_are_kept_whole(binaries, tmp_path):
    rows = [{"i:objectId": f"ZTF{i:09d}", "d:cdsxmatch": "x"} for i in range(5000)]
    rows[4500]["d:cdsxmatch"] = "é" * 300
    rows[4999]["d:cdsxmatch"] = "end, \"quoted\" ☃"
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(rows))
    out = tmp_path / "wide.h5"
    subprocess.run([str(binaries / "fink-export"), "convert", "--objects", str(saved), "--output", str(out), "--quiet"],
                   check=True)
    with h5py.File(out, "r") as h5:
        data = h5["objects"][:]
        assert list(h5.keys()) == ["objects", "objects.__table_column_meta__"]
    assert data["d:cdsxmatch"][4500].decode() == "é" * 300
    assert data["d:cdsxmatch"][4999].decode() == "end, \"quoted\" ☃"
    assert data["d:cdsxmatch"][0] == b"x"
    assert len(data) == 5000


def test_float32_option_halves_float_columns(binaries, standin, tmp_path):
    out = tmp_path / "f32.h5"
    subprocess.run([str(binaries / "fink-export"), "--api-url", standin, "--n", "3", "--option", "floats=float32",
                    "--tables", "objects", "--output", str(out), "--quiet"], check=True)
    with h5py.File(out, "r") as h5:
        assert h5["objects"].dtype["i:magpsf"] == np.float32
        assert h5["objects"].dtype["i:jd"] == np.float64


def test_readable_while_another_export_writes_a_different_file(binaries, path, tmp_path):
    writer = subprocess.Popen([str(binaries / "fink-export"), "--sample", "--output", str(tmp_path / "other.h5"), "--quiet"])
    try:
        for _ in range(5):
            with h5py.File(path, "r") as h5:
                assert len(h5["objects"]) > 0
            time.sleep(0.05)
    finally:
        assert writer.wait(timeout=120) == 0
    with h5py.File(tmp_path / "other.h5", "r") as h5:
        assert len(h5["objects"]) > 0
