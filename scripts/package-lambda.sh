#!/usr/bin/env bash
# Builds the AWS Lambda deployment zip for the custom runtime provided.al2023.
# The zip contains the exifscrub binary as `bootstrap` at its root and, under
# lib/, the dynamic loader and every shared library the binary loads (at
# start or later with dlopen), all
# taken from the build host (Debian 12, glibc 2.36). The bootstrap's ELF
# interpreter is set to /var/task/lib/ld-linux-x86-64.so.2, where Lambda
# extracts the zip, and its DT_RPATH to $ORIGIN/lib. So it runs on Amazon
# Linux 2023 (glibc 2.34) without the host's libraries and without a wrapper
# script.
#
# Does not build the binary (`make package` builds first) and does not ship
# a CA bundle: the S3 client reads the system bundle at run time.
#
# The difficulty is the library search order. Lambda sets LD_LIBRARY_PATH to
# a list that includes /lib64 and /usr/lib64, where the older system glibc
# lives. DT_RPATH is searched before LD_LIBRARY_PATH, DT_RUNPATH after it, and
# an executable's DT_RPATH also applies to the dependencies of its libraries
# as long as none of them has a DT_RUNPATH. So the script writes DT_RPATH
# (never DT_RUNPATH) and rejects bundled libraries that carry their own
# search path.
#
# Usage: scripts/package-lambda.sh
# Environment:
#   BUILD_DIR          build tree holding bin/exifscrub            [build]
#   DIST_DIR           output folder                               [dist]
#   ARCH               Lambda architecture, x86_64 or arm64        [x86_64]
#   BINARY             executable to package          [$BUILD_DIR/bin/exifscrub]
#   ZIP_NAME           zip file name          [exifscrub-lambda-$ARCH.zip]
#   SOURCE_DATE_EPOCH  timestamp of every zip entry, in seconds since the
#                      epoch; clamped to the zip format's 1980-01-01 minimum
#                      [315532800, that minimum]
# Outputs in DIST_DIR: the zip, ZIP.sha256 (sha256sum format) and
# ZIP.manifest.tsv (every entry with its mode, size, SHA-256 and the Debian
# package it came from). Running it twice on the same binary and the same
# installed packages writes byte-identical files.
set -euo pipefail

readonly TASK_ROOT=/var/task
readonly LOADER_NAME=ld-linux-x86-64.so.2
# Opened with dlopen by src/s3/system_libraries.cc; keep the two lists equal.
readonly DLOPENED_LIBRARIES=(libcurl.so.4 libcrypto.so.3 libz.so.1)

die() {
  echo "package-lambda: error: $*" >&2
  exit 1
}

log() {
  echo "package-lambda: $*" >&2
}

root=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
DIST_DIR=${DIST_DIR:-dist}
ARCH=${ARCH:-x86_64}
BINARY=${BINARY:-$BUILD_DIR/bin/exifscrub}
ZIP_NAME=${ZIP_NAME:-exifscrub-lambda-$ARCH.zip}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-315532800}

# Relative paths are taken from the repository root, as `make` runs there.
absolute() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$root" "$1" ;;
  esac
}

check_arch() {
  case $ARCH in
    x86_64) ;;
    arm64)
      # NOTE: Debian 12 has what an arm64 package would need (the
      # crossbuild-essential-arm64 toolchain, Multi-Arch :arm64 builds of
      # every library we link, qemu-user-static to test), but the project
      # has no cross toolchain file or arm64 build tree yet.
      die "ARCH=arm64 is not supported yet: it needs an arm64 build of exifscrub, which needs the aarch64-linux-gnu cross compiler (apt-get install crossbuild-essential-arm64), the arm64 libraries (dpkg --add-architecture arm64, then libcurl4-openssl-dev:arm64 libssl-dev:arm64 libturbojpeg0-dev:arm64 libpugixml-dev:arm64) and a CMake toolchain file; see docs/packaging.md. Use ARCH=x86_64."
      ;;
    *) die "invalid ARCH '$ARCH': expected x86_64 or arm64" ;;
  esac
  if [[ $(uname -m) != x86_64 ]]; then
    die "ARCH=x86_64 packages the libraries of the build host, but this host is $(uname -m); build on an x86_64 Debian 12 machine"
  fi
}

