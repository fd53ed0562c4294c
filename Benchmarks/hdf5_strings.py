"""Measures the string layout choice for the HDF5 sink: the fixed-length UTF-8 strings
fink-export writes, against the same table rewritten by h5py with variable-length strings
(same chunk rows, shuffle + deflate level). Prints file size, h5py full-read time and whether
pandas.read_hdf (PyTables) can read it.

    python Benchmarks/hdf5_strings.py export.h5 [table]
"""
import sys
import time
import warnings

import h5py
import numpy as np
import pandas as pd


def rewrite_with_vlen(source, target, table):
    with h5py.File(source, "r") as src, h5py.File(target, "w") as dst:
        data = src[table][:]
        fields = []
        for name in data.dtype.names:
            kind = data.dtype[name]
            fields.append((name, h5py.string_dtype("utf-8") if kind.kind == "S" else kind))
        converted = np.empty(len(data), dtype=fields)
        for name in data.dtype.names:
            column = data[name]
            converted[name] = [v.decode("utf-8") for v in column] if column.dtype.kind == "S" else column
        chunks = src[table].chunks
        dst.create_dataset(table, data=converted, chunks=chunks, maxshape=(None,), shuffle=True, compression="gzip",
                           compression_opts=4)


def measure(path, table):
    start = time.perf_counter()
    with h5py.File(path, "r") as h5:
        rows = len(h5[table][:])
    seconds = time.perf_counter() - start
    try:
        pd.read_hdf(path, table)
        pandas = "yes"
    except Exception as error:  # PyTables refuses variable-length strings in compounds
        pandas = f"no ({type(error).__name__})"
    return rows, seconds, pandas


def main():
    warnings.filterwarnings("ignore")
    source = sys.argv[1]
    table = sys.argv[2] if len(sys.argv) > 2 else "objects"
    target = source + ".vlen.h5"
    rewrite_with_vlen(source, target, table)
    import os
    for label, path in (("fixed-length UTF-8 (fink-export)", source), ("variable-length UTF-8 (h5py)", target)):
        rows, seconds, pandas = measure(path, table)
        print(f"{label:36s} {os.path.getsize(path) / 1e6:8.1f} MB  read {seconds:6.2f} s  rows {rows}  pandas.read_hdf: {pandas}")


if __name__ == "__main__":
    main()
