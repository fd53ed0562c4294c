"""The Parquet export loads in pyarrow, pandas, polars, DuckDB, fastparquet and astropy with
their default options, with the right types and every value the API sent (checked against
the user's own requests + json reading of the same answers); the footer's row groups and
statistics agree with the data; every codec and the dictionary fallback read back the same."""
import json
import math
import struct
import subprocess
import warnings

import duckdb
import fastparquet
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from astropy.table import Table

from conftest import Oracle

TABLES = ["anomalies", "objects"]


@pytest.fixture(scope="module")
def directory(exported):
    return exported["parquet"]


def path_of(directory, table):
    return directory / f"{table}.parquet"


def catalogue(path, table):
    """The columns as the file's own provenance describes them (name, source, type, unit…)."""
    provenance = json.loads(pq.ParquetFile(path).metadata.metadata[b"provenance"])
    return next(t for t in provenance["tables"] if t["name"] == table)["columns"]


def bits(value):
    return struct.pack("<d", value)


def same(got, want):
    """Exact equality: floats bit for bit (so -0.0 is not 0.0), booleans only as booleans."""
    if want is None:
        return got is None
    if isinstance(want, bool):
        return isinstance(got, (bool, np.bool_)) and bool(got) == want
    if isinstance(want, float):
        return isinstance(got, (float, np.floating)) and bits(float(got)) == bits(want)
    if isinstance(want, int):
        return isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_)) and int(got) == want
    return got == want


