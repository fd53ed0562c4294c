"""Interrupts exports at random points, in every format, then resumes them.

For each format and each signal (SIGKILL, SIGINT), `--runs` exports against a slowed
fink-standin are stopped after a random delay. Every time:
- no file exists under the final name (the export never finished),
- after SIGINT the process exits with 130 within 2 s and says so in one short line,
- the same command with `--resume` then finishes with exactly the rows of a clean export
  (none missing, none twice) and leaves nothing hidden behind (no staged file, no kept answers).

Exports run `--jobs` at a time (each in its own directory, against one stand-in): they mostly
wait on the slowed answers: two at a time took 106 s against 160 s one at a time (debug build,
10 runs, two cores).

    .venv/bin/python Tests/Reliability/interrupt.py --bin-dir "$(swift build --show-bin-path)" --runs 10
"""
import concurrent.futures
import argparse
import sqlite3
import pathlib
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

FORMATS = ["csv", "jsonl", "sqlite", "hdf5", "votable", "parquet", "fits"]


def start_standin(bin_dir):
    # Slow answers stretch each export over a couple of seconds, so a random delay lands in
    # every phase: connecting, the anomaly step, objects batches, writing.
    process = subprocess.Popen([str(bin_dir / "fink-standin"), "--port", "0", "--objects", "16", "--max-alerts", "300",
                                "--slow-responses", "0.3", "--slow-seconds", "0.1"],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"listening on (\S+)", line)
    if not match:
        process.kill()
        sys.exit(f"fink-standin did not start: {line}")
    return process, match.group(1)


def export_command(bin_dir, url, fmt, output):
    # Both tables, into a directory: formats write one or two files there.
    return [str(bin_dir / "fink-export"), "--api-url", url, "--n", "20", "--format", fmt,
            "--output", f"{output}/", "--batch-size", "2", "--quiet"]


def finished_files(output):
    """Files under a final name: anything in the output directory that is not hidden."""
    return sorted(p.name for p in output.iterdir() if not p.name.startswith(".")) if output.exists() else []


def rows(fmt, output):
    """What a user reads from an export, without the provenance (which holds timestamps)."""
    found = {}
    for path in sorted(output.iterdir()):
        if path.name.startswith(".") or path.name.endswith(".meta.json"):
            continue
        if fmt in ("csv", "jsonl"):
            found[path.name] = path.read_bytes()
        elif fmt == "sqlite":
            with sqlite3.connect(path) as connection:
                for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'fink_export%'"):
                    found[table] = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
        elif fmt == "parquet":
            import pyarrow.parquet as pq
            found[path.name] = pq.read_table(path).to_pylist()
        elif fmt == "fits":
            from astropy.io import fits
            with fits.open(path) as hdus:
                for hdu in hdus[1:]:
                    found[f"{path.name}#{hdu.name}"] = hdu.data.tobytes()
        elif fmt == "hdf5":
            import h5py
            with h5py.File(path, "r") as h5:
                h5.visititems(lambda name, item: found.__setitem__(name, item[()].tobytes()) if isinstance(item, h5py.Dataset) else None)
        else:
            text = path.read_text()
            found[path.name] = text[text.index("<TABLE"):text.rindex("</TABLE>")]
    return found


