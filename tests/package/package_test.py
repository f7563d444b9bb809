"""Tests of scripts/package-lambda.sh and of the zip it writes.

The zip must be byte-identical across runs, carry the modes Lambda needs, and
run in a root that contains nothing of the build host. Two binaries are
packaged: package_probe, which links the same libraries as exifscrub and
exercises their host-dependent parts (DNS, TLS, OpenSSL configuration), and
the exifscrub binary itself.

Configuration comes from the environment, which tests/package/CMakeLists.txt
sets: PACKAGE_SCRIPT, PACKAGE_PROBE, EXIFSCRUB_BINARY (may be empty while the
binary is not built) and PACKAGE_WORK_DIR for scratch files.

Usage: package_test.py TestClass.test_name ...   Exits 77 when every
selected test was skipped, so CTest reports a skip.
"""

import hashlib
import http.server
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lambda_root  # noqa: E402
import loopback_servers  # noqa: E402

SCRIPT = os.environ.get("PACKAGE_SCRIPT", "")
PROBE = os.environ.get("PACKAGE_PROBE", "")
EXIFSCRUB = os.environ.get("EXIFSCRUB_BINARY", "")
WORK_DIR = os.environ.get("PACKAGE_WORK_DIR") or None
ZIP_NAME = "exifscrub-lambda-x86_64.zip"
LOADER = "/var/task/lib/ld-linux-x86-64.so.2"
TEST_HOST = "s3.package-test.internal"


def package(binary, dist_dir, **environment):
    """Runs the packaging script on binary and returns the finished process."""
    env = dict(os.environ, BINARY=str(binary), DIST_DIR=str(dist_dir), **environment)
    return subprocess.run(["bash", SCRIPT], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def readelf_dynamic(path):
    return subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True,
                          check=True).stdout


class Scratch(unittest.TestCase):
    """Gives each test class a scratch folder and a zip of one binary."""

    binary = None

    @classmethod
    def setUpClass(cls):
        if not SCRIPT or not PROBE:
            raise unittest.SkipTest("PACKAGE_SCRIPT and PACKAGE_PROBE must be set (CTest sets them)")
        cls.scratch = tempfile.TemporaryDirectory(dir=WORK_DIR, prefix="package-test-")
        cls.dist = pathlib.Path(cls.scratch.name) / "dist"
        if cls.binary is not None:
            result = package(cls.binary(), cls.dist)
            if result.returncode != 0:
                cls.scratch.cleanup()
                raise AssertionError(f"packaging failed:\n{result.stderr}")
            cls.zip_path = cls.dist / ZIP_NAME

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def new_folder(self, name):
        folder = pathlib.Path(self.scratch.name) / name
        folder.mkdir()
        return folder


