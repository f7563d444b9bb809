#!/usr/bin/env bash
# Regenerates the fuzz seed corpus in tests/fuzz/corpus: small JPEGs made
# here with cjpeg, exiftool and Python, covering each segment kind the
# walker handles. The committed corpus is this script's output.
#
# Usage: tests/fuzz/make-seeds.sh
# Needs: cjpeg (libjpeg-turbo-progs), exiftool (libimage-exiftool-perl),
# /usr/bin/python3 with python3-pil; scripts/install-deps.sh test installs them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus
for tool in cjpeg exiftool /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "make-seeds: $tool not found; run scripts/install-deps.sh test" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"

# A 24x16 colour gradient and a 16x16 grey one, as binary PPM/PGM.
/usr/bin/python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
w, h = 24, 16
rgb = bytes(v for y in range(h) for x in range(w) for v in (x * 10, y * 15, (x + y) * 5))
open(f"{work}/rgb.ppm", "wb").write(b"P6 %d %d 255\n" % (w, h) + rgb)
grey = bytes((x * 16 + y) % 256 for y in range(16) for x in range(16))
open(f"{work}/grey.pgm", "wb").write(b"P5 16 16 255\n" + grey)
PY

cjpeg -quality 75 "$work/rgb.ppm" >"$out/baseline.jpg"
cjpeg -quality 75 -progressive "$work/rgb.ppm" >"$out/progressive.jpg"
cjpeg -quality 75 -restart 1 "$work/rgb.ppm" >"$out/restart.jpg"
cjpeg -quality 75 -arithmetic "$work/rgb.ppm" >"$out/arithmetic.jpg"
cjpeg -quality 75 -grayscale "$work/grey.pgm" >"$out/grey.jpg"

# Metadata of every kind the scrubber drops, and an orientation.
cp "$out/baseline.jpg" "$out/tagged.jpg"
exiftool -q -overwrite_original -Orientation#=6 -GPSLatitude=48.85 -GPSLatitudeRef=N \
  -SerialNumber=SN0001 -OwnerName="Jane Roe" -XMP:Creator="Jane Roe" \
  -IPTC:Keywords=seed -Comment="seed comment" "$out/tagged.jpg"
cp "$out/progressive.jpg" "$out/progressive-tagged.jpg"
exiftool -q -overwrite_original -Orientation#=8 -XMP:Title=seed "$out/progressive-tagged.jpg"

# Hand-made structures: ICC chunks, Adobe, a JFIF thumbnail, fill bytes,
# a COM between scans and a trailer.
/usr/bin/python3 - "$out" <<'PY'
import struct, sys
out = sys.argv[1]
base = open(f"{out}/baseline.jpg", "rb").read()
prog = open(f"{out}/progressive.jpg", "rb").read()

def seg(code, payload):
    return bytes([0xFF, code]) + struct.pack(">H", len(payload) + 2) + payload

def after_soi(image, segments):
    return image[:2] + segments + image[2:]

icc = b"".join(seg(0xE2, b"ICC_PROFILE\0" + bytes([i, 2]) + bytes(20)) for i in (1, 2))
adobe = seg(0xEE, b"Adobe" + bytes([0, 100, 0, 0, 0, 0, 1]))
jfif_thumb = seg(0xE0, b"JFIF\0" + bytes([1, 2, 0, 0, 1, 0, 1, 1, 1]) + bytes(3))
open(f"{out}/icc-adobe.jpg", "wb").write(after_soi(base, icc + adobe))
open(f"{out}/jfif-thumbnail.jpg", "wb").write(after_soi(base[:2] + base[20:], jfif_thumb))
open(f"{out}/fill-trailer.jpg", "wb").write(after_soi(base, b"\xff\xff\xff") + b"trailer")
# A COM segment before the second scan of the progressive image.
second_sos = prog.index(b"\xff\xda", prog.index(b"\xff\xda") + 2)
open(f"{out}/com-between-scans.jpg", "wb").write(
    prog[:second_sos] + seg(0xFE, b"between scans") + prog[second_sos:])
PY

ls -l "$out"
