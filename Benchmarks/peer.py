"""The Python way: what a user writes today, following the Fink docs' idiom.

requests.post to both endpoints, pd.read_json, json.loads of each feature string into 26
columns, then the usual writers: to_csv, to_json(lines=True), to_sql, h5py, astropy's
VOTable writer and to_parquet (pyarrow, zstd level 1, pyarrow's default and fink-export's). Fetching and parsing happen once; each writer is timed on its own, and the
time reported for a format is fetch + parse + that writer.

    python Benchmarks/peer.py --url http://127.0.0.1:8080 --n 100 --out DIR --formats csv,jsonl,...
Prints one JSON object with the timings.
"""
import argparse
import io
import json
import os
import resource
import sqlite3
import time

import numpy as np
import pandas as pd
import requests

FEATURES = ["mean", "weighted_mean", "standard_deviation", "median", "amplitude", "beyond_1_std", "cusum",
            "inter_percentile_range_10", "kurtosis", "linear_trend", "linear_trend_sigma", "linear_trend_noise",
            "linear_fit_slope", "linear_fit_slope_sigma", "linear_fit_reduced_chi2", "magnitude_percentage_ratio_40_5",
            "magnitude_percentage_ratio_20_10", "maximum_slope", "median_absolute_deviation",
            "median_buffer_range_percentage_10", "percent_amplitude", "mean_variance", "anderson_darling_normal", "chi2",
            "skew", "stetson_K"]


def fetch(url, n, batch_size):
    r = requests.post(f"{url}/api/v1/anomaly", json={"n": n})
    r.raise_for_status()
    nbytes = len(r.content)
    anomalies = pd.read_json(io.BytesIO(r.content))
    ids = list(dict.fromkeys(anomalies["i:objectId"]))
    frames = []
    for start in range(0, len(ids), batch_size):
        r = requests.post(f"{url}/api/v1/objects", json={"objectId": ",".join(ids[start:start + batch_size])})
        r.raise_for_status()
        nbytes += len(r.content)
        frames.append(pd.read_json(io.BytesIO(r.content)))
    return pd.concat(frames, ignore_index=True), nbytes


def expand(frame):
    """json.loads each feature string into 26 columns, as the Fink docs advise."""
    for column in ("d:lc_features_g", "d:lc_features_r"):
        if column not in frame:
            continue
        values = [json.loads(v) if isinstance(v, str) and v not in ("", "nan") else [] for v in frame[column]]
        matrix = np.array([[np.nan if x is None else x for x in v] if len(v) == 26 else [np.nan] * 26 for v in values],
                          dtype=float)
        expanded = pd.DataFrame(matrix, columns=[f"{column}_{f}" for f in FEATURES], index=frame.index)
        frame = pd.concat([frame.drop(columns=[column]), expanded], axis=1)
    return frame


def write_hdf5(frame, path):
    import h5py
    fields = []
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            data = column.fillna("").astype(str).str.encode("utf-8")
            width = max(1, int(data.str.len().max() or 1))
            fields.append((name, f"S{width}", data.to_numpy()))
        else:
            fields.append((name, column.to_numpy().dtype, column.to_numpy()))
    array = np.empty(len(frame), dtype=[(n, t) for n, t, _ in fields])
    for name, _, data in fields:
        array[name] = data
    with h5py.File(path, "w") as h5:
        h5.create_dataset("objects", data=array, chunks=True, shuffle=True, compression="gzip", compression_opts=4)


def write_votable(frame, path):
    from astropy.table import Table
    table = Table.from_pandas(frame)
    table.write(path, format="votable", tabledata_format="binary2", overwrite=True)


def write_fits(frame, path):
    # astropy's FITS writer refuses text outside ASCII, so the usual code replaces it first.
    from astropy.table import Table
    table = Table.from_pandas(frame)
    for name in table.colnames:
        if table[name].dtype.kind == "U":
            values = np.ma.filled(table[name], "")
            table[name] = [value.encode("ascii", "replace").decode() for value in values]
    table.write(path, format="fits", overwrite=True)


def write_parquet(frame, path):
    # The same codec and level as fink-export's default (level 1 is also pyarrow's own).
    frame.to_parquet(path, engine="pyarrow", compression="zstd", compression_level=1, index=False)


WRITERS = {
    "csv": lambda frame, out: frame.to_csv(os.path.join(out, "objects.csv"), index=False),
    "jsonl": lambda frame, out: frame.to_json(os.path.join(out, "objects.jsonl"), orient="records", lines=True),
    "sqlite": lambda frame, out: frame.to_sql("objects", sqlite3.connect(os.path.join(out, "objects.sqlite")), index=False),
    "hdf5": lambda frame, out: write_hdf5(frame, os.path.join(out, "objects.h5")),
    "votable": lambda frame, out: write_votable(frame, os.path.join(out, "objects.vot")),
    "parquet": lambda frame, out: write_parquet(frame, os.path.join(out, "objects.parquet")),
    "fits": lambda frame, out: write_fits(frame, os.path.join(out, "objects.fits")),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--out", required=True)
    parser.add_argument("--formats", default=",".join(WRITERS))
    args = parser.parse_args()
    start = time.perf_counter()
    frame, nbytes = fetch(args.url, args.n, args.batch_size)
    frame = expand(frame)
    prepared = time.perf_counter() - start
    result = {"rows": len(frame), "columns": len(frame.columns), "bytes": nbytes, "fetch_parse_seconds": prepared, "write_seconds": {}}
    for name in args.formats.split(","):
        began = time.perf_counter()
        WRITERS[name](frame, args.out)
        result["write_seconds"][name] = time.perf_counter() - began
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
