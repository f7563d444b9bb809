#!/usr/bin/python3
"""Print the demo's before/after table: what exiftool finds in A and in B per photo.

Reads the downloaded copies SOURCE_DIR/KEY (bucket A) and DEST_DIR/KEY
(bucket B) with one exiftool run over all files, and the bootstrap's JSON log
for the outcome of keys that are missing in B. Prints metadata categories,
never metadata values.

Usage: demo_table.py SOURCE_DIR DEST_DIR LAMBDA_LOG KEY...
Exits 1 when a photo is missing in B, still carries metadata there, or does
not display upright.
"""

import json
import os
import subprocess
import sys

# Category shown in the table -> test on one exiftool "Group:Tag" name (-G1).
# Groups a scrubbed file may keep: file facts, JFIF, ICC profile, Adobe APP14, derived values.
ALLOWED_GROUPS = {"ExifTool", "System", "File", "JFIF", "Adobe", "Composite"}
OWNER_TAGS = {"OwnerName", "CameraOwnerName", "Artist", "Creator", "By-line", "Copyright",
              "CopyrightNotice", "Rights"}


def categories(tags):
    """Returns the demo's categories present in one file's exiftool output."""
    names = [name.split(":", 1) for name in tags if ":" in name]
    found = []
    checks = [
        ("GPS", lambda g, t: g == "GPS"),
        ("serial", lambda g, t: "SerialNumber" in t),
        ("owner", lambda g, t: t in OWNER_TAGS),
        ("XMP", lambda g, t: g.startswith("XMP")),
        ("IPTC", lambda g, t: g == "IPTC"),
        ("comment", lambda g, t: t in ("Comment", "UserComment")),
        ("thumbnail", lambda g, t: t in ("ThumbnailImage", "ThumbnailOffset", "ThumbnailTIFF")),
        ("makernote", lambda g, t: g.startswith("MakerNotes") or t.startswith("MakerNote")),
    ]
    for label, check in checks:
        if any(check(group, tag) for group, tag in names):
            found.append(label)
    # Tags that no category above covers and a scrubbed file must not have (Make, Model ...).
    other = [(g, t) for g, t in names
             if g not in ALLOWED_GROUPS and not g.startswith("ICC")
             and not any(check(g, t) for _, check in checks) and t != "Orientation"]
    if other:
        found.append(f"{len(other)} other tags")
    orientation = tags.get("IFD0:Orientation")
    if orientation is not None:
        found.append(f"orientation={orientation}")
    return found


def read_tags(paths):
    """Runs exiftool once over every path; returns {path: {Group:Tag: value}}."""
    existing = [p for p in paths if os.path.exists(p)]
    if not existing:
        return {}
    result = subprocess.run(["exiftool", "-j", "-n", "-G1", "-a", "-u", *existing],
                            capture_output=True, text=True, timeout=600)
    if not result.stdout:
        sys.exit(f"demo_table: exiftool failed ({result.returncode}): {result.stderr[-1000:]}")
    return {entry["SourceFile"]: entry for entry in json.loads(result.stdout)}


def read_outcomes(log_path):
    """Returns {key: (outcome, error_kind)} from the bootstrap's last line per key."""
    outcomes = {}
    if not os.path.exists(log_path):
        return outcomes
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "key" in record and "outcome" in record:
                outcomes[record["key"]] = (record["outcome"], record.get("error_kind") or "")
    return outcomes


def human_size(size):
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024.0
    return str(size)


def upright_check(source, dest):
    """Returns (ok, text): B has no orientation tag and A's orientation is applied."""
    orientation = int(source.get("IFD0:Orientation", 1) or 1)
    width, height = source.get("File:ImageWidth"), source.get("File:ImageHeight")
    expected = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    actual = (dest.get("File:ImageWidth"), dest.get("File:ImageHeight"))
    if "IFD0:Orientation" in dest:
        return False, "NO: orientation tag left"
    if actual == expected:
        return True, f"yes {actual[0]}x{actual[1]}"
    # A lossless rotation cannot move a partial MCU (8 or 16 pixels) at the right or bottom
    # edge, so it trims that MCU. Any other difference is wrong.
    trimmed = all(0 <= e - a < 16 and a % 8 == 0 for a, e in zip(actual, expected)
                  if a is not None and e is not None)
    if trimmed and None not in actual:
        lost = [f"{count} {unit}" for count, unit in ((expected[0] - actual[0], "columns"),
                                                      (expected[1] - actual[1], "rows")) if count]
        return True, f"yes {actual[0]}x{actual[1]} (lossless, edge trimmed: {', '.join(lost)})"
    return False, f"NO: {actual[0]}x{actual[1]}, expected {expected[0]}x{expected[1]}"


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: demo_table.py SOURCE_DIR DEST_DIR LAMBDA_LOG KEY...")
    source_dir, dest_dir, log_path, keys = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    source_paths = {key: os.path.join(source_dir, key) for key in keys}
    dest_paths = {key: os.path.join(dest_dir, key) for key in keys}
    tags = read_tags(list(source_paths.values()) + list(dest_paths.values()))
    outcomes = read_outcomes(log_path)

    rows = [("KEY", "FOUND IN A (exiftool)", "LEFT IN B", "SIZE A -> B", "UPRIGHT IN B")]
    bad_keys = []
    for key in keys:
        source = tags.get(source_paths[key], {})
        found = " ".join(categories(source)) or "nothing"
        size_a = human_size(os.path.getsize(source_paths[key]))
        if dest_paths[key] not in tags:
            outcome, kind = outcomes.get(key, ("no log line", ""))
            reason = " ".join(part for part in (outcome, kind) if part)
            rows.append((key, found, f"MISSING ({reason})", size_a, "-"))
            bad_keys.append(key)
            continue
        dest = tags[dest_paths[key]]
        left = categories(dest)
        ok, upright = upright_check(source, dest)
        if left or not ok:
            bad_keys.append(key)
        size_b = human_size(os.path.getsize(dest_paths[key]))
        rows.append((key, found, " ".join(left) or "none", f"{size_a} -> {size_b}", upright))

    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print()
    print(f"{len(keys) - len(bad_keys)} of {len(keys)} photos are in B, clean and upright")
    return 1 if bad_keys else 0


if __name__ == "__main__":
    sys.exit(main())
