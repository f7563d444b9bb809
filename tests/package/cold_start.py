"""Measures the cold start of the packaged bootstrap in an empty root.

Cold start here is the time from the execve of /var/task/bootstrap to the
arrival of its first GET /2018-06-01/runtime/invocation/next at a loopback
Runtime API stub. Two figures per run:

- wall time: both ends read CLOCK_MONOTONIC, the launcher just before
  execve, the stub when it has parsed the request line and headers. So it
  includes the stub's request parsing, and on a busy machine the time the
  bootstrap waited for a CPU.
- on-CPU time: the bootstrap's run time from /proc/PID/schedstat, read once
  the request has arrived (the process then waits for the response), minus
  the launcher's run time before execve. It does not depend on other load.

Each run is a fresh process in the same root. The page cache is warm after
the first run, unlike on Lambda.

Does not assert a limit: it prints every sample and the median, and the
figures go to docs/benchmarks.md.

Usage (as root, from the repository root):
  python3 tests/package/cold_start.py --binary build/bin/exifscrub
  python3 tests/package/cold_start.py --binary build-pkg/tests/package/package_probe --arg next
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lambda_root  # noqa: E402
import loopback_servers  # noqa: E402

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
# Values the exifscrub runtime reads at start; nothing is fetched from S3.
RUNTIME_SETTINGS = {
    "SOURCE_BUCKET": "photos-a",
    "DEST_BUCKET": "photos-b",
    "AWS_ACCESS_KEY_ID": "COLDSTARTACCESSKEY01",
    "AWS_SECRET_ACCESS_KEY": "coldstartsecretkey00000000000000000000001",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "_HANDLER": "exifscrub",
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="executable to package and measure")
    parser.add_argument("--arg", action="append", default=[],
                        help="argument passed to the bootstrap (repeatable), none by default")
    parser.add_argument("--runs", type=int, default=20, help="number of cold starts [20]")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds to wait for /next in each run [10]")
    return parser.parse_args()


def package(binary, dist):
    environment = dict(os.environ, BINARY=str(binary), DIST_DIR=str(dist))
    subprocess.run(["bash", str(REPOSITORY / "scripts/package-lambda.sh")], env=environment,
                   check=True, timeout=600)
    return dist / "exifscrub-lambda-x86_64.zip"


def bootstrap_pid(unshare_pid):
    """Returns the host PID of the process that unshare --fork started."""
    children = pathlib.Path(f"/proc/{unshare_pid}/task/{unshare_pid}/children").read_text()
    return int(children.split()[0])


def cpu_nanoseconds(pid):
    return int(pathlib.Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def measure_once(root, arguments, recorder, start_file, timeout):
    """Returns (wall, on-CPU) milliseconds from execve to the first /next."""
    recorder.reset()
    environment = lambda_root.lambda_environment(AWS_LAMBDA_RUNTIME_API=recorder.api,
                                                 **RUNTIME_SETTINGS)
    command = lambda_root.command_in_root(root, ["/var/task/bootstrap", *arguments],
                                          environment, start_file=start_file)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cpu_at_next = None
    try:
        arrival = recorder.wait(timeout)
        if arrival is not None:
            cpu_at_next = cpu_nanoseconds(bootstrap_pid(process.pid))
    finally:
        # unshare --kill-child takes the bootstrap down with it.
        process.kill()
        _, errors = process.communicate(timeout=30)
    if arrival is None:
        raise RuntimeError(f"no GET /next within {timeout} s; bootstrap stderr:\n"
                           f"{errors.decode(errors='replace')}")
    start, cpu_at_start = pathlib.Path(start_file).read_text().split()
    return (arrival - float(start)) * 1000.0, (cpu_at_next - int(cpu_at_start)) / 1e6


def summary(name, samples):
    ordered = sorted(samples)
    return (f"{name} median {statistics.median(samples):.2f} ms, min {ordered[0]:.2f} ms, "
            f"max {ordered[-1]:.2f} ms")


def main():
    arguments = parse_arguments()
    reason = lambda_root.can_chroot()
    if reason is not None:
        print(f"cold_start: {reason}", file=sys.stderr)
        return 1
    if arguments.runs < 1 or arguments.runs > 1000:
        print(f"cold_start: --runs {arguments.runs} is out of range; use 1 to 1000",
              file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
        scratch = pathlib.Path(scratch)
        zip_path = package(pathlib.Path(arguments.binary).resolve(), scratch / "dist")
        root = lambda_root.make_root(scratch / "root", zip_path)
        wall, cpu = [], []
        with loopback_servers.NextRecorder() as recorder:
            for run in range(arguments.runs):
                wall_ms, cpu_ms = measure_once(root, arguments.arg, recorder,
                                               scratch / f"start-{run}", arguments.timeout)
                wall.append(wall_ms)
                cpu.append(cpu_ms)
                print(f"run {run + 1}: wall {wall_ms:.2f} ms, on-CPU {cpu_ms:.2f} ms",
                      file=sys.stderr)

    print(f"cold start of {arguments.binary}, {len(wall)} runs: {summary('wall', wall)}; "
          f"{summary('on-CPU', cpu)}; 1-minute load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
