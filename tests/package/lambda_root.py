"""Empty root file systems that imitate what Lambda gives the bootstrap.

The packaging tests and the cold start measurement share this module. A root
contains only the packaged zip under /var/task, /etc/resolv.conf, a CA bundle
at the Amazon Linux 2023 path, an empty /tmp and a /proc mount point. Nothing
from the build host's /lib, /usr or /etc is visible inside it, so a program
that runs there depends on the zip alone.

Processes run through `unshare --mount --pid --fork --mount-proc` and then
chroot(2), which needs root. The mount namespace keeps the /proc mount private
to the process, and the network namespace is shared, so loopback servers on
the host are reachable from inside.

Does not emulate Lambda's sandbox (read-only /var/task, user ids, limits).
"""

import functools
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import zipfile

TASK_ROOT = "/var/task"
CA_BUNDLE_PATH = "/etc/pki/tls/certs/ca-bundle.crt"

# The search path that Lambda sets for provided.al2023 functions. /lib64 and
# /usr/lib64 hold Amazon Linux's own glibc 2.34 there.
LAMBDA_LD_LIBRARY_PATH = (
    "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:"
    "/var/task:/var/task/lib:/opt/lib"
)


def lambda_environment(**extra):
    """Returns the environment Lambda gives a custom runtime, plus extra."""
    environment = {
        "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LD_LIBRARY_PATH": LAMBDA_LD_LIBRARY_PATH,
        "LAMBDA_TASK_ROOT": TASK_ROOT,
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "exifscrub",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    }
    environment.update(extra)
    return environment


@functools.lru_cache(maxsize=1)
def can_chroot():
    """Returns None when roots can be used, else the reason they cannot."""
    if os.geteuid() != 0:
        return "the empty-root tests need root for unshare and chroot"
    if shutil.which("unshare") is None:
        return "unshare is not installed (util-linux provides it)"
    # A container without CAP_SYS_ADMIN runs as root but cannot make namespaces.
    probe = subprocess.run(["unshare", "--mount", "--pid", "--fork", "true"],
                           capture_output=True, text=True, timeout=60, check=False)
    if probe.returncode != 0:
        return f"unshare --mount --pid failed ({probe.stderr.strip()}); the empty-root tests need CAP_SYS_ADMIN"
    return None


def extract_zip(zip_path, destination):
    """Extracts zip_path into destination with the Unix modes that the zip
    records, as Lambda does. Returns the list of entry names."""
    destination = pathlib.Path(destination)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = destination / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            os.chmod(target, (info.external_attr >> 16) & 0o7777)
        return archive.namelist()


def make_root(directory, zip_path, ca_bundle=None, resolv_conf="nameserver 127.0.0.1\n"):
    """Builds an empty root in directory and returns its path."""
    root = pathlib.Path(directory)
    extract_zip(zip_path, root / TASK_ROOT.lstrip("/"))
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc/resolv.conf").write_text(resolv_conf)
    if ca_bundle is not None:
        bundle = root / CA_BUNDLE_PATH.lstrip("/")
        bundle.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ca_bundle, bundle)
    (root / "proc").mkdir(exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)
    os.chmod(root / "tmp", 0o1777)
    return root


def add_decoy_libraries(root, names, directories=("lib64", "usr/lib64")):
    """Puts a non-ELF file under each name into directories of the root.

    The directories are on Lambda's LD_LIBRARY_PATH. If the loader ever
    searched them before the bundled lib/, it would stop with "invalid ELF
    header" instead of silently using a system library.
    """
    for directory in directories:
        folder = pathlib.Path(root) / directory
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            decoy = folder / name
            # Longer than an ELF header, so the loader reports the bad magic.
            decoy.write_text("decoy: not a shared library\n" * 64)
            decoy.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


# Runs on the host inside the new namespaces: enters the root, notes the
# time when it was requested, then replaces itself with the program. Host
# tools before this point keep the host's environment, so only the program
# receives the given one (LD_DEBUG, LD_LIBRARY_PATH and the rest). The start
# record is "CLOCK_MONOTONIC seconds, CPU nanoseconds": the second is the
# process's on-CPU time from /proc/self/schedstat, which execve keeps.
_ENTER_ROOT = """
import json, os, sys, time
root, environment, start_file, path, argv = (
    sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:])
record = open(start_file, "w") if start_file else None
os.chroot(root)
os.chdir("/")
if record is not None:
    with open("/proc/self/schedstat") as schedstat:
        cpu_ns = schedstat.read().split()[0]
    record.write(f"{time.clock_gettime(time.CLOCK_MONOTONIC)!r} {cpu_ns}")
    record.close()
os.execve(path, argv, environment)
"""


def command_in_root(root, argv, environment, start_file=None, argv0=None):
    """Returns the host command line that runs argv inside root with exactly
    environment.

    argv0 replaces argv[0], the name the program receives, which selects the
    exifscrub binary's mode. When start_file is given, the CLOCK_MONOTONIC
    time and the on-CPU nanoseconds just before the program's execve are
    written to it.
    """
    program_argv = [argv0 or argv[0], *argv[1:]]
    return [
        shutil.which("unshare") or "unshare", "--mount", "--pid", "--fork",
        "--kill-child=SIGKILL", f"--mount-proc={pathlib.Path(root) / 'proc'}",
        sys.executable, "-I", "-S", "-c", _ENTER_ROOT,
        str(root), json.dumps(environment), str(start_file or ""), argv[0], *program_argv,
    ]


def run_in_root(root, argv, environment, timeout=60, argv0=None):
    """Runs argv inside root with exactly the given environment."""
    return subprocess.run(
        command_in_root(root, argv, environment, argv0=argv0),
        capture_output=True, timeout=timeout, check=False,
    )