def plain(value):
    """A reader's cell as a Python value, None for every kind of missing."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def mismatches(table, oracle, columns, values_by_name):
    rows = oracle.tables[table]
    bad = []
    for column in columns:
        name = column["name"]
        got_column = values_by_name[name]
        assert len(got_column) == len(rows), name
        for index, row in enumerate(rows):
            want = Oracle.expected(row, name, column)
            got = plain(got_column[index])
            if not same(got, want):
                bad.append((table, index, name, got, want))
    return bad


@pytest.mark.parametrize("table", TABLES)
def test_pyarrow_reads_types_and_every_value(directory, oracle, table):
    path = path_of(directory, table)
    data = pq.read_table(path)
    schema = data.schema
    assert schema.field("i:candid").type == pa.int64()
    assert schema.field("i:fid").type == pa.int32()
    assert schema.field("i:jd").type == pa.float64()
    assert schema.field("i:magpsf").type == pa.float64()  # a 32-bit source column, kept exact
    assert schema.field("d:is_transient").type == pa.bool_()
    assert schema.field("i:objectId").type == pa.string()
    columns = catalogue(path, table)
    assert data.column_names == [c["name"] for c in columns]
    values = {name: data.column(name).to_pylist() for name in data.column_names}
    bad = mismatches(table, oracle, columns, values)
    assert not bad, bad[:5]


@pytest.mark.parametrize("table", TABLES)
def test_pandas_gets_nullable_integers_and_every_value(directory, oracle, table):
    path = path_of(directory, table)
    frame = pd.read_parquet(path)
    # Integers stay integers with nulls: ids above 2**53 keep every digit.
    assert str(frame["i:candid"].dtype) == "Int64"
    assert str(frame["i:fid"].dtype) == "Int32"
    assert str(frame["d:is_transient"].dtype) == "boolean"
    assert frame["i:jd"].dtype == np.float64
    columns = catalogue(path, table)
    values = {name: frame[name].tolist() for name in frame.columns}
    bad = mismatches(table, oracle, columns, values)
    assert not bad, bad[:5]
    assert max(frame["i:candid"].dropna()) > 2**53


@pytest.mark.parametrize("table", TABLES)
def test_polars_reads_every_value(directory, oracle, table):
    path = path_of(directory, table)
    frame = pl.read_parquet(path)
    assert frame.schema["i:candid"] == pl.Int64
    assert frame.schema["i:fid"] == pl.Int32
    assert frame.schema["i:jd"] == pl.Float64
    assert frame.schema["d:is_transient"] == pl.Boolean
    assert frame.schema["i:objectId"] == pl.String
    values = {name: frame[name].to_list() for name in frame.columns}
    bad = mismatches(table, oracle, catalogue(path, table), values)
    assert not bad, bad[:5]


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_reads_every_value_and_its_metadata_agrees(directory, oracle, table):
    path = path_of(directory, table)
    connection = duckdb.connect()
    result = connection.execute("SELECT * FROM read_parquet(?)", [str(path)])
    names = [d[0] for d in result.description]
    rows = result.fetchall()
    types = dict(connection.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                                    [str(path)]).fetchall())
    assert types["i:candid"] == "BIGINT" and types["i:fid"] == "INTEGER" and types["i:jd"] == "DOUBLE"
    assert types["d:is_transient"] == "BOOLEAN" and types["i:objectId"] == "VARCHAR"
    values = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    bad = mismatches(table, oracle, catalogue(path, table), values)
    assert not bad, bad[:5]
    # parquet_metadata() reads the same statistics pyarrow does.
    footer = pq.ParquetFile(path).metadata
    stats = connection.execute(
        "SELECT row_group_id, path_in_schema, stats_null_count, stats_min_value, stats_max_value "
        "FROM parquet_metadata(?)", [str(path)]).fetchall()
    assert len(stats) == footer.num_row_groups * footer.num_columns
    for group, column, null_count, low, high in stats:
        index = names.index(column)
        chunk = footer.row_group(group).column(index).statistics
        assert null_count == chunk.null_count, column
        if chunk.has_min_max and footer.schema.column(index).physical_type == "INT64":
            assert (int(low), int(high)) == (chunk.min, chunk.max), column


@pytest.mark.parametrize("table", TABLES)
def test_fastparquet_reads_every_value(directory, oracle, table):
    path = path_of(directory, table)
    frame = fastparquet.ParquetFile(str(path)).to_pandas()
    values = {name: frame[name].tolist() for name in frame.columns}
    bad = mismatches(table, oracle, catalogue(path, table), values)
    assert not bad, bad[:5]


@pytest.mark.parametrize("table", TABLES)
def test_statistics_are_the_data_s_own(directory, oracle, table):
    """Per row group and column: null_count, and min/max over the non-null values."""
    path = path_of(directory, table)
    footer = pq.ParquetFile(path).metadata
    assert footer.created_by.startswith("fink-export version ")
    columns = catalogue(path, table)
    rows = oracle.tables[table]
    start = 0
    for group in range(footer.num_row_groups):
        meta = footer.row_group(group)
        chunk_rows = rows[start:start + meta.num_rows]
        for index, column in enumerate(columns):
            stats = meta.column(index).statistics
            values = [Oracle.expected(row, column["name"], column) for row in chunk_rows]
            present = [v for v in values if v is not None]
            assert stats.null_count == len(values) - len(present), column["name"]
            if not present:
                assert not stats.has_min_max, column["name"]
                continue
            assert stats.has_min_max, column["name"]
            assert stats.min == min(present) and stats.max == max(present), column["name"]
        start += meta.num_rows
    assert start == len(rows)


def test_astropy_reads_units_ucds_and_descriptions(directory, oracle):
    path = path_of(directory, "objects")
    columns = {c["name"]: c for c in catalogue(path, "objects")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        voparquet = Table.read(path, format="parquet.votable")
        plain_reader = Table.read(path, format="parquet")
    for table in (voparquet, plain_reader):
        assert len(table) == len(oracle.tables["objects"])
        assert str(table["i:jd"].unit) == "d" and str(table["i:magpsf"].unit) == "mag"
        assert table["i:jd"].description == columns["i:jd"]["description"]
        assert [int(v) for v in table["i:candid"]] == [row["i:candid"] for row in oracle.tables["objects"]]
        assert list(table["i:objectId"]) == [row["i:objectId"] for row in oracle.tables["objects"]]
    assert voparquet["i:jd"].meta["ucd"] == columns["i:jd"]["ucd"]
    assert plain_reader.meta["table"] == "objects" and plain_reader.meta["tool"] == "fink-export"


def export(binaries, standin, target, *options):
    subprocess.run([str(binaries / "fink-export"), "--api-url", standin, "--n", "15", "--batch-size", "4",
                    "--tables", "objects", "--format", "parquet",
                    *[a for option in options for a in ("--option", option)],
                    "--output", str(target), "--quiet"], check=True)
    return target


@pytest.mark.parametrize("codec, options", [
    ("SNAPPY", ["compression=snappy"]), ("GZIP", ["compression=gzip", "compression-level=9"]),
    ("UNCOMPRESSED", ["compression=none"]), ("ZSTD", ["compression=zstd", "compression-level=19"]),
])
def test_every_codec_reads_back_the_same_values(binaries, standin, directory, tmp_path, codec, options):
    reference = pq.read_table(path_of(directory, "objects"))
    path = export(binaries, standin, tmp_path / "objects.parquet", *options)
    footer = pq.ParquetFile(path).metadata
    assert {footer.row_group(0).column(i).compression for i in range(footer.num_columns)} == {codec}
    assert pq.read_table(path).equals(reference)
    # fastparquet decompresses GZIP as gzip members only (not zlib streams), snappy as blocks.
    reference_frame = fastparquet.ParquetFile(str(path_of(directory, "objects"))).to_pandas()
    assert fastparquet.ParquetFile(str(path)).to_pandas().equals(reference_frame)
    if codec == "GZIP":
        first = footer.row_group(0).column(0)
        with open(path, "rb") as handle:
            handle.seek(first.data_page_offset)
            assert b"\x1f\x8b\x08" in handle.read(64)


def test_small_row_groups_split_the_table_and_read_whole(binaries, standin, directory, oracle, tmp_path):
    path = export(binaries, standin, tmp_path / "objects.parquet", "row-group-size=65536")
    footer = pq.ParquetFile(path).metadata
    assert footer.num_row_groups > 1
    assert sum(footer.row_group(g).num_rows for g in range(footer.num_row_groups)) == len(oracle.tables["objects"])
    assert pq.read_table(path).equals(pq.read_table(path_of(directory, "objects")))
    values = {name: column.to_list() for name, column in pl.read_parquet(path).to_dict().items()}
    assert not mismatches("objects", oracle, catalogue(path, "objects"), values)


def convert(binaries, saved, target, *options):
    return subprocess.run([str(binaries / "fink-export"), "convert", "--objects", str(saved), "--format", "parquet",
                           *[a for option in options for a in ("--option", option)],
                           "--output", str(target), "--quiet"], check=True, capture_output=True, text=True)


def test_open_pages_over_budget_close_before_the_row_group_ends(binaries, tmp_path):
    # A row group holds its columns compressed: once the open pages of all columns pass half
    # of the row group (32 MiB at most), every open page is closed, however small.
    # Here 1 MiB row groups of a narrow table: several pages per column chunk, values exact.
    rows = [{"i:objectId": f"ZTF{k % 5000:06d}", "i:jd": 2460000.5 + k / 7, "i:fid": k % 3 + 1,
             "i:magpsf": None if k % 11 == 0 else 18 + k / 60000} for k in range(60000)]
    saved = tmp_path / "objects.json"
    saved.write_text(json.dumps(rows))
    path = tmp_path / "objects.parquet"
    convert(binaries, saved, path, "row-group-size=1048576")
    footer = pq.ParquetFile(path).metadata
    assert footer.num_row_groups >= 2
    thrift = fastparquet.ParquetFile(str(path)).fmd.row_groups
    jd = footer.schema.names.index("i:jd")
    data_pages = sum(stat.count for stat in thrift[0].columns[jd].meta_data.encoding_stats if stat.page_type == 0)
    assert data_pages > 1, "the open pages were never closed before the row group ended"
    table = pq.read_table(path)
    for name in ("i:objectId", "i:jd", "i:fid", "i:magpsf"):
        assert table.column(name).to_pylist() == [row[name] for row in rows], name


def test_each_text_column_keeps_one_encoding_in_every_chunk(binaries, tmp_path):
    # x:long: 10,000 distinct 300-byte strings, PLAIN from the start (its dictionary would pass
    # 1 MiB). x:late: one value in the first batch of 4,096 rows, then distinct 300-byte
    # strings: it stays dictionary-encoded, and its dictionary filling up ends the row group.
    # Mixed chunks, or chunks that differ between row groups, are what fastparquet misreads.
    rows = [{"i:objectId": f"ZTF{k:05d}", "d:cdsxmatch": ["Star", "QSO", "Unknown"][k % 3],
             "x:long": f"{k:05d}" + "é" * 147 + "x",
             "x:late": "same" if k < 4096 else f"{k:05d}" + "ü" * 147 + "y"} for k in range(10000)]
    saved = tmp_path / "objects.json"
    saved.write_text(json.dumps(rows))
    path = tmp_path / "objects.parquet"
    convert(binaries, saved, path)
    footer = pq.ParquetFile(path).metadata
    names = footer.schema.names
    groups = range(footer.num_row_groups)
    assert footer.num_row_groups >= 2
    # The data pages' encodings, from the footer's encoding_stats (fastparquet shows them raw):
    # 8 is RLE_DICTIONARY, 0 PLAIN; page type 0 is a data page.
    thrift = fastparquet.ParquetFile(str(path)).fmd.row_groups
    def data_page_encodings(group, name):
        return {s.encoding for s in thrift[group].columns[names.index(name)].meta_data.encoding_stats if s.page_type == 0}
    for group in groups:
        assert data_page_encodings(group, "x:long") == {0}
        assert not footer.row_group(group).column(names.index("x:long")).has_dictionary_page
        for name in ("x:late", "d:cdsxmatch"):
            assert data_page_encodings(group, name) == {8}, (group, name)
            assert footer.row_group(group).column(names.index(name)).has_dictionary_page
    for name in ("x:long", "x:late", "d:cdsxmatch"):
        expected = [row[name] for row in rows]
        assert pq.read_table(path).column(name).to_pylist() == expected
        assert pl.read_parquet(path)[name].to_list() == expected
        assert [r[0] for r in duckdb.execute(f'SELECT "{name}" FROM read_parquet(?)', [str(path)]).fetchall()] == expected
        assert fastparquet.ParquetFile(str(path)).to_pandas()[name].tolist() == expected
        start = 0
        for group in groups:
            part = expected[start:start + footer.row_group(group).num_rows]
            stats = footer.row_group(group).column(names.index(name)).statistics
            assert (stats.min, stats.max) == (min(part), max(part)), (name, group)
            start += len(part)


def test_all_null_columns_and_an_empty_table_load_everywhere(binaries, tmp_path):
    rows = [{"i:objectId": f"ZTF{k}", "i:candid": None, "i:jd": None, "d:is_transient": None,
             "d:cdsxmatch": None} for k in range(5)]
    saved = tmp_path / "objects.json"
    saved.write_text(json.dumps(rows))
    path = tmp_path / "nulls.parquet"
    convert(binaries, saved, path)
    data = pq.read_table(path)
    for name in ("i:candid", "i:jd", "d:is_transient", "d:cdsxmatch"):
        assert data.column(name).null_count == 5, name
        assert pl.read_parquet(path)[name].null_count() == 5
        assert not pq.ParquetFile(path).metadata.row_group(0).column(data.column_names.index(name)).statistics.has_min_max
    assert pd.read_parquet(path)["i:candid"].isna().all()
    assert fastparquet.ParquetFile(str(path)).to_pandas()["i:jd"].isna().all()

    empty = tmp_path / "empty.csv"
    empty.write_text("\n")
    target = tmp_path / "empty.parquet"
    convert(binaries, empty, target)
    table = pq.read_table(target)
    assert table.num_rows == 0 and table.num_columns > 0
    assert pq.ParquetFile(target).metadata.num_row_groups == 0
    assert pl.read_parquet(target).height == 0
    assert len(pd.read_parquet(target)) == 0
    assert duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(target)]).fetchone()[0] == 0
    assert len(fastparquet.ParquetFile(str(target)).to_pandas()) == 0
