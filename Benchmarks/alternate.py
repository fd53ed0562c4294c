"""Two builds of fink-export, run alternately against one cached stand-in: the way to judge a
change smaller than the machine's run-to-run spread (about ±15% here).

    .venv/bin/python Benchmarks/alternate.py --bin-dir .build/release --other ../base/.build/release \\
        --formats sqlite,csv --rounds 6 --rows 100k

Each round runs both builds (the order swaps every round) on the objects table; prints per build
the median wall time, the median CPU time (user + system) and every wall time.
"""
import argparse
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import run  # noqa: E402  (the harness's stand-in and floor helpers)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", type=pathlib.Path, required=True, help="our build (fink-export and fink-standin)")
    parser.add_argument("--other", type=pathlib.Path, required=True, help="the other build's directory")
    parser.add_argument("--formats", default="csv,jsonl,sqlite,hdf5,votable,parquet")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--rows", default="100k")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--fink-export-args", default="", help="extra arguments for both builds")
    args = parser.parse_args()
    rows = int(float(args.rows.lower().replace("k", "e3").replace("m", "e6")))
    builds = {"ours": args.bin_dir, "other": args.other}
    work = pathlib.Path(tempfile.mkdtemp(prefix="fink-alternate-"))
    standin, url, _, anomalies = run.start_standin(args.bin_dir, max(3, round(rows / run.MEAN_ALERTS)), work / "cache")
    try:
        run.floor(url, anomalies, args.batch_size)  # fills the stand-in's cache
        for fmt in args.formats.split(","):
            times = {name: [] for name in builds}
            for round_index in range(args.rounds):
                for name in (["ours", "other"] if round_index % 2 == 0 else ["other", "ours"]):
                    out = work / f"{name}-{fmt}"
                    out.mkdir()
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    start = time.perf_counter()
                    subprocess.run([str(builds[name] / "fink-export"), "--api-url", url, "--n", str(anomalies),
                                    "--tables", "objects", "--batch-size", str(args.batch_size), "--format", fmt,
                                    "--output", f"{out}/", "--quiet", *args.fink_export_args.split()], check=True)
                    wall = time.perf_counter() - start
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                    times[name].append((wall, cpu))
                    shutil.rmtree(out)
            for name, runs in times.items():
                print(f"{fmt:8} {name:6} wall median {statistics.median(w for w, _ in runs):.2f} s, "
                      f"cpu median {statistics.median(c for _, c in runs):.2f} s, walls {[round(w, 2) for w, _ in runs]}")
    finally:
        standin.terminate()
        standin.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