class ScriptTest(Scratch):
    """The script's output files and its rejections, on package_probe."""

    binary = staticmethod(lambda: PROBE)

    def test_zip_reproducible(self):
        second = self.new_folder("second")
        # A different umask, time zone and file time must not change a byte.
        copy = second / "probe"
        shutil.copy2(PROBE, copy)
        os.utime(copy, (1, 1))
        result = subprocess.run(
            ["bash", "-c", 'umask 0077 && exec bash "$0"', SCRIPT],
            env=dict(os.environ, BINARY=str(copy), DIST_DIR=str(second), TZ="Pacific/Kiritimati"),
            capture_output=True, text=True, timeout=300, check=False)
        self.assertEqual(result.returncode, 0, result.stderr)

        for name in (ZIP_NAME, ZIP_NAME + ".sha256", ZIP_NAME + ".manifest.tsv"):
            with self.subTest(file=name):
                self.assertEqual((self.dist / name).read_bytes(), (second / name).read_bytes())

    def test_zip_entries(self):
        with zipfile.ZipFile(self.zip_path) as archive:
            infos = archive.infolist()
        names = [info.filename for info in infos]
        self.assertEqual(names, sorted(names))
        self.assertIn("bootstrap", names)
        self.assertIn("lib/ld-linux-x86-64.so.2", names)
        self.assertIn("lib/libc.so.6", names)
        self.assertIn("lib/libcurl.so.4", names)
        self.assertIn("lib/libstdc++.so.6", names)
        for info in infos:
            with self.subTest(entry=info.filename):
                self.assertTrue(info.filename == "bootstrap" or info.filename.startswith("lib/"))
                self.assertEqual(info.date_time, (1980, 1, 1, 0, 0, 0))
                self.assertEqual(info.extra, b"")
                self.assertEqual(info.create_system, 3)
                self.assertEqual(info.compress_type, zipfile.ZIP_DEFLATED)
                executable = info.filename in ("bootstrap", "lib/ld-linux-x86-64.so.2")
                self.assertEqual(info.external_attr >> 16, 0o100755 if executable else 0o100644)

    def test_bootstrap_elf_paths(self):
        folder = self.new_folder("elf")
        lambda_root.extract_zip(self.zip_path, folder)
        interpreter = subprocess.run(["patchelf", "--print-interpreter", str(folder / "bootstrap")],
                                     capture_output=True, text=True, check=True).stdout
        self.assertEqual(interpreter, LOADER + "\n")
        dynamic = readelf_dynamic(folder / "bootstrap")
        self.assertIn("(RPATH)              Library rpath: [$ORIGIN/lib]", dynamic)
        self.assertNotIn("(RUNPATH)", dynamic)
        for library in sorted((folder / "lib").iterdir()):
            with self.subTest(library=library.name):
                dynamic = readelf_dynamic(library)
                self.assertNotIn("(RPATH)", dynamic)
                self.assertNotIn("(RUNPATH)", dynamic)

    def test_bundle_closed_under_needed(self):
        folder = self.new_folder("closure")
        lambda_root.extract_zip(self.zip_path, folder)
        bundled = {path.name for path in (folder / "lib").iterdir()}
        for path in [folder / "bootstrap", *sorted((folder / "lib").iterdir())]:
            needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", readelf_dynamic(path))
            with self.subTest(file=path.name):
                self.assertEqual(sorted(set(needed) - bundled), [])

    def test_checksum_file(self):
        digest = hashlib.sha256(self.zip_path.read_bytes()).hexdigest()
        self.assertEqual((self.dist / (ZIP_NAME + ".sha256")).read_text(),
                         f"{digest}  {ZIP_NAME}\n")

    def test_manifest_lists_entries(self):
        lines = (self.dist / (ZIP_NAME + ".manifest.tsv")).read_text().splitlines()
        self.assertRegex(lines[0], r"^# exifscrub-lambda-x86_64\.zip for Lambda x86_64; bundled "
                                   r"glibc 2\.\d+; max GLIBC_ version required outside glibc: "
                                   r"GLIBC_2\.\d+$")
        rows = [line.split("\t") for line in lines[2:]]
        with zipfile.ZipFile(self.zip_path) as archive:
            self.assertEqual([row[0] for row in rows], archive.namelist())
            for row in rows:
                with self.subTest(entry=row[0]):
                    self.assertEqual(len(row), 6)
                    data = archive.read(row[0])
                    self.assertEqual(row[2], str(len(data)))
                    self.assertEqual(row[3], hashlib.sha256(data).hexdigest())
        packages = {row[0]: row[5] for row in rows}
        self.assertEqual(packages["bootstrap"], "built from this repository")
        self.assertRegex(packages["lib/libc.so.6"], r"^libc6=2\.\d+")
        self.assertRegex(packages["lib/libcurl.so.4"], r"^libcurl4=7\.")

    def test_arm64_rejected(self):
        result = package(PROBE, self.new_folder("arm64"), ARCH="arm64")
        self.assertEqual(result.returncode, 1)
        self.assertTrue(result.stderr.startswith(
            "package-lambda: error: ARCH=arm64 is not supported yet: it needs an arm64 build of "
            "exifscrub, which needs the aarch64-linux-gnu cross compiler (apt-get install "
            "crossbuild-essential-arm64)"), result.stderr)
        self.assertEqual(list((pathlib.Path(self.scratch.name) / "arm64").iterdir()), [])

    def test_unknown_arch_rejected(self):
        result = package(PROBE, self.new_folder("sparc"), ARCH="sparc")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr,
                         "package-lambda: error: invalid ARCH 'sparc': expected x86_64 or arm64\n")

    def test_missing_binary_rejected(self):
        folder = self.new_folder("missing")
        result = package(folder / "exifscrub", folder / "dist")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr,
                         f"package-lambda: error: binary '{folder}/exifscrub' not found. Run "
                         "'make build' first or set BUILD_DIR or BINARY\n")
        self.assertFalse((folder / "dist").exists())

    def test_non_elf_binary_rejected(self):
        folder = self.new_folder("script")
        fake = folder / "exifscrub"
        fake.write_text("#!/bin/sh\necho hello\n")
        fake.chmod(0o755)
        result = package(fake, folder / "dist")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr,
                         f"package-lambda: error: binary '{fake}' is not an ELF file\n")
        self.assertFalse((folder / "dist").exists())

    def test_extra_arguments_rejected(self):
        result = subprocess.run(["bash", SCRIPT, "--arch", "arm64"], capture_output=True,
                                text=True, timeout=60, check=False)
        self.assertEqual(result.returncode, 2)
        self.assertTrue(result.stderr.startswith("usage: "), result.stderr)


