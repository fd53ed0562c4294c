"""The FITS export (the cfitsio plugin) passes fitsverify with no warning, and astropy and
STILTS read every value the API sent, once the documented name mapping (ONAMEn) and text
escape (ESCAPE = 'JSON') are undone."""
import csv
import io
import json
import math
import os
import struct
import subprocess
import warnings

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from astropy.units import UnitsWarning

from conftest import ROOT, Oracle, original_names, unescape

TABLES = ["anomalies", "objects"]


def path_of(exported):
    return exported["fits"] / "fink.fits"


def catalogue(header, table):
    provenance = json.loads(unescape(header["FINK_EXPORT PROVENANCE"]))
    return {c["name"]: c for c in next(t for t in provenance["tables"] if t["name"] == table)["columns"]}


def bits(value):
    return struct.pack("<d", value)


def expected(row, name, column):
    want = Oracle.expected(row, name, column)
    # FITS readers cannot tell an empty string from a null one: the export wrote it as null.
    return None if want == "" else want


def same(got, want, tform):
    if want is None:
        return got is None
    if isinstance(want, bool):
        return isinstance(got, (bool, np.bool_)) and bool(got) == want
    if isinstance(want, float) or tform in ("D", "E"):
        return isinstance(got, (float, np.floating)) and bits(float(got)) == bits(float(want))
    if isinstance(want, int):
        return isinstance(got, (int, np.integer)) and int(got) == want
    return got == want


def test_fitsverify_reports_nothing(exported):
    result = subprocess.run(["fitsverify", "-q", str(path_of(exported))], capture_output=True, text=True)
    # fitsverify's exit status is its count of warnings and errors.
    assert result.returncode == 0 and "verification OK" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("table", TABLES)
def test_astropy_table_read_gives_every_value(exported, oracle, table):
    path = path_of(exported)
    hdu = TABLES.index(table) + 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = Table.read(path, hdu=hdu)
    # Every TUNITn parses; the one warning allowed is astropy's about null logicals.
    assert not [w for w in caught if issubclass(w.category, UnitsWarning)], [str(w.message) for w in caught]
    with fits.open(path, logical_as_bytes=True) as hdus:
        header = hdus[hdu].header
        # Table.read reads a null logical as False; fits.open(logical_as_bytes=True) keeps it.
        logicals = {header[f"TTYPE{n}"]: hdus[hdu].data.field(n - 1).copy()
                    for n in range(1, header["TFIELDS"] + 1) if header[f"TFORM{n}"] == "L"}
    assert unescape(header["EXTNAME"]) == table
    assert header["ESCAPE"] == "JSON"
    names = original_names(header)
    columns = catalogue(header, table)
    assert list(names.values()) == list(columns), "the original names, in order"
    rows = oracle.tables[table]
    assert len(data) == len(rows)
    forms = {header[f"TTYPE{n}"]: header[f"TFORM{n}"].strip()[-1] for n in range(1, header["TFIELDS"] + 1)}
    bad = []
    for fits_name, name in names.items():
        column = data[fits_name]
        mask = np.ma.getmaskarray(column)
        tform = forms[fits_name]
        for index, row in enumerate(rows):
            want = expected(row, name, columns[name])
            if tform == "L":
                cell = logicals[fits_name][index]
                got = None if cell == b"" else cell == b"T"
            elif mask[index]:
                got = None
            else:
                got = column[index].item() if isinstance(column[index], np.generic) else column[index]
                if tform == "A":
                    got = unescape(got)
            if not same(got, want, tform):
                bad.append((table, index, name, got, want))
    assert not bad, bad[:5]


def test_units_descriptions_ucds_and_provenance(exported, standin):
    table = Table.read(path_of(exported), hdu=2)
    assert table["i_jd"].unit == "d"
    assert table["i_magpsf"].unit == "mag"
    header = fits.getheader(path_of(exported), 2)
    columns = catalogue(header, "objects")
    number = next(n for n in range(1, header["TFIELDS"] + 1) if header[f"TTYPE{n}"] == "i_magpsf")
    assert unescape(header[f"ONAME{number}"]) == "i:magpsf"
    assert unescape(header[f"TCOMM{number}"]) == columns["i:magpsf"]["description"]
    assert header[f"TUCD{number}"] == columns["i:magpsf"]["ucd"]
    assert table.meta["FINK_EXPORT TOOL"] == "fink-export"
    assert unescape(table.meta["FINK_EXPORT SOURCE"]).startswith(standin)
    assert json.loads(unescape(table.meta["FINK_EXPORT FEATURE_NAMES"]))[0] == "mean"


def test_stilts_reads_both_tables_with_their_metadata(exported, oracle):
    path = path_of(exported)
    for index, table in enumerate(TABLES, start=1):
        out = subprocess.run(["stilts", "tpipe", f"in={path}#{index}", "omode=count"], check=True, capture_output=True, text=True).stdout
        assert f"rows: {len(oracle.tables[table])}" in out
    # STIL's own view of the columns: units from TUNITn, UCDs from TUCDn, descriptions from TCOMMn.
    meta = subprocess.run(["stilts", "tpipe", f"in={path}#2", "cmd=meta Name Units UCD Description", "ofmt=csv", "omode=out"],
                          check=True, capture_output=True, text=True).stdout
    described = {record[0]: record[1:] for record in csv.reader(io.StringIO(meta))}
    header = fits.getheader(path, 2)
    columns = catalogue(header, "objects")
    for fits_name, name in original_names(header).items():
        column = columns[name]
        assert described[fits_name] == [column.get("unit", ""), column.get("ucd", ""), column.get("description", "")], name


