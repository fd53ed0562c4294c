"""Three shards of a stand-in export (`--shard K/3`), read back as one dataset the way the README
shows (DuckDB over a Parquet glob, polars and pyarrow.dataset over the same files, SQLite with
ATTACH), equal the unsharded export row for row, with no row in two shards."""
import sqlite3
import subprocess

import duckdb
import polars as pl
import pyarrow.dataset as ds
import pytest

SHARDS = 3
TABLES = ["anomalies", "objects"]


def fnv1a64(text):
    """The README's shard rule in Python."""
    value = 0xcbf29ce484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return value


@pytest.fixture(scope="module")
def shard_exports(binaries, standin, tmp_path_factory):
    root = tmp_path_factory.mktemp("shards")
    common = [str(binaries / "fink-export"), "--api-url", standin, "--n", "15", "--batch-size", "4", "--quiet"]
    for directory in ("sqlite", "whole-sqlite"):
        (root / directory).mkdir()
    for fmt, target in (("parquet", "parquet/"), ("sqlite", "sqlite/fink.sqlite")):
        subprocess.run(common + ["--format", fmt, "--output", f"{root}/whole-{target}"], check=True)
        for k in range(SHARDS):
            subprocess.run(common + ["--format", fmt, "--output", f"{root}/{target}", "--shard", f"{k}/{SHARDS}"], check=True)
    return root


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_reads_the_parquet_glob_as_the_whole_export(shard_exports, table):
    shards = f"{shard_exports}/parquet/{table}.shard-*-of-{SHARDS}.parquet"
    whole = f"{shard_exports}/whole-parquet/{table}.parquet"
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{shards}')").fetchone()[0]
    assert count == duckdb.sql(f"SELECT count(*) FROM read_parquet('{whole}')").fetchone()[0] > 0
    for left, right in ((whole, shards), (shards, whole)):
        missing = duckdb.sql(f"SELECT count(*) FROM (SELECT * FROM read_parquet('{left}') EXCEPT ALL SELECT * FROM read_parquet('{right}'))")
        assert missing.fetchone()[0] == 0
    # No object (so no row) in two shards, and each shard holds exactly its hash's objects.
    per_shard = duckdb.sql(f"SELECT filename, list(DISTINCT \"i:objectId\") FROM read_parquet('{shards}', filename=true) GROUP BY filename").fetchall()
    assert len(per_shard) == SHARDS
    for filename, objects in per_shard:
        k = int(filename.split(".shard-")[1].split("-of-")[0])
        assert all(fnv1a64(o) % SHARDS == k for o in objects), filename


def test_polars_and_pyarrow_dataset_read_the_same_rows(shard_exports):
    pattern = f"{shard_exports}/parquet/objects.shard-*.parquet"
    whole = pl.read_parquet(f"{shard_exports}/whole-parquet/objects.parquet")
    glob = pl.read_parquet(pattern)
    key = ["i:objectId", "i:candid", "i:jd"]
    assert glob.sort(key).equals(whole.sort(key))
    files = sorted(str(p) for p in (shard_exports / "parquet").glob("objects.shard-*.parquet"))
    assert ds.dataset(files, format="parquet").count_rows() == whole.height


@pytest.mark.parametrize("table", TABLES)
def test_sqlite_shards_merged_with_attach_are_the_whole_export(shard_exports, table):
    connection = sqlite3.connect(f"{shard_exports}/sqlite/fink.shard-0-of-{SHARDS}.sqlite")
    for k in range(1, SHARDS):
        connection.execute(f"ATTACH DATABASE '{shard_exports}/sqlite/fink.shard-{k}-of-{SHARDS}.sqlite' AS s{k}")
    union = " UNION ALL ".join([f'SELECT * FROM main."{table}"'] + [f'SELECT * FROM s{k}."{table}"' for k in range(1, SHARDS)])
    merged = sorted(connection.execute(union).fetchall(), key=repr)
    whole = sorted(sqlite3.connect(f"{shard_exports}/whole-sqlite/fink.sqlite").execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
    assert merged == whole and len(whole) > 0
    provenance = dict(connection.execute("SELECT key, value FROM fink_export_meta").fetchall())
    assert provenance["shard"] == f"0/{SHARDS}"