class RootTest(Scratch):
    """package_probe, packaged, in a root that holds only the zip."""

    binary = staticmethod(lambda: PROBE)

    def setUp(self):
        reason = lambda_root.can_chroot()
        if reason is not None:
            self.skipTest(reason)

    def make_root(self, name, **options):
        return lambda_root.make_root(self.new_folder(name), self.zip_path, **options)

    def test_versions_match_host(self):
        root = self.make_root("versions")
        host = subprocess.run([PROBE, "versions"], capture_output=True, text=True, check=True)
        result = lambda_root.run_in_root(root, ["/var/task/bootstrap", "versions"],
                                         lambda_root.lambda_environment())
        self.assertEqual(result.stderr.decode(), "")
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.decode(), host.stdout)

    def test_loads_only_bundled_libraries(self):
        root = self.make_root("decoys")
        bundled = sorted(path.name for path in (root / "var/task/lib").iterdir())
        lambda_root.add_decoy_libraries(root, bundled)
        environment = lambda_root.lambda_environment(LD_DEBUG="libs")
        result = lambda_root.run_in_root(root, ["/var/task/bootstrap", "versions"], environment)
        self.assertEqual(result.returncode, 0, result.stderr.decode())

        trace = result.stderr.decode()
        tried = re.findall(r"trying file=(\S+)", trace)
        initialised = re.findall(r"calling init: (\S+)", trace)
        self.assertIn("/var/task/lib/libc.so.6", initialised)
        self.assertIn("/var/task/lib/libcurl.so.4", initialised)
        self.assertEqual([path for path in tried if not path.startswith("/var/task/lib/")], [])
        self.assertEqual([path for path in initialised if not path.startswith("/var/task/lib/")], [])

    def test_runpath_would_load_decoys(self):
        # The control for the test above: with DT_RUNPATH in place of DT_RPATH
        # Lambda's LD_LIBRARY_PATH comes first and the loader hits a decoy.
        root = self.make_root("runpath")
        bootstrap = root / "var/task/bootstrap"
        subprocess.run(["patchelf", "--remove-rpath", str(bootstrap)], check=True)
        subprocess.run(["patchelf", "--set-rpath", "$ORIGIN/lib", str(bootstrap)], check=True)
        self.assertIn("(RUNPATH)", readelf_dynamic(bootstrap))
        bundled = sorted(path.name for path in (root / "var/task/lib").iterdir())
        lambda_root.add_decoy_libraries(root, bundled)

        result = lambda_root.run_in_root(root, ["/var/task/bootstrap", "versions"],
                                         lambda_root.lambda_environment())
        self.assertEqual(result.returncode, 127)
        self.assertRegex(result.stderr.decode(),
                         r"^/var/task/bootstrap: error while loading shared libraries: "
                         r"/lib64/\S+\.so\S*: invalid ELF header\n$")

    def test_resolves_without_nsswitch(self):
        with loopback_servers.DnsServer({TEST_HOST: "127.0.0.1"}) as dns:
            root = self.make_root("dns", resolv_conf=f"nameserver {dns.address}\n")
            self.assertFalse((root / "etc/nsswitch.conf").exists())
            self.assertFalse((root / "etc/hosts").exists())
            # glibc 2.34 and later has the files and dns NSS modules inside libc.
            self.assertEqual(sorted((root / "var/task/lib").glob("libnss_*")), [])
            result = lambda_root.run_in_root(root, ["/var/task/bootstrap", "resolve", TEST_HOST],
                                             lambda_root.lambda_environment())
        self.assertEqual(result.stderr.decode(), "")
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.decode(), "127.0.0.1\n")
        self.assertIn((TEST_HOST, 1), dns.questions)

    def test_unknown_name_fails(self):
        with loopback_servers.DnsServer({TEST_HOST: "127.0.0.1"}) as dns:
            root = self.make_root("nxdomain", resolv_conf=f"nameserver {dns.address}\n")
            result = lambda_root.run_in_root(
                root, ["/var/task/bootstrap", "resolve", "missing.package-test.internal"],
                lambda_root.lambda_environment())
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.decode(),
                         "package_probe: resolving missing.package-test.internal failed: "
                         "Name or service not known\n")

    def test_https_with_al2023_bundle(self):
        certificate, key = loopback_servers.make_certificate(self.new_folder("trusted"), TEST_HOST)
        body = b"exifscrub package test\n"
        with loopback_servers.DnsServer({TEST_HOST: "127.0.0.1"}) as dns, \
                loopback_servers.HttpsServer(certificate, key, body) as server:
            root = self.make_root("https", ca_bundle=certificate,
                                  resolv_conf=f"nameserver {dns.address}\n")
            # OpenSSL's compiled-in configuration file is absent, as on AL2023.
            self.assertFalse((root / "usr/lib/ssl").exists())
            url = f"https://{TEST_HOST}:{server.port}/photo.jpg"
            result = lambda_root.run_in_root(
                root, ["/var/task/bootstrap", "fetch", url, lambda_root.CA_BUNDLE_PATH],
                lambda_root.lambda_environment())
        self.assertEqual(result.stderr.decode(), "")
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.decode(), f"status 200 bytes {len(body)}\n")

    def test_https_rejects_other_ca(self):
        certificate, key = loopback_servers.make_certificate(self.new_folder("server"), TEST_HOST)
        other, _ = loopback_servers.make_certificate(self.new_folder("other"), TEST_HOST)
        with loopback_servers.DnsServer({TEST_HOST: "127.0.0.1"}) as dns, \
                loopback_servers.HttpsServer(certificate, key, b"unused") as server:
            root = self.make_root("untrusted", ca_bundle=other,
                                  resolv_conf=f"nameserver {dns.address}\n")
            url = f"https://{TEST_HOST}:{server.port}/photo.jpg"
            result = lambda_root.run_in_root(
                root, ["/var/task/bootstrap", "fetch", url, lambda_root.CA_BUNDLE_PATH],
                lambda_root.lambda_environment())
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.decode(),
                         f"package_probe: GET {url} failed: SSL certificate problem: "
                         "self-signed certificate\n")