check_tools() {
  local tool missing=()
  for tool in patchelf objdump readelf strip ldd python3 sha256sum dpkg-query; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    die "missing tools: ${missing[*]}. Run scripts/install-deps.sh build (patchelf and binutils come from Debian)"
  fi
}

check_binary() {
  [[ -f $BINARY ]] || die "binary '$BINARY' not found. Run 'make build' first or set BUILD_DIR or BINARY"
  [[ -x $BINARY ]] || die "binary '$BINARY' is not executable"
  local header
  header=$(readelf -h "$BINARY" 2>/dev/null) || die "binary '$BINARY' is not an ELF file"
  grep -q 'Machine:.*X86-64' <<<"$header" || die "binary '$BINARY' is not an x86-64 executable"
  local interpreter
  interpreter=$(patchelf --print-interpreter "$BINARY" 2>/dev/null) ||
    die "binary '$BINARY' has no ELF interpreter. A static binary needs no bundling, so package it by hand"
  [[ ${interpreter##*/} == "$LOADER_NAME" ]] ||
    die "binary '$BINARY' uses the interpreter '$interpreter', expected glibc's $LOADER_NAME"
}

# Prints "name<TAB>path" for the loader and every library that ldd resolves.
list_libraries() {
  local output
  output=$(ldd "$1") || die "ldd failed on '$1'"
  if grep -q 'not found' <<<"$output"; then
    die "'$1' needs libraries that are not installed: $(grep 'not found' <<<"$output" | awk '{print $1}' | tr '\n' ' ')"
  fi
  # Lines are "name => path (address)", "path (address)" for the loader, or
  # "linux-vdso.so.1 (address)" for the kernel's vDSO, which has no file.
  awk '$2 == "=>" { print $1 "\t" $3; next }
       $1 ~ /^\// { n = split($1, parts, "/"); print parts[n] "\t" $1 }' <<<"$output"
}

# Removes debug sections only where there are any, so libraries that Debian
# already ships stripped stay byte-identical to the packaged files.
strip_debug() {
  if readelf -S --wide "$1" | grep -q ' \.debug_'; then
    strip --strip-debug "$1"
  fi
}

# Prints "soname<TAB>path" for each library the binary opens with dlopen
# (src/s3/system_libraries.cc), and then everything each of them needs. ldd
# cannot see these, since they are not DT_NEEDED entries of the binary.
list_dlopened_libraries() {
  local soname path
  for soname in "${DLOPENED_LIBRARIES[@]}"; do
    path=$(/sbin/ldconfig -p | awk -v name="$soname" '$1 == name && /x86-64/ { print $NF; exit }')
    [[ -n $path ]] || die "$soname, which the S3 code opens at run time, is not installed. Run scripts/install-deps.sh build"
    printf '%s\t%s\n' "$soname" "$path"
    list_libraries "$path"
  done
}

stage_files() {
  local stage=$1 name path
  mkdir -p "$stage/lib"
  install -m 0755 "$BINARY" "$stage/bootstrap"
  # Our own binary also loses its static symbol table (about 30 KB zipped),
  # which nothing reads on Lambda. The dynamic symbols stay.
  strip --strip-all "$stage/bootstrap"

  while IFS=$'\t' read -r name path; do
    [[ -e $stage/lib/$name ]] && continue
    cp -L "$path" "$stage/lib/$name"
    chmod 0644 "$stage/lib/$name"
    strip_debug "$stage/lib/$name"
    printf '%s\t%s\n' "lib/$name" "$path" >>"$stage.sources"
  done < <(list_libraries "$BINARY"; list_dlopened_libraries)
  [[ -f $stage/lib/$LOADER_NAME ]] || die "ldd did not list the loader $LOADER_NAME for '$BINARY'"
  # The kernel opens the interpreter like an executable, so it needs the x bit.
  chmod 0755 "$stage/lib/$LOADER_NAME"
}

patch_bootstrap() {
  local bootstrap=$1/bootstrap
  patchelf --set-interpreter "$TASK_ROOT/lib/$LOADER_NAME" "$bootstrap"
  patchelf --remove-rpath "$bootstrap"
  # $ORIGIN resolves through /proc/self/exe, which Lambda provides.
  # shellcheck disable=SC2016
  patchelf --force-rpath --set-rpath '$ORIGIN/lib' "$bootstrap"

  [[ $(patchelf --print-interpreter "$bootstrap") == "$TASK_ROOT/lib/$LOADER_NAME" ]] ||
    die "patchelf did not set the interpreter of $bootstrap"
  readelf -d "$bootstrap" | grep -q '(RPATH).*\[\$ORIGIN/lib\]' ||
    die "patchelf did not write DT_RPATH \$ORIGIN/lib into $bootstrap"
  if readelf -d "$bootstrap" | grep -q '(RUNPATH)'; then
    die "$bootstrap still has a DT_RUNPATH, which would let LD_LIBRARY_PATH win"
  fi
}

# Checks that every DT_NEEDED of every staged file is staged too, and that no
# library has a search path of its own. A DT_RUNPATH anywhere in the chain
# would stop the bootstrap's DT_RPATH from applying to that library's needs.
check_closure() {
  local stage=$1 file needed
  for file in "$stage/bootstrap" "$stage"/lib/*; do
    while read -r needed; do
      [[ -f $stage/lib/$needed ]] ||
        die "${file#"$stage"/} needs $needed, which ldd did not list, so Lambda would load it from the host"
    done < <(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    [[ $file == "$stage/bootstrap" ]] && continue
    if readelf -d "$file" | grep -qE '\((RPATH|RUNPATH)\)'; then
      die "${file#"$stage"/} has its own RPATH or RUNPATH, so the bundle's search order would not be fixed. Package a build of that library without one"
    fi
  done
}

# Prints the highest GLIBC_x.y symbol version that one file requires, or "-".
required_glibc() {
  local version
  version=$(objdump -T "$1" | awk '/\*UND\*/' | grep -o 'GLIBC_[0-9][0-9.]*' | sort -V -u | tail -n 1) || true
  echo "${version:--}"
}

# Tells whether a staged file is part of glibc itself, whose own symbol
# versions do not show which glibc it needs.
is_glibc_file() {
  case ${1##*/} in
    ld-linux-*.so.* | libc.so.* | libm.so.* | libresolv.so.* | libpthread.so.* | libdl.so.* | librt.so.*) return 0 ;;
  esac
  return 1
}

# Prints "entry<TAB>package=version" for every staged library, with two
# dpkg queries in all. Debian 12 merged /lib into /usr/lib, but dpkg records
# each file under the path its package used, so both spellings are looked up.
debian_packages() {
  local sources=$1 entry path real package file version
  local -A owner_of version_of
  local -a candidates=() packages=()
  while IFS=$'\t' read -r entry path; do
    real=$(readlink -f "$path")
    candidates+=("$path" "$real" "${real#/usr}")
  done <"$sources"

  # dpkg-query -S exits 1 when one path is unknown but still prints the others.
  while IFS=$'\t' read -r package file; do
    [[ -n ${owner_of[$file]:-} ]] || owner_of[$file]=$package
  done < <(dpkg-query -S "${candidates[@]}" 2>/dev/null | sed -n 's/^\([^:, ]*\)[^/]*: \(\/.*\)$/\1\t\2/p')
  mapfile -t packages < <(printf '%s\n' "${owner_of[@]}" | sort -u)
  if ((${#packages[@]})); then
    while IFS=$'\t' read -r package version; do
      [[ -n ${version_of[$package]:-} ]] || version_of[$package]=$version
    done < <(dpkg-query -W -f='${Package}\t${Version}\n' "${packages[@]}" 2>/dev/null)
  fi

  while IFS=$'\t' read -r entry path; do
    real=$(readlink -f "$path")
    package=${owner_of[$path]:-${owner_of[$real]:-${owner_of[${real#/usr}]:-}}}
    if [[ -n $package ]]; then
      printf '%s\t%s=%s\n' "$entry" "$package" "${version_of[$package]:-unknown}"
    else
      printf '%s\tnot from a Debian package\n' "$entry"
    fi
  done <"$sources"
}

# Writes one line per zip entry (mode, size, SHA-256, highest GLIBC_ version
# required, Debian package). Also sets max_glibc to the highest GLIBC_
# version that the files outside glibc require. That is the oldest system
# glibc that could have run them without the bundled one.
write_manifest() {
  local stage=$1 manifest=$2 entry package glibc rows=""
  local -A package_of
  package_of[bootstrap]="built from this repository"
  while IFS=$'\t' read -r entry package; do
    package_of[$entry]=$package
  done < <(debian_packages "$stage.sources")

  max_glibc=""
  for entry in bootstrap $(cd "$stage" && printf '%s\n' lib/* | sort); do
    glibc=$(required_glibc "$stage/$entry")
    if ! is_glibc_file "$entry" && [[ $glibc != - ]]; then
      max_glibc=$(printf '%s\n%s\n' "$max_glibc" "$glibc" | sort -V | tail -n 1)
    fi
    rows+=$(printf '%s\t0%s\t%s\t%s\t%s\t%s' "$entry" "$(stat -c %a "$stage/$entry")" \
      "$(stat -c %s "$stage/$entry")" "$(sha256sum "$stage/$entry" | cut -d' ' -f1)" \
      "$glibc" "${package_of[$entry]}")$'\n'
  done

  {
    printf '# %s for Lambda %s; bundled glibc %s; max GLIBC_ version required outside glibc: %s\n' \
      "$ZIP_NAME" "$ARCH" "$(ldd --version | head -n 1 | awk '{print $NF}')" "$max_glibc"
    printf '# entry\tmode\tbytes\tsha256\trequired_glibc\tdebian_package\n'
    printf '%s' "$rows"
  } >"$manifest"
}

# Writes the zip with Python's zipfile so that nothing of the build host
# leaks in. Entries are sorted by name and share one fixed timestamp, Unix
# modes go into the external attributes (Lambda applies them), and no entry
# has extra fields.
write_zip() {
  local stage=$1 zip=$2
  python3 - "$stage" "$zip" "$SOURCE_DATE_EPOCH" <<'PYTHON'
import os
import sys
import time
import zipfile

stage, output, epoch = sys.argv[1], sys.argv[2], max(int(sys.argv[3]), 315532800)
stamp = time.gmtime(epoch)[:6]
names = []
for directory, _, files in os.walk(stage):
    for name in files:
        names.append(os.path.relpath(os.path.join(directory, name), stage))

with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for name in sorted(names):
        mode = os.stat(os.path.join(stage, name)).st_mode & 0o777
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.create_system = 3  # Unix, so that the external attributes hold a mode
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join(stage, name), "rb") as source:
            archive.writestr(info, source.read(), compresslevel=9)
PYTHON
}

main() {
  if (($#)); then
    echo "usage: $0   (settings come from BUILD_DIR, DIST_DIR, ARCH, BINARY, ZIP_NAME, SOURCE_DATE_EPOCH)" >&2
    exit 2
  fi
  check_arch
  check_tools
  BUILD_DIR=$(absolute "$BUILD_DIR")
  DIST_DIR=$(absolute "$DIST_DIR")
  BINARY=$(absolute "$BINARY")
  [[ $SOURCE_DATE_EPOCH =~ ^[0-9]+$ ]] || die "SOURCE_DATE_EPOCH '$SOURCE_DATE_EPOCH' is not a whole number of seconds"
  check_binary

  local stage
  # Global, because the EXIT trap runs after main has returned.
  work=$(mktemp -d "${TMPDIR:-/tmp}/package-lambda.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  stage=$work/stage
  stage_files "$stage"
  patch_bootstrap "$stage"
  check_closure "$stage"

  local zip
  mkdir -p "$DIST_DIR"
  zip=$DIST_DIR/$ZIP_NAME
  # Write beside the target and rename, so a failed run never leaves a partial zip.
  write_zip "$stage" "$work/$ZIP_NAME"
  write_manifest "$stage" "$work/$ZIP_NAME.manifest.tsv"
  (cd "$work" && sha256sum "$ZIP_NAME" >"$ZIP_NAME.sha256")
  mv -f "$work/$ZIP_NAME.manifest.tsv" "$work/$ZIP_NAME.sha256" "$DIST_DIR/"
  mv -f "$work/$ZIP_NAME" "$zip"

  log "wrote $zip ($(stat -c %s "$zip") bytes, $(($(find "$stage/lib" -type f | wc -l) + 1)) files, unpacked $(du -sb "$stage" | cut -f1) bytes)"
  log "max GLIBC_ symbol version required outside glibc: $max_glibc; bundled glibc $(ldd --version | head -n 1 | awk '{print $NF}')"
  log "sha256 $(cut -d' ' -f1 "$zip.sha256")"
}

main "$@"