def one_run(bin_dir, url, fmt, sig, delay, directory, complete, clean_rows):
    output = directory / "out"
    command = export_command(bin_dir, url, fmt, output)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    finished_first = process.poll() is not None
    sent = time.perf_counter()
    if not finished_first:
        process.send_signal(sig)
    try:
        _, stderr = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        return [f"{fmt} {sig.name} after {delay:.2f}s: still running 10 s after the signal"], False
    waited = time.perf_counter() - sent
    problems = []
    hidden = [p.name for p in output.iterdir() if p.name.startswith(".")] if output.exists() else []
    if process.returncode == 0:
        # The export finished before the signal took effect (it may land during the final
        # renames): every output must then be there, complete, and nothing staged remain.
        finished_first = True
        if finished_files(output) != complete[fmt]:
            problems.append(f"{fmt}: exit 0 but the outputs are {finished_files(output)}, not {complete[fmt]}")
        if hidden:
            problems.append(f"{fmt}: exit 0 but staged files remain: {hidden}")
    else:
        if finished_files(output) == complete[fmt] and not hidden and rows(fmt, output) == clean_rows[fmt]:
            # The signal landed after the renames, the export's last step, while the process was
            # ending: every output is there, whole, and nothing staged remains, so the export
            # finished. A partial set of outputs still fails below.
            finished_first = True
        elif finished_files(output):
            problems.append(f"{fmt} {sig.name} after {delay:.2f}s: files under a final name: {finished_files(output)}")
        if sig == signal.SIGINT and process.returncode == -signal.SIGINT and not output.exists():
            # Delivered during process start-up, before main() could install a handler: the
            # default action ends it, and nothing had been created.
            pass
        elif sig == signal.SIGINT:
            if process.returncode != 130:
                problems.append(f"{fmt} SIGINT after {delay:.2f}s: exit {process.returncode}, not 130: {stderr.strip()[:200]}")
            if waited > 2:
                problems.append(f"{fmt} SIGINT after {delay:.2f}s: took {waited:.1f} s to stop")
            lines = [line for line in stderr.splitlines() if line.strip()]
            if len(lines) != 1 or len(lines[0]) > 200:
                problems.append(f"{fmt} SIGINT after {delay:.2f}s: expected one short line, got {stderr!r}")
    if not finished_first:
        resumed = subprocess.run(command + ["--resume"], capture_output=True, text=True, timeout=120)
        if resumed.returncode != 0:
            problems.append(f"{fmt} {sig.name} after {delay:.2f}s: --resume failed ({resumed.returncode}): {resumed.stderr.strip()[:300]}")
        elif rows(fmt, output) != clean_rows[fmt]:
            problems.append(f"{fmt} {sig.name} after {delay:.2f}s: the resumed export's rows differ from the clean run's")
        hidden = [p.name for p in output.iterdir() if p.name.startswith(".")] if output.exists() else []
        if hidden:
            problems.append(f"{fmt} {sig.name} after {delay:.2f}s: left behind after --resume: {hidden}")
    return problems, finished_first


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", type=pathlib.Path, required=True)
    parser.add_argument("--runs", type=int, default=20, help="interruptions per format and signal")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=2, help="exports run at once")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)

    standin, url = start_standin(args.bin_dir)
    problems = []
    interrupted = 0
    completed = 0
    try:
        # A clean export per format, as many at once as the interrupted ones will run: the files
        # a finished export leaves, and how long one takes under that load (which bounds the
        # random delays).
        complete = {}
        clean = {}
        clean_rows = {}
        with tempfile.TemporaryDirectory() as scratch, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            def clean_export(fmt):
                start = time.perf_counter()
                subprocess.run(export_command(args.bin_dir, url, fmt, pathlib.Path(scratch) / fmt), check=True,
                               stderr=subprocess.DEVNULL)
                clean[fmt] = time.perf_counter() - start
                complete[fmt] = finished_files(pathlib.Path(scratch) / fmt)
                clean_rows[fmt] = rows(fmt, pathlib.Path(scratch) / fmt)
            list(pool.map(clean_export, FORMATS))
        # Every run's format, signal and delay drawn up front, in one order, before any runs.
        runs = [(fmt, sig, rng.uniform(0.0, clean[fmt]))
                for fmt in FORMATS for sig in (signal.SIGKILL, signal.SIGINT) for _ in range(args.runs)]

        def interrupt(run):
            fmt, sig, delay = run
            with tempfile.TemporaryDirectory() as directory:
                return one_run(args.bin_dir, url, fmt, sig, delay, pathlib.Path(directory), complete, clean_rows)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for found, finished_first in pool.map(interrupt, runs):
                problems += found
                completed += finished_first
                interrupted += not finished_first
    finally:
        standin.terminate()
        standin.wait()
    print(f"interrupt check (seed {seed}): {interrupted} exports interrupted and resumed, {completed} finished before the signal, "
          f"{len(FORMATS)} formats × SIGKILL/SIGINT × {args.runs}, {args.jobs} at a time; clean exports {min(clean.values()):.1f}–{max(clean.values()):.1f} s")
    for problem in problems:
        print("FAIL", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