def make_photo_with_gps(folder):
    """Writes a small JPEG with GPS and camera tags (cjpeg, then exiftool)."""
    width, height = 64, 48
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            pixels += bytes((x * 4 % 256, y * 5 % 256, (x + y) * 2 % 256))
    ppm = folder / "photo.ppm"
    ppm.write_bytes(b"P6 %d %d 255\n" % (width, height) + bytes(pixels))
    photo = folder / "photo.jpg"
    with open(photo, "wb") as output:
        subprocess.run(["cjpeg", "-quality", "90", str(ppm)], stdout=output, check=True, timeout=60)
    subprocess.run(
        ["exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8583", "-GPSLatitudeRef=N",
         "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", "-Make=PackageTestCamera",
         "-SerialNumber=PT-0001", str(photo)],
        check=True, capture_output=True, timeout=60)
    return photo


def exiftool_tags(path, *groups):
    result = subprocess.run(["exiftool", "-s", "-s", "-s", "-f", *groups, str(path)],
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


class BootstrapRootTest(Scratch):
    """The exifscrub binary, packaged, in a root that holds only the zip.

    The binary chooses its mode by name: started as `bootstrap` it runs the
    Lambda runtime loop. The CLI commands are therefore started from the
    same file under the name exifscrub.
    """

    binary = staticmethod(lambda: EXIFSCRUB)

    @classmethod
    def setUpClass(cls):
        if not EXIFSCRUB or not os.path.exists(EXIFSCRUB):
            raise unittest.SkipTest(
                f"the exifscrub binary is not built (EXIFSCRUB_BINARY='{EXIFSCRUB}')")
        super().setUpClass()

    def setUp(self):
        reason = lambda_root.can_chroot()
        if reason is not None:
            self.skipTest(reason)

    def test_version_matches_host(self):
        root = lambda_root.make_root(self.new_folder("version"), self.zip_path)
        host = subprocess.run([EXIFSCRUB, "--version"], capture_output=True, text=True,
                              timeout=60, check=True)
        result = lambda_root.run_in_root(root, ["/var/task/bootstrap", "--version"],
                                         lambda_root.lambda_environment(), argv0="exifscrub")
        self.assertEqual(result.stderr.decode(), "")
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.decode(), host.stdout)
        self.assertTrue(host.stdout.startswith("exifscrub "), host.stdout)

    def test_strip_matches_host(self):
        folder = self.new_folder("strip")
        photo = make_photo_with_gps(folder)
        self.assertIn("PackageTestCamera", exiftool_tags(photo, "-Make"))
        self.assertNotEqual(exiftool_tags(photo, "-GPSLatitude"), "-\n")

        host_output = folder / "host.jpg"
        subprocess.run([EXIFSCRUB, "strip", str(photo), "-o", str(host_output), "--quiet"],
                       capture_output=True, timeout=60, check=True)
        root = lambda_root.make_root(folder / "root", self.zip_path)
        shutil.copyfile(photo, root / "tmp/photo.jpg")
        result = lambda_root.run_in_root(
            root, ["/var/task/bootstrap", "strip", "/tmp/photo.jpg", "-o", "/tmp/clean.jpg",
                   "--quiet"],
            lambda_root.lambda_environment(), argv0="exifscrub")
        self.assertEqual(result.stderr.decode(), "")
        self.assertEqual(result.returncode, 0)

        clean = root / "tmp/clean.jpg"
        self.assertEqual(clean.read_bytes(), host_output.read_bytes())
        self.assertEqual(exiftool_tags(clean, "-GPSLatitude", "-GPSLongitude", "-Make",
                                       "-SerialNumber"), "-\n-\n-\n-\n")

    def test_s3_input_loads_bundled_network_libraries(self):
        # libcurl, libcrypto and zlib are opened with dlopen on the first S3
        # request, so only an S3 path shows that the bundle carries them.
        folder = self.new_folder("s3")
        photo = make_photo_with_gps(folder)
        host_output = folder / "host.jpg"
        subprocess.run([EXIFSCRUB, "strip", str(photo), "-o", str(host_output), "--quiet"],
                       capture_output=True, timeout=60, check=True)
        handler = type("Handler", (_ObjectHandler,), {"body": photo.read_bytes()})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            root = lambda_root.make_root(folder / "root", self.zip_path)
            environment = lambda_root.lambda_environment(
                AWS_ENDPOINT_URL=f"http://127.0.0.1:{server.server_address[1]}",
                AWS_ACCESS_KEY_ID="PACKAGETESTKEY000001",
                AWS_SECRET_ACCESS_KEY="package-test-secret")
            result = lambda_root.run_in_root(
                root, ["/var/task/bootstrap", "strip", "s3://photos/in.jpg", "-o",
                       "/tmp/clean.jpg", "--quiet"],
                environment, argv0="exifscrub")
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
        removed = photo.stat().st_size - host_output.stat().st_size
        self.assertEqual(result.stderr.decode(),
                         "exifscrub: 1 object: 1 scrubbed, 0 rejected, 0 failed, 0 skipped "
                         f"(not .jpg or .jpeg); {removed} bytes of metadata removed\n")
        self.assertEqual(result.returncode, 0)
        self.assertEqual((root / "tmp/clean.jpg").read_bytes(), host_output.read_bytes())


class _ObjectHandler(http.server.BaseHTTPRequestHandler):
    """Serves one object at /photos/in.jpg, as an S3 endpoint in path style would."""

    body = b""

    def _head(self):
        if self.path.split("?")[0] != "/photos/in.jpg":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("ETag", '"' + hashlib.md5(self.body).hexdigest() + '"')
        self.send_header("Last-Modified", "Fri, 04 Dec 2026 00:00:00 GMT")
        self.end_headers()
        return True

    def do_HEAD(self):
        self._head()

    def do_GET(self):
        if self._head():
            self.wfile.write(self.body)

    def log_message(self, format, *args):
        pass


def main(argv):
    if len(argv) < 2:
        print(f"usage: {argv[0]} TestClass.test_name ...", file=sys.stderr)
        return 2
    suite = unittest.defaultTestLoader.loadTestsFromNames(argv[1:], sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not result.wasSuccessful():
        return 1
    if result.skipped and len(result.skipped) >= result.testsRun:
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
