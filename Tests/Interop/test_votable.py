"""The VOTable export passes `stilts votlint` and astropy's strict parser without a warning,
in both encodings, and every value equals what the API sent."""
import json
import math
import subprocess
import warnings

import numpy as np
import pytest
from astropy.io.votable import parse
from astropy.table import Table

from conftest import Oracle

ENCODINGS = ["binary2", "tabledata"]
TABLES = ["anomalies", "objects"]


def path_of(exported, encoding):
    return exported[encoding] / "fink.votable"


def strict_parse(path):
    """astropy with verify='exception'; warnings that stay warnings even then are errors too."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        votable = parse(str(path), verify="exception")
    assert not caught, [str(w.message) for w in caught]
    return votable


def votlint(path):
    result = subprocess.run(["stilts", "votlint", f"votable={path}"], capture_output=True, text=True)
    # votlint exits 0 even when it reports errors: its output must be empty.
    assert result.returncode == 0 and result.stdout.strip() == "" and result.stderr.strip() == "", result.stdout + result.stderr


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_votlint_reports_nothing(exported, encoding):
    votlint(path_of(exported, encoding))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_stilts_counts_the_rows(exported, oracle, encoding):
    for index, table in enumerate(TABLES):
        out = subprocess.run(["stilts", "tpipe", f"in={path_of(exported, encoding)}#{index}", "omode=count"],
                             check=True, capture_output=True, text=True).stdout
        assert f"rows: {len(oracle.tables[table])}" in out


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("table", TABLES)
def test_astropy_strict_parse_gives_every_value(exported, oracle, encoding, table):
    votable = strict_parse(path_of(exported, encoding))
    resource_table = votable.get_table_by_id(table)
    fields = {f.name: f for f in resource_table.fields}
    data = resource_table.to_table(use_names_over_ids=True)
    rows = oracle.tables[table]
    assert len(data) == len(rows)
    assert fields["i:candid"].datatype == "long"
    assert fields["i:magpsf"].datatype == "float"
    assert fields["i:objectId"].datatype == "char"
    assert fields["v:constellation"].datatype == "unicodeChar" if "v:constellation" in fields else True
    assert fields["d:is_transient"].datatype == "boolean"
    bad = []
    for name, field in fields.items():
        column = data[name]
        mask = np.ma.getmaskarray(column)
        source = name[:len("d:lc_features_g")] if name.startswith("d:lc_features_") else name
        for index, row in enumerate(rows):
            want = Oracle.expected(row, name, {"source": source, "type": "string" if field.datatype in ("char", "unicodeChar") else "x"})
            got = None if mask[index] else column[index]
            if field.datatype in ("char", "unicodeChar"):
                # VOTable cannot tell an empty string from a null one.
                ok = (got or "") == (want or "")
            elif got is None or (isinstance(got, (float, np.floating)) and math.isnan(got)):
                ok = want is None
            elif field.datatype == "float":
                ok = want is not None and np.float32(want) == got
            elif field.datatype == "boolean":
                ok = bool(got) == want
            else:
                ok = got == want
            if not ok:
                bad.append((table, index, name, got, want))
    assert not bad, bad[:5]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_table_read_gives_units_and_provenance(exported, standin, encoding):
    table = Table.read(path_of(exported, encoding), table_id="objects", use_names_over_ids=True)
    assert table["i:jd"].unit == "d"
    assert table["i:magpsf"].unit == "mag"
    assert table["i:ra"].meta.get("ucd") == "pos.eq.ra;meta.main" or table["i:ra"].info.meta.get("ucd") == "pos.eq.ra;meta.main"
    votable = strict_parse(path_of(exported, encoding))
    infos = {info.name: info.value for info in votable.resources[0].infos}
    assert infos["tool"] == "fink-export"
    assert infos["source"].startswith(standin)
    assert json.loads(infos["feature_names"])[0] == "mean"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_empty_table_table_of_nulls_and_hostile_text(binaries, tmp_path, encoding):
    nulls = [{"i:objectId": None, "i:jd": None, "i:fid": None, "d:from_upper": None, "d:cdsxmatch": None}] * 3
    hostile = [{"i:objectId": "ZTF1", "d:cdsxmatch": "a & b < c > d \" e ' f", "x:note": "ctl\u0001\u0002 tab\t é ☃ 𝄞"}]
    for name, rows in (("empty", []), ("nulls", nulls), ("hostile", hostile)):
        saved = tmp_path / f"{name}.json"
        saved.write_text(json.dumps(rows))
        out = tmp_path / f"{name}.vot"
        subprocess.run([str(binaries / "fink-export"), "convert", "--objects", str(saved), "--output", str(out),
                        "--votable-encoding", encoding, "--quiet"], check=True)
        votlint(out)
        data = strict_parse(out).get_first_table().to_table(use_names_over_ids=True)
        assert len(data) == len(rows)
        if name == "nulls":
            assert np.ma.getmaskarray(data["i:fid"]).all()
            assert all(math.isnan(v) for v in np.ma.filled(data["i:jd"], np.nan))
        if name == "hostile":
            assert data["d:cdsxmatch"][0] == "a & b < c > d \" e ' f"
            note = data["x:note"][0]
            if encoding == "binary2":
                assert note == "ctl\u0001\u0002 tab\t é ☃ 𝄞"
            else:
                # XML 1.0 cannot carry C0 controls: they become U+FFFD (reported as a warning).
                assert note == "ctl\ufffd\ufffd tab\t é ☃ 𝄞"
