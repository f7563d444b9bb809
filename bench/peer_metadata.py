#!/usr/bin/python3
"""Compare what metadata exifscrub and other tools leave in a JPEG.

Usage: peer_metadata.py EXIFSCRUB_BINARY FIXTURE_DIR WORK_DIR

Runs each tool on a set of generated fixtures (tests/fixtures/generate.py)
and prints a Markdown table: one row per kind of metadata, one column per
tool, each cell naming the fixtures whose output still carries it. Evidence
comes from exiftool's reading of the output and from a marker walk of its
own, because exiftool does not look between scans or after EOI. The secret
strings come from the fixture generator (serial SN-4711-0815, owner
"Jane Q.", MakerNote "BodySerial="). Does not time anything.
"""

import json
import os
import shutil
import subprocess
import sys

FIXTURES = ["rich.jpg", "extended_xmp.jpg", "mpf_second_image_gps.jpg", "progressive_meta_between_scans.jpg",
            "trailer_video.jpg", "jfif_thumbnail.jpg", "jfxx_thumbnail.jpg", "vendor_appn.jpg",
            "icc_multichunk.jpg", "adobe_cmyk.jpg", "orientation_6.jpg"]


def tools(exifscrub: str):
    """Return (name, command builder); a builder maps (input, output) to argv, copying first for in-place tools."""
    def in_place(argv):
        def build(src, dst):
            shutil.copyfile(src, dst)
            return argv + [dst]
        return build
    return [
        ("exifscrub", lambda src, dst: [exifscrub, "strip", src, "-o", dst]),
        ("jhead -purejpg", in_place(["jhead", "-q", "-purejpg"])),
        ("exiftool -all=", lambda src, dst: ["exiftool", "-q", "-all=", "-o", dst, src]),
        ("exiv2 rm", in_place(["exiv2", "rm"])),
        ("jpegtran -copy none", lambda src, dst: ["jpegtran", "-copy", "none", "-outfile", dst, src]),
    ]


def walk(data: bytes):
    """Return (segments, trailer_bytes): segments are (marker, payload_prefix, after_first_scan)."""
    segments, pos, scans = [], 2, 0
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            return segments, 0
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            return segments, len(data) - pos - 2
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        segments.append((marker, data[pos + 4 : pos + 4 + 40], scans > 0))
        pos += 2 + length
        if marker == 0xDA:
            scans += 1
            while pos + 1 < len(data) and not (data[pos] == 0xFF and data[pos + 1] not in (0x00, 0xFF)
                                               and not 0xD0 <= data[pos + 1] <= 0xD7):
                pos += 1
    return segments, 0


def findings(data: bytes, tags: dict):
    """Return the set of metadata kinds present in one output."""
    keys = [k for k in tags if ":" in k]
    segments, trailer = walk(data)
    found = set()
    if any(k.startswith("GPS:") or k.startswith("XMP-exif:GPS") for k in keys):
        found.add("GPS position")
    if b"SN-4711-0815" in data or b"LENS-99887766" in data:
        found.add("serial numbers")
    if b"Jane Q." in data:
        found.add("owner / artist name")
    if b"BodySerial=" in data:
        found.add("MakerNote")
    if any(k.startswith(("IFD0:", "ExifIFD:")) for k in keys):
        found.add("EXIF (primary image)")
    if "IFD0:Orientation" in keys:
        found.add("Orientation tag")
    if "IFD1:ThumbnailImage" in keys:
        found.add("EXIF thumbnail")
    if any(k in ("JFIF:ThumbnailTIFF", "JFXX:ThumbnailImage") for k in keys):
        found.add("JFIF/JFXX thumbnail")
    if b"http://ns.adobe.com/xap/1.0/" in data or b"x:xmpmeta" in data:
        found.add("XMP")
    if b"http://ns.adobe.com/xmp/extension/" in data:
        found.add("Extended XMP")
    if any(k.startswith("IPTC:") for k in keys) or b"Photoshop 3.0" in data:
        found.add("IPTC / Photoshop APP13")
    if any(marker == 0xFE for marker, _, _ in segments):
        found.add("COM comment")
    if any(between and (marker == 0xFE or 0xE0 <= marker <= 0xEF) for marker, _, between in segments):
        found.add("APPn/COM between scans")
    if any(marker in (0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xEF) for marker, _, _ in segments):
        found.add("vendor APPn (APP3-APP12, APP15)")
    if any(marker == 0xE2 and payload.startswith(b"MPF\0") for marker, payload, _ in segments):
        found.add("MPF index")
    if trailer:
        found.add("data after EOI (second image, video)")
    return found


