#!/usr/bin/env bash
# Installs everything exifscrub needs to build, test, benchmark and run its
# local stack on Debian 12, from Debian's archive and the npm registry only.
# Idempotent: packages already present are not reinstalled and apt is not
# contacted at all when nothing is missing.
#
# Usage: scripts/install-deps.sh [build|test|all]   (default: all)
set -euo pipefail

profile=${1:-all}
case $profile in
  build | test | all) ;;
  *)
    echo "usage: $0 [build|test|all]" >&2
    exit 2
    ;;
esac

# Compiling the library, the CLI and the Lambda bootstrap.
build_packages=(
  build-essential cmake pkg-config git
  libturbojpeg0-dev libjpeg62-turbo-dev libcurl4-openssl-dev libssl-dev libpugixml-dev nlohmann-json3-dev
  zip unzip patchelf python3
)
# Tests: GoogleTest, clang for libFuzzer and sanitizers, the metadata and
# pixel oracles (exiftool, libjpeg-turbo's tools), the local S3 (Ceph RGW),
# Node.js for the Terraform checks, Python for the Runtime API emulator.
test_packages=(
  googletest libgtest-dev libbenchmark-dev clang libclang-rt-14-dev
  libimage-exiftool-perl libjpeg-turbo-progs libjpeg62-turbo-dev
  ceph-mon ceph-osd radosgw ceph-common curl openssl
  python3 python3-boto3 python3-pil
  nodejs npm
)
# Peers for the side-by-side benchmarks.
bench_packages=(jhead exiv2 hyperfine awscli time)

packages=("${build_packages[@]}")
if [[ $profile != build ]]; then packages+=("${test_packages[@]}"); fi
if [[ $profile == all ]]; then packages+=("${bench_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # A tool that the image provides outside apt (node, npm, aws) counts as present.
    case $p in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      awscli) command -v aws >/dev/null && continue ;;
    esac
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if ((EUID != 0)); then
    echo "install-deps: missing packages: ${missing[*]}; run this script as root or install them with apt-get" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi

# npm test dependencies are pinned by their lock files.
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $profile != build ]]; then
  for dir in "$root"/tests/terraform; do
    if [[ -f $dir/package-lock.json && ! -d $dir/node_modules ]]; then
      echo "install-deps: npm ci in ${dir#"$root"/}" >&2
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
fi
