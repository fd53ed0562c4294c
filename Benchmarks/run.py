"""Benchmark harness: fink-export against the Python way, side by side in one run.

For a scale given in rows (10k, 100k, 1M), starts fink-standin with a dataset of about that
many alerts, then for every format runs fink-export (release build) and the Python peer
(Benchmarks/peer.py: requests + pandas + json + the usual writers) on the same data with the
same batch size, and the floor: fetching the same bytes with requests and discarding them.
Prints one table per format (wall time, rows/s, MB/s of API JSON, peak RSS, CPU seconds (user +
system) and per GB of API JSON, time against the floor, peer/ours).

    .venv/bin/python Benchmarks/run.py --rows 100k            # builds release first
    .venv/bin/python Benchmarks/run.py --rows 3k --bin-dir "$(swift build --show-bin-path)" --smoke
    .venv/bin/python Benchmarks/run.py --rows 100k --compare-bin-dir ../base/.build/release --compare-label "before"
    .venv/bin/python Benchmarks/run.py --rows 100k --instructions      # plus instructions per row (valgrind)
    .venv/bin/python Benchmarks/run.py --rows 100k --formats parquet --repeat 3   # medians of three rounds

With --repeat N, every tool runs N times, in rounds that run each format of every build and then
the peer, so all share the machine's hour; a figure is the median of its runs (peak RSS: the
largest), and the wall column gives their range. One run of a tool on this virtual machine swings
by a third with the hour, too much to judge a ratio near its target by; one round is the default
because the peer's VOTable writer alone takes minutes.

With --compare-bin-dir, another build of fink-export (an earlier commit, built in release) runs
right after ours on every format and on parse + map, in the same run, so a change is judged
against the code it replaces on the same machine and data.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
FORMATS = ["csv", "jsonl", "sqlite", "hdf5", "votable", "parquet", "fits"]
MEAN_ALERTS = 375  # log-uniform light curves of 10..2000 alerts


def scale(text):
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a row count: {text}")
    return int(float(match.group(1)) * {"": 1, "k": 1e3, "m": 1e6}[match.group(2).lower()])


def timed(command, **kwargs):
    """Runs a command under /usr/bin/time -v: (wall seconds, peak RSS MB, stdout, CPU seconds:
    user + system, from getrusage of the child, and the system seconds of it)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *command], capture_output=True, text=True, **kwargs)
        wall = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
        text = report.read()
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
        user, system = (float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", text).group(1)) for kind in ("User", "System"))
    return wall, rss, result.stdout, user + system, system


def start_standin(bin_dir, objects, cache):
    # The cache serves every tool the same bytes at disk speed: the floor run fills it.
    process = subprocess.Popen([str(bin_dir / "fink-standin"), "--port", "0", "--objects", str(objects),
                                "--cache-dir", str(cache)], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"listening on (\S+) \((\d+) objects, (\d+) alerts, (\d+) anomalies\)", line)
    if not match:
        process.kill()
        sys.exit(f"fink-standin did not start: {line}")
    return process, match.group(1), int(match.group(3)), int(match.group(4))


def floor(url, n, batch_size, save_to=None, save_bytes=32_000_000):
    """Fetch the same answers and discard them: the I/O limit both tools share. With
    `save_to`, the first objects answers (up to `save_bytes`) are kept for parse-map-bench."""
    start = time.perf_counter()
    nbytes = 0
    saved = 0
    r = requests.post(f"{url}/api/v1/anomaly", json={"n": n})
    nbytes += len(r.content)
    ids = list(dict.fromkeys(row["i:objectId"] for row in r.json()))
    for begin in range(0, len(ids), batch_size):
        r = requests.post(f"{url}/api/v1/objects", json={"objectId": ",".join(ids[begin:begin + batch_size])})
        nbytes += len(r.content)
        if save_to is not None and saved < save_bytes:
            (save_to / f"objects-{begin:06d}.json").write_bytes(r.content)
            saved += len(r.content)
    return time.perf_counter() - start, nbytes


def parse_map(bin_dir, bodies):
    """fink-export's reader and mapper alone, on one core, over saved answers (MB/s): the best of
    20 passes, since on this virtual machine one build's best of 5 or 10 ranged from 340 to 514 MB/s
    within minutes."""
    files = sorted(str(path) for path in bodies.iterdir())
    result = subprocess.run([str(bin_dir / "parse-map-bench"), *files, "--repeat", "20"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def parquet_writers(bin_dir, bodies):
    """The Parquet write step alone on the same rows: pyarrow's to_parquet on the frame the
    peer builds from the saved answers, and fink-export's sink on the batches it parses from
    them (sink-write-bench), best of 3 each, same codec and level (zstd 1)."""
    import pandas as pd
    import peer
    files = sorted(str(path) for path in bodies.iterdir())
    frame = peer.expand(pd.concat([pd.read_json(path) for path in files], ignore_index=True))
    with tempfile.TemporaryDirectory() as out:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            peer.write_parquet(frame, os.path.join(out, "objects.parquet"))
            best = min(best, time.perf_counter() - start)
    ours = json.loads(subprocess.run([str(bin_dir / "sink-write-bench"), *files, "--format", "parquet", "--repeat", "3"],
                                     capture_output=True, text=True, check=True).stdout)
    return {"rows": len(frame), "pyarrow": best, "ours": ours["seconds"], "ours_rows": ours["rows"]}


def instructions(command):
    """Instructions the command executes, counted by valgrind's callgrind (the machine has no
    hardware counters for perf stat): exact and repeatable, so a change shows on a noisy machine.
    Swift seeds its hashing afresh in every process, which moves every dictionary's probes (the
    Parquet and SQLite sinks' counts varied by up to 10% between runs of one build); a fixed
    seed makes runs of one build count the same to the row."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                            capture_output=True, text=True, env={**os.environ, "SWIFT_DETERMINISTIC_HASHING": "1"})
    if result.returncode != 0:
        sys.exit(f"failed under callgrind: {' '.join(command)}\n{result.stderr[-2000:]}")
    match = re.search(r"Collected : (\d+)", result.stderr)
    return int(match.group(1)), result.stdout


def leading_records(body, cap_bytes):
    """The JSON array `body` cut after the last whole record within cap_bytes (at least one), as
    the API wrote it: the records' bytes are kept, not re-encoded."""
    depth, in_string, escaped, end = 0, False, False, None
    for index, byte in enumerate(body):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
        elif byte in (0x5D, 0x7D):
            depth -= 1
            if depth == 1 and byte == 0x7D:
                end = index + 1
                if end >= cap_bytes:
                    break
    return body[:end] + b"]" if end else body


def instruction_counts(bin_dir, bodies, formats, cap_bytes, work):
    """Instructions per row of parse + map, and of each sink's write step, on the first records
    of the largest saved answer: about cap_bytes of them, and about half as many. Each count is
    a run doing the work twice minus one doing it once, so start-up, reading the file and (for
    sinks) parsing cancel out; the difference between the two samples, divided by the rows
    between them, is the cost of one more row, without what a sink spends once per file
    (metadata, headers), which is reported apart: on a sample of a few hundred rows it would
    otherwise count as most of a row's cost."""
    largest = max(bodies.iterdir(), key=lambda path: path.stat().st_size).read_bytes()
    samples = []
    for name, cap in (("large", cap_bytes), ("small", cap_bytes // 2)):
        sample = work / f"instruction-sample-{name}.json"
        sample.write_bytes(leading_records(largest, cap))
        samples.append(sample)

    def difference(command, sample):
        once, out = instructions([*command, str(sample), "--repeat", "1"])
        twice, _ = instructions([*command, str(sample), "--repeat", "2"])
        return twice - once, json.loads(out)["rows"]

    counts, per_file = {}, {}
    steps = [("parse + map", [str(bin_dir / "parse-map-bench")])]
    steps += [(f"{fmt} write", [str(bin_dir / "sink-write-bench"), "--format", fmt]) for fmt in formats]
    for step, command in steps:
        (large, large_rows), (small, small_rows) = (difference(command, sample) for sample in samples)
        if large_rows == small_rows:
            sys.exit(f"the instruction samples have the same rows ({large_rows}): raise --instruction-bytes")
        counts[step] = (large - small) / (large_rows - small_rows)
        per_file[step] = small - small_rows * counts[step]
    large_rows = json.loads(subprocess.run([str(bin_dir / "parse-map-bench"), str(samples[0]), "--repeat", "1"],
                                           capture_output=True, text=True, check=True).stdout)["rows"]
    return {"rows": large_rows, "bytes": samples[0].stat().st_size, "per_row": counts, "per_file": per_file}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=scale, default=scale("10k"), help="about how many alerts to export (10k, 100k, 1M)")
    parser.add_argument("--bin-dir", type=pathlib.Path, help="built products to use (default: build release)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--no-peer", action="store_true", help="skip the Python peer (for scales it cannot reach)")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--smoke", action="store_true", help="check that everything runs; figures are not meaningful")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds: runs of every tool, whose medians are reported (default 1)")
    parser.add_argument("--fink-export-args", default="", help="extra arguments for fink-export, e.g. \"--no-keep-answers\"")
    parser.add_argument("--markdown", type=pathlib.Path, help="also write the tables to this file")
    parser.add_argument("--compare-bin-dir", type=pathlib.Path,
                        help="another fink-export build (its fink-export and parse-map-bench) to run beside ours")
    parser.add_argument("--compare-label", default="before", help="how the other build is named in the table")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions per row (valgrind callgrind) of parse + map and of each sink's write step")
    parser.add_argument("--instruction-bytes", type=scale, default=scale("8m"),
                        help="bytes of saved answers the instruction counts run on (default 8m)")
    parser.add_argument("--instruction-formats", help="the sinks whose write step is counted (default: --formats)")
    args = parser.parse_args()
    formats = args.formats.split(",")
    repeat = args.repeat
    if repeat < 1:
        parser.error("--repeat must be at least 1")

    bin_dir = args.bin_dir
    if bin_dir is None:
        subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True)
        bin_dir = pathlib.Path(subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                                              capture_output=True, text=True).stdout.strip())

    objects = max(3, round(args.rows / MEAN_ALERTS))
    work = pathlib.Path(tempfile.mkdtemp(prefix="fink-bench-"))
    standin, url, alerts, anomalies = start_standin(bin_dir, objects, work / "cache")
    try:
        n = anomalies  # every anomaly: every object's light curve is exported
        bodies = work / "bodies"
        bodies.mkdir()
        floor(url, n, args.batch_size, save_to=bodies)  # fills the stand-in's cache
        floor_seconds, nbytes = floor(url, n, args.batch_size)
        writers_alone = None
        parsed = parse_map(bin_dir, bodies)
        writers_alone = parquet_writers(bin_dir, bodies) if "parquet" in formats and not args.no_peer else None
        compared_parse = parse_map(args.compare_bin_dir, bodies) if args.compare_bin_dir else None
        counted = (instruction_counts(bin_dir, bodies, (args.instruction_formats or args.formats).split(","), args.instruction_bytes, work)
                   if args.instructions else None)
        results = {fmt: {} for fmt in formats}
        builds = [("ours", bin_dir)] + ([("compared", args.compare_bin_dir)] if args.compare_bin_dir else [])
        peers = []
        for _ in range(repeat):
            for fmt in formats:
                for name, build in builds:
                    out = work / f"{name}-{fmt}"
                    out.mkdir()
                    wall, rss, _, cpu, system = timed([str(build / "fink-export"), "--api-url", url, "--n", str(n), "--tables", "objects",
                                          "--batch-size", str(args.batch_size), "--concurrency", str(args.concurrency),
                                          "--format", fmt, "--output", str(out / f"objects.{ {'votable': 'vot', 'hdf5': 'h5'}.get(fmt, fmt) }"), "--quiet",
                                          *args.fink_export_args.split()])
                    results[fmt].setdefault(name, []).append((wall, rss, cpu, system))
                    shutil.rmtree(out)
            if not args.no_peer:
                out = work / "peer"
                out.mkdir()
                peer_wall, peer_rss, stdout, _, _ = timed([sys.executable, str(ROOT / "Benchmarks" / "peer.py"), "--url", url, "--n", str(n),
                                                     "--batch-size", str(args.batch_size), "--out", str(out), "--formats", ",".join(formats)])
                peers.append({**json.loads(stdout), "peak_rss_mb": peer_rss, "process_seconds": peer_wall})
                shutil.rmtree(out)
        peer = None
        if peers:
            # Per format, the peer's process timed from outside, as fink-export is (Python's start
            # and imports, fetch + parse, the writer, the exit), less the other formats' writers:
            # what a script writing that format alone takes. Beside it, what the process times
            # inside (fetch + parse + that writer), the figure of the runs before session 20.
            def alone(run, fmt):
                return run["process_seconds"] - sum(seconds for other, seconds in run["write_seconds"].items() if other != fmt)

            peer = {"walls": {fmt: [alone(run, fmt) for run in peers] for fmt in formats},
                    "inside": {fmt: statistics.median(run["fetch_parse_seconds"] + run["write_seconds"][fmt] for run in peers)
                               for fmt in formats},
                    "start_seconds": statistics.median(run["process_seconds"] - run["fetch_parse_seconds"] - sum(run["write_seconds"].values())
                                                       for run in peers),
                    "fetch_parse_seconds": statistics.median(run["fetch_parse_seconds"] for run in peers),
                    "write_seconds": {fmt: statistics.median(run["write_seconds"][fmt] for run in peers) for fmt in formats},
                    "peak_rss_mb": max(run["peak_rss_mb"] for run in peers)}
    finally:
        standin.terminate()
        standin.wait()
        shutil.rmtree(work, ignore_errors=True)

    megabytes = nbytes / 1e6
    lines = [f"Scale: {alerts:,} alerts in {objects} objects, {megabytes:,.0f} MB of API JSON, batch size {args.batch_size}, "
             f"{args.concurrency} requests in flight (fink-export{' ' + args.fink_export_args if args.fink_export_args else ''}). Floor (requests, fetch and discard): {floor_seconds:.1f} s "
             f"({megabytes / floor_seconds:.0f} MB/s). "
             + (f"Every figure is the median of {repeat} runs (peak RSS: the largest); the wall column gives their range."
                if repeat > 1 else "One run of each tool."), ""]
    # The targets' three figures per format: time against the floor, against the peer, and CPU
    # (user + system) per GB of API JSON, with the system's share apart (the kernel's copies,
    # page faults and writes).
    lines.append("| format | tool | wall s | rows/s | MB/s JSON | peak RSS MB | CPU s | of it system | core-s/GB | × floor | peer/ours |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    gigabytes = nbytes / 1e9

    def shown(walls):
        middle = statistics.median(walls)
        return f"{middle:.2f} ({min(walls):.2f}–{max(walls):.2f})" if len(walls) > 1 else f"{middle:.2f}"

    # fink-export's median wall per format, which the HDF5 line and the peer's footnote cite too.
    our_wall = {fmt: statistics.median(run[0] for run in results[fmt]["ours"]) for fmt in formats}
    for fmt in formats:
        rows = alerts
        peer_wall = peer and statistics.median(peer["walls"][fmt])
        for name, label in [("ours", "fink-export"), ("compared", f"fink-export ({args.compare_label})")]:
            if name not in results[fmt]:
                continue
            runs = results[fmt][name]
            walls = [run[0] for run in runs]
            wall = statistics.median(walls)
            rss = max(run[1] for run in runs)
            cpu, system = (statistics.median(run[k] for run in runs) for k in (2, 3))
            ratio = f"{peer_wall / wall:.1f}×" if peer else "–"
            lines.append(f"| {fmt} | {label} | {shown(walls)} | {rows / wall:,.0f} | {megabytes / wall:.0f} | {rss:.0f} | "
                         f"{cpu:.2f} | {system:.2f} | {cpu / gigabytes:.1f} | {wall / floor_seconds:.2f} | {ratio} |")
        if peer:
            lines.append(f"| {fmt} | Python peer | {shown(peer['walls'][fmt])} | {rows / peer_wall:,.0f} | {megabytes / peer_wall:.0f} | "
                         f"{peer['peak_rss_mb']:.0f}¹ | | | | {peer_wall / floor_seconds:.2f} | |")
    lines += ["", f"Parse + map on one core (`parse-map-bench`, {parsed['bytes'] / 1e6:.0f} MB of saved objects answers, "
              f"{parsed['rows']:,} rows): {parsed['mb_per_s']:.0f} MB/s"
              + (f"; {args.compare_label}: {compared_parse['mb_per_s']:.0f} MB/s." if compared_parse else ".")]
    if peer and "hdf5" in formats:
        lines += [f"HDF5 writer alone: h5py {peer['write_seconds']['hdf5']:.1f} s (gzip 4 + shuffle, h5py's default level; fink-export's is 1); "
                  f"fink-export's whole HDF5 export: {our_wall['hdf5']:.1f} s."]
    if writers_alone:
        lines += [f"Parquet writer alone on the same {writers_alone['rows']:,} rows (saved answers, zstd 1): pyarrow's "
                  f"`to_parquet` {writers_alone['pyarrow']:.2f} s; fink-export's Parquet sink {writers_alone['ours']:.2f} s."]
    if peer:
        lines += ["", "¹ The peer fetches and parses once and then runs every writer in one process; its peak RSS is that "
                  "process's, and its time for a format is that process's wall time, taken from outside as fink-export's is, "
                  "less the other formats' writers: Python's start, imports and exit "
                  f"({peer['start_seconds']:.1f} s), fetch + parse ({peer['fetch_parse_seconds']:.1f} s) and that writer. "
                  "Timed inside the process instead (fetch + parse + that writer, as in the runs before session 20): "
                  + ", ".join(f"{fmt} {peer['inside'][fmt]:.2f} s, {peer['inside'][fmt] / our_wall[fmt]:.1f}×" for fmt in formats) + "."]
    if counted:
        lines += ["", f"Instructions per row (callgrind, the first {counted['rows']:,} rows ({counted['bytes'] / 1e6:.1f} MB) of the largest "
                  "saved answer and half as many: the cost of one more row, and apart what a step spends once per file; "
                  "the same on every run of a build, so a change shows whatever the machine's load):", "",
                  "| step | instructions per row | once per file |", "|---|---:|---:|"]
        lines += [f"| {step} | {count:,.0f} | {counted['per_file'][step] / 1e6:,.1f}M |" for step, count in counted["per_row"].items()]
    if args.smoke:
        lines += ["", "(smoke run: debug build or tiny scale; figures are not meaningful)"]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
