#!/usr/bin/env bash
# Writes a handful of synthetic, photo-like JPEGs with camera-style metadata
# into OUTDIR, for the demo and the benchmarks. Each picture shows a large up
# arrow and the word TOP, so a viewer sees at once whether a rotated file
# displays upright. Every file carries GPS, camera and lens serial numbers, an
# owner name, a MakerNote, XMP, IPTC, a comment and an EXIF thumbnail.
#
# Files (names with spaces and upper-case suffixes on purpose):
#   IMG 0001 (1).JPG            1600x1200, orientation 1
#   IMG_0002.JPG                portrait stored sideways, orientation 6
#   holiday/beach day.jpeg      portrait stored sideways, orientation 6
#   holiday/Sunset Pier.JPEG    portrait stored sideways, orientation 8
#   camera-4000x3000.jpg        about 4 MB at quality 92, orientation 1 (benchmarks)
#   camera-4000x3000-orientation-6.jpg  the same scene stored sideways, orientation 6
#
# Usage: scripts/make-samples.sh OUTDIR
# Needs Debian's python3 with python3-pil, and exiftool (scripts/install-deps.sh test).
# The output is the same on every run with the same Pillow and exiftool versions.
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir=$1
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in /usr/bin/python3 exiftool; do
  if ! command -v "$tool" >/dev/null; then
    echo "make-samples: $tool not found; run scripts/install-deps.sh test" >&2
    exit 1
  fi
done
mkdir -p "$outdir/holiday"

# Draws the pictures and their thumbnails. Arguments: OUTDIR, then one
# "name:stored-width:stored-height:orientation:seed:grain:quality" per file.
/usr/bin/python3 - "$root/tests/fixtures" "$outdir" \
  "IMG 0001 (1).JPG:1600:1200:1:11:10:90" \
  "IMG_0002.JPG:1600:1200:6:12:10:90" \
  "holiday/beach day.jpeg:1200:900:6:13:10:88" \
  "holiday/Sunset Pier.JPEG:1200:900:8:14:10:88" \
  "camera-4000x3000.jpg:4000:3000:1:15:24:92" \
  "camera-4000x3000-orientation-6.jpg:4000:3000:6:15:24:92" <<'EOF'
import os
import sys

sys.path.insert(0, sys.argv[1])
from PIL import Image  # noqa: E402
from scene import draw_scene  # noqa: E402

# Transpose that turns an upright picture into what a camera stores when it
# tags the file with this orientation (the display applies the inverse).
STORED = {1: None, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}

outdir = sys.argv[2]
for spec in sys.argv[3:]:
    name, width, height, orientation, seed, grain, quality = spec.rsplit(":", 6)
    width, height, orientation = int(width), int(height), int(orientation)
    upright_size = (width, height) if orientation == 1 else (height, width)
    picture = draw_scene(*upright_size, seed=int(seed), grain=int(grain))
    if STORED[orientation] is not None:
        picture = picture.transpose(STORED[orientation])
    path = os.path.join(outdir, name)
    picture.save(path, "JPEG", quality=int(quality))
    thumbnail = picture.copy()
    thumbnail.thumbnail((160, 160))
    thumbnail.save(path + ".thumb", "JPEG", quality=75)
EOF

# Adds the metadata a phone or camera writes, with the orientation each file needs.
tag() {
  local file=$1 orientation=$2
  exiftool -q -q -overwrite_original -n \
    -EXIF:Make=ExampleCam -EXIF:Model="ExampleCam X100" -EXIF:SerialNumber=SN-4711-0815 \
    -EXIF:LensSerialNumber=LENS-99887766 -EXIF:Artist="Jane Q. Photographer" \
    -EXIF:OwnerName="Jane Q. Owner" -EXIF:Copyright="(c) Jane Q. Photographer" \
    -EXIF:DateTimeOriginal="2026:06:01 10:20:30" -EXIF:Software="ExampleCam Firmware 1.2.3" \
    -EXIF:GPSLatitude=48.8583 -EXIF:GPSLatitudeRef=N -EXIF:GPSLongitude=2.2945 -EXIF:GPSLongitudeRef=E \
    -EXIF:GPSAltitude=35 -EXIF:GPSAltitudeRef=0 -MakerNoteUnknownText="BodySerial=SN-4711-0815" \
    -EXIF:Orientation="$orientation" "-ThumbnailImage<=$file.thumb" \
    -XMP-dc:Creator="Jane Q. Photographer" -XMP-exif:GPSLatitude=48.8583 -XMP-exif:GPSLongitude=2.2945 \
    -XMP-aux:SerialNumber=SN-4711-0815 -IPTC:By-line="Jane Q. Photographer" -IPTC:City=Paris \
    -IPTC:Keywords=holiday -IPTC:CodedCharacterSet=UTF8 -Comment="taken at home by Jane" \
    "$file"
  rm -f "$file.thumb"
}
tag "$outdir/IMG 0001 (1).JPG" 1
tag "$outdir/IMG_0002.JPG" 6
tag "$outdir/holiday/beach day.jpeg" 6
tag "$outdir/holiday/Sunset Pier.JPEG" 8
tag "$outdir/camera-4000x3000.jpg" 1
tag "$outdir/camera-4000x3000-orientation-6.jpg" 6

echo "make-samples: wrote 6 photos to $outdir"