@pytest.mark.parametrize("table", TABLES)
def test_stilts_gives_every_value(exported, oracle, table):
    path = path_of(exported)
    hdu = TABLES.index(table) + 1
    text = subprocess.run(["stilts", "tpipe", f"in={path}#{hdu}", "ofmt=csv"], check=True, capture_output=True, text=True).stdout
    records = list(csv.reader(io.StringIO(text)))
    header = fits.getheader(path, hdu)
    names = original_names(header)
    columns = catalogue(header, table)
    forms = [header[f"TFORM{n}"].strip()[-1] for n in range(1, header["TFIELDS"] + 1)]
    assert records[0] == list(names)
    rows = oracle.tables[table]
    assert len(records) - 1 == len(rows)
    bad = []
    for index, (record, row) in enumerate(zip(records[1:], rows)):
        for (fits_name, name), cell, tform in zip(names.items(), record, forms):
            want = expected(row, name, columns[name])
            if cell == "":
                got = None
            elif tform in "KJ":
                got = int(cell)
            elif tform in "DE":
                got = float(cell)
                got = None if math.isnan(got) else got
            elif tform == "L":
                got = cell == "true"
            else:
                got = unescape(cell)
            if not same(got, want, tform):
                bad.append((table, index, name, got, want))
    assert not bad, bad[:5]


def test_gzip_empty_tables_null_columns_and_hostile_names_and_text(binaries, tmp_path):
    hostile = [{"i:objectId": "ZTF1", "i:candid": 9007199254740993, "d:cdsxmatch": "a & b < c > d \" e ' f \\ g  ",
                "x:note": "ctl\u0001\u0002 tab\t é ☃ 𝄞", "x:Note": "same name but for case",
                "x:empty": "", "x:flag": True},
               {"i:objectId": "ZTF2", "i:candid": -9223372036854775807, "d:cdsxmatch": None, "x:note": None, "x:Note": None,
                "x:empty": None, "x:flag": None}]
    nulls = [{"i:objectId": None, "i:jd": None, "i:fid": None, "d:cdsxmatch": None}] * 3
    for name, rows in (("empty", []), ("nulls", nulls), ("hostile", hostile)):
        saved = tmp_path / f"{name}.json"
        saved.write_text(json.dumps(rows))
        out = tmp_path / f"{name}.fits.gz"
        subprocess.run([str(binaries / "fink-export"), "convert", "--objects", str(saved), "--output", str(out), "--quiet"], check=True)
        assert out.read_bytes()[:2] == b"\x1f\x8b", "gzip framing"
        result = subprocess.run(["fitsverify", "-q", str(out)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
        with fits.open(out, logical_as_bytes=True) as hdus:
            header = hdus[1].header
            assert header["NAXIS2"] == len(rows)
            names = original_names(header)
            by_name = {original: hdus[1].data.field(fits_name) for fits_name, original in names.items()}
            lowered = [n.lower() for n in names]
            assert len(set(lowered)) == len(lowered), "names unique ignoring case"
        if name == "nulls":
            assert np.isnan(by_name["i:jd"]).all()
            assert (by_name["i:fid"] == header[f"TNULL{list(names.values()).index('i:fid') + 1}"]).all()
        if name == "hostile":
            assert int(by_name["i:candid"][0]) == 9007199254740993
            assert int(by_name["i:candid"][1]) == -9223372036854775807
            assert unescape(by_name["d:cdsxmatch"][0]) == "a & b < c > d \" e ' f \\ g  "
            assert unescape(by_name["x:note"][0]) == "ctl\u0001\u0002 tab\t é ☃ 𝄞"
            assert unescape(by_name["x:Note"][0]) == "same name but for case"
            assert list(by_name["x:flag"]) == [b"T", b""]
            assert by_name["x:note"][1] == "" and by_name["x:empty"][0] == ""


def test_a_nul_in_a_column_name_is_refused_as_usage(binaries, tmp_path):
    # Names cross the plugin ABI as C strings: a NUL is refused before any file is written.
    saved = tmp_path / "nul.json"
    saved.write_text(json.dumps([{"i:objectId": "ZTF1", "x:nul\u0000": 1}]))
    out = tmp_path / "nul.fits"
    result = subprocess.run([str(binaries / "fink-export"), "convert", "--objects", str(saved), "--output", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 64, result.stderr
    assert "cannot hold the column name" in result.stderr
    assert list(tmp_path.iterdir()) == [saved]


def test_installed_layout_finds_the_plugin_and_its_header(binaries, tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run([str(ROOT / "scripts" / "install"), str(prefix), "--bin-dir", str(binaries)], check=True, capture_output=True)
    plugins = prefix / "lib" / "fink-export" / "plugins"
    assert (plugins / "fink_export_sink.h").read_text() == (ROOT / "Plugins" / "SinkABI" / "fink_export_sink.h").read_text()
    environment = {key: value for key, value in os.environ.items() if key != "FINK_EXPORT_PLUGIN_PATH"}
    listed = subprocess.run([str(prefix / "bin" / "fink-export"), "formats"], capture_output=True, text=True, check=True, env=environment)
    assert f"plugin:      {plugins / 'libfink-export-sink-fits.so'}" in listed.stdout
    assert listed.stderr == ""
    out = tmp_path / "sample.fits"
    subprocess.run([str(prefix / "bin" / "fink-export"), "--sample", "--quiet", "-o", str(out)], check=True, env=environment)
    assert subprocess.run(["fitsverify", "-q", str(out)], capture_output=True).returncode == 0
