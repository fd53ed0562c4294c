"""The SQLite export reads without casts in the sqlite3 shell, pandas.read_sql and DuckDB's
SQLite scanner, with every value equal to what the API sent."""
import json
import math
import os
import sqlite3
import subprocess

import duckdb
import duckdb_extension_sqlite_scanner
import pandas as pd
import pytest

from test_pandas import check_values

TABLES = ["anomalies", "objects"]


@pytest.fixture(scope="module")
def database(exported):
    return exported["sqlite"] / "fink.sqlite"


def columns_of(path, table):
    with sqlite3.connect(path) as con:
        rows = con.execute('SELECT name, source, type FROM fink_export_columns WHERE "table" = ? ORDER BY position',
                           (table,)).fetchall()
    return {name: {"name": name, "source": source, "type": kind} for name, source, kind in rows}


def test_sqlite3_shell_counts_and_integrity(database, oracle):
    for table in TABLES:
        out = subprocess.run(["sqlite3", str(database), f'SELECT COUNT(*), MAX("i:candid") FROM {table}'],
                             check=True, capture_output=True, text=True).stdout.strip()
        count, max_candid = out.split("|")
        assert int(count) == len(oracle.tables[table])
        assert int(max_candid) == max(row["i:candid"] for row in oracle.tables[table])
    check = subprocess.run(["sqlite3", str(database), "PRAGMA integrity_check"], check=True,
                           capture_output=True, text=True).stdout.strip()
    assert check == "ok"


def test_columns_are_typed_and_indexed(database):
    with sqlite3.connect(database) as con:
        info = {row[1]: row[2] for row in con.execute("PRAGMA table_info(objects)")}
        assert info["i:candid"] == "INTEGER"
        assert info["i:magpsf"] == "REAL"
        assert info["i:objectId"] == "TEXT"
        assert info["d:lc_features_r_stetson_K"] == "REAL"
        indexes = {row[1] for row in con.execute("PRAGMA index_list(objects)")}
        assert {"objects_alert", "objects_i:objectId", "objects_i:candid"} <= indexes
        plan = " ".join(str(r) for r in con.execute(
            'EXPLAIN QUERY PLAN SELECT * FROM objects WHERE "i:objectId" = ?', ("ZTF",)))
        assert "USING INDEX" in plan


@pytest.mark.parametrize("table", TABLES)
def test_read_sql_gives_every_value(database, oracle, table):
    columns = columns_of(database, table)
    with sqlite3.connect(database) as con:
        frame = pd.read_sql(f"SELECT * FROM {table}", con, dtype_backend="numpy_nullable")
    assert str(frame["i:candid"].dtype) == "Int64"
    assert str(frame["i:magpsf"].dtype) == "Float64"
    # SQLite has no boolean: true/false are stored as 1/0.
    for name, column in columns.items():
        if column["type"] == "bool":
            frame[name] = frame[name].astype("boolean")
    check_values(frame, table, columns, oracle)


def test_duckdb_reads_without_casts(database, oracle):
    con = duckdb.connect()
    extension = os.path.join(os.path.dirname(duckdb_extension_sqlite_scanner.__file__), "extensions",
                             f"v{duckdb.__version__}", "sqlite_scanner.duckdb_extension")
    con.execute(f"LOAD '{extension}'")
    rows = con.execute(
        f"""SELECT COUNT(*), MAX("i:candid"), AVG("i:magpsf"), COUNT(DISTINCT "i:objectId")
            FROM sqlite_scan('{database}', 'objects')""").fetchone()
    objects = oracle.tables["objects"]
    assert rows[0] == len(objects)
    assert rows[1] == max(r["i:candid"] for r in objects)
    mags = [r["i:magpsf"] for r in objects if r["i:magpsf"] is not None]
    assert math.isclose(rows[2], sum(mags) / len(mags), rel_tol=1e-12)
    assert rows[3] == len({r["i:objectId"] for r in objects})
    described = con.execute(f"DESCRIBE SELECT * FROM sqlite_scan('{database}', 'objects')").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["i:candid"] == "BIGINT"
    assert types["i:jd"] == "DOUBLE"
    assert types["v:constellation"] == "VARCHAR"


def test_provenance_table(database, standin):
    with sqlite3.connect(database) as con:
        meta = dict(con.execute("SELECT key, value FROM fink_export_meta"))
    assert meta["tool"] == "fink-export"
    assert meta["source"].startswith(standin)
    assert json.loads(meta["feature_names"])[0] == "mean"
    assert meta["anomaly_request"].startswith("POST ")
    assert int(meta["rows_objects"]) > 0
