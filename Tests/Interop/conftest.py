"""Fixtures for interop tests: the built binaries, a running fink-standin, and the raw API
answers fetched the way a Python user does (requests + json)."""
import json
import os
import subprocess
import pathlib

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]


def bin_dir() -> pathlib.Path:
    configured = os.environ.get("FINK_EXPORT_BIN_DIR")
    if configured:
        return pathlib.Path(configured)
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return pathlib.Path(out.stdout.strip())


@pytest.fixture(scope="session")
def binaries():
    directory = bin_dir()
    for name in ("fink-export", "fink-standin"):
        assert (directory / name).exists(), f"build first: {directory / name} is missing"
    return directory


@pytest.fixture(scope="session")
def standin(binaries):
    process = subprocess.Popen(
        [str(binaries / "fink-standin"), "--port", "0", "--objects", "12", "--max-alerts", "300"],
        stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert "listening on" in line, line
    url = line.split()[3]
    yield url
    process.terminate()
    process.wait(timeout=10)


class Oracle:
    """What a user's own requests + json code reads from the same API."""

    def __init__(self, url, n, batch_size):
        self.url = url
        anomalies = requests.post(f"{url}/api/v1/anomaly", json={"n": n}).json()
        ids = list(dict.fromkeys(row["i:objectId"] for row in anomalies))
        objects = []
        for start in range(0, len(ids), batch_size):
            batch = ",".join(ids[start:start + batch_size])
            objects += requests.post(f"{url}/api/v1/objects", json={"objectId": batch}).json()
        self.tables = {"anomalies": anomalies, "objects": objects}

    @staticmethod
    def expected(row, column, meta):
        """The value a cell must hold: None for missing, else the typed value."""
        source = meta["source"]
        raw = row.get(source)
        if source.startswith("d:lc_features_") and column != source:
            if raw is None or raw == "nan":
                return None
            values = json.loads(raw) if raw.startswith("[") else []
            if not values:
                return None
            feature_index = FEATURES.index(column[len(source) + 1:])
            value = values[feature_index]
            return None if value is None or value != value else value
        if raw is None:
            return None
        if meta["type"] == "string" and raw == "nan":
            return None
        if isinstance(raw, float) and raw != raw:
            return None
        return raw


FEATURES = json.loads((ROOT / "Schemas" / "features.json").read_text())["features"]
FEATURES = [f["name"] for f in FEATURES]


@pytest.fixture(scope="session")
def oracle(standin):
    return Oracle(standin, n=15, batch_size=4)


@pytest.fixture(scope="session")
def exported(binaries, standin, tmp_path_factory):
    """Runs fink-export once per format against the stand-in."""
    results = {}
    variants = {"csv": ["--format", "csv"], "jsonl": ["--format", "jsonl"], "sqlite": ["--format", "sqlite"],
                "hdf5": ["--format", "hdf5"], "hdf5-features": ["--format", "hdf5", "--hdf5-layout", "features"],
                "binary2": ["--format", "votable"], "tabledata": ["--format", "votable", "--votable-encoding", "tabledata"],
                "parquet": ["--format", "parquet"], "fits": ["--format", "fits"]}
    for name, arguments in variants.items():
        out = tmp_path_factory.mktemp(name)
        # One-table formats write a directory; multi-table formats one file.
        fmt = arguments[1]
        target = f"{out}/" if fmt in ("csv", "jsonl", "parquet") else f"{out}/fink.{fmt}"
        subprocess.run([str(binaries / "fink-export"), "--api-url", standin, "--n", "15", "--batch-size", "4",
                        *arguments, "--output", target, "--quiet"], check=True)
        results[name] = out
    return results


def meta(directory, table, fmt):
    document = json.loads((directory / f"{table}.{fmt}.meta.json").read_text())
    return {c["name"]: c for c in document["tables"][0]["columns"]}


def unescape(text):
    """FITS text, the README's recipe: the escape is JSON's, the double quote left as it is."""
    return json.loads('"' + text.replace('"', '\\"') + '"')


def original_names(header):
    """A FITS table header's TTYPEn → the exported name: ONAMEn where the name was changed for FITS."""
    names = {}
    for n in range(1, header["TFIELDS"] + 1):
        original = header.get(f"ONAME{n}")
        names[header[f"TTYPE{n}"]] = unescape(original) if original is not None else header[f"TTYPE{n}"]
    return names