ROWS = ["GPS position", "serial numbers", "owner / artist name", "MakerNote", "EXIF (primary image)",
        "Orientation tag", "EXIF thumbnail", "JFIF/JFXX thumbnail", "XMP", "Extended XMP",
        "IPTC / Photoshop APP13", "COM comment", "APPn/COM between scans", "vendor APPn (APP3-APP12, APP15)",
        "MPF index", "data after EOI (second image, video)"]


def exiftool_tags(paths):
    if not paths:
        return {}
    result = subprocess.run(["exiftool", "-j", "-G1", "-a", "-u", *paths], capture_output=True, text=True)
    return {item["SourceFile"]: item for item in json.loads(result.stdout or "[]")}


def run_tool(build, src, dst):
    argv = build(src, dst)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not os.path.exists(dst):
        return f"exit {result.returncode}"
    return None


def orientation_result(data: bytes, tags: dict) -> str:
    """Describe how orientation_6.jpg (stored 64x48, tagged 6) displays after the tool ran."""
    width, height = tags.get("File:ImageWidth"), tags.get("File:ImageHeight")
    tagged = "IFD0:Orientation" in tags
    if (width, height) == (48, 64) and not tagged:
        return "upright (pixels rotated)"
    if (width, height) == (64, 48) and tagged:
        return "upright (tag kept)"
    return "sideways (tag removed, pixels not rotated)"


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit("usage: peer_metadata.py EXIFSCRUB_BINARY FIXTURE_DIR WORK_DIR")
    exifscrub, fixture_dir, work_dir = sys.argv[1:]
    os.makedirs(work_dir, exist_ok=True)

    table = {}      # tool -> row -> [fixture]
    failures = {}   # tool -> [fixture: reason]
    extra = {}      # tool -> {"icc": ..., "orientation": ...}
    for tool_index, (name, build) in enumerate(tools(exifscrub)):
        outputs = {}
        for fixture in FIXTURES:
            dst = os.path.join(work_dir, f"{tool_index}-{fixture}")
            if os.path.exists(dst):
                os.remove(dst)
            failure = run_tool(build, os.path.join(fixture_dir, fixture), dst)
            if failure:
                failures.setdefault(name, []).append(f"{fixture}: {failure}")
            else:
                outputs[fixture] = dst
        tags = exiftool_tags(list(outputs.values()))
        rows = {row: [] for row in ROWS}
        for fixture, path in outputs.items():
            with open(path, "rb") as f:
                data = f.read()
            for kind in findings(data, tags.get(path, {})):
                rows[kind].append(fixture)
        table[name] = rows
        icc_path = outputs.get("icc_multichunk.jpg")
        orientation_path = outputs.get("orientation_6.jpg")
        extra[name] = {
            "icc": ("kept" if icc_path and "ICC-header:ProfileVersion" in tags.get(icc_path, {}) else "removed"),
            "orientation": (orientation_result(open(orientation_path, "rb").read(), tags.get(orientation_path, {}))
                            if orientation_path else "failed"),
        }
    print_table(table, failures, extra)


def print_table(table, failures, extra) -> None:
    names = list(table)
    print("| Left in the output | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for row in ROWS:
        cells = []
        for name in names:
            fixtures = table[name][row]
            cell = "removed" if not fixtures else "**left**: " + ", ".join(f.removesuffix(".jpg") for f in fixtures)
            if name in failures:
                cell += f" ({len(failures[name])} fixtures failed)"
            cells.append(cell)
        print(f"| {row} | " + " | ".join(cells) + " |")
    print("| ICC profile (should be kept) | " + " | ".join(extra[n]["icc"] for n in names) + " |")
    print("| orientation 6 photo displays | " + " | ".join(extra[n]["orientation"] for n in names) + " |")
    for name, items in failures.items():
        print(f"\n{name} failed on: " + "; ".join(items))


if __name__ == "__main__":
    main()
