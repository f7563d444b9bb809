#include "cli/help.h"

#ifndef EXIFSCRUB_VERSION
#define EXIFSCRUB_VERSION "unknown"
#endif

namespace exifscrub::cli {

std::string_view main_help() {
  return R"(usage: exifscrub <command> [options]

Removes identifying metadata from JPEG photos without re-encoding them: EXIF
(GPS position, camera serial numbers, owner names, thumbnails, MakerNotes),
XMP, IPTC, comments, vendor APPn segments and data after the image. Keeps
JFIF (without thumbnail), the ICC colour profile, the Adobe segment and what
decoders need. Rejects files it does not fully understand and never writes
partial output.

Commands:
  strip     write scrubbed copies of files or folders
  inspect   list the segments of a file and what strip would do to each

Options:
  -h, --help     show this help; 'exifscrub COMMAND --help' shows a command's
  -V, --version  show the version

Exit codes:
  0  success
  1  at least one input was rejected (the message names the file, the byte
     offset, the marker and the fix)
  2  usage error: invalid command line, nothing was read or written
  3  I/O error: an input could not be read or an output not written

When invoked as 'bootstrap', or with AWS_LAMBDA_RUNTIME_API set and no
arguments, the binary runs as an AWS Lambda custom runtime.
)";
}

std::string_view strip_help() {
  return R"(usage: exifscrub strip INPUT... -o OUTPUT [options]

Writes a scrubbed copy of each INPUT. Image data is copied as it is; only
portrait photos are rotated, losslessly in the DCT domain.

  INPUT   a JPEG file, a folder, - for standard input, or an S3 object
          s3://BUCKET/KEY or prefix s3://BUCKET/PREFIX/
  OUTPUT  a file, a folder, - for standard output, or s3://BUCKET/KEY or
          s3://BUCKET/PREFIX/

One file goes to OUTPUT, or into OUTPUT when it is an existing folder or ends
with '/'. A folder is mirrored into OUTPUT recursively with the same relative
paths: files ending in .jpg or .jpeg (any case) are scrubbed, other files are
skipped with a notice, and symbolic links are not followed. Several INPUTs go
into the folder OUTPUT. Each output is written to a temporary file in its
folder, flushed to disk and renamed into place, so a rejected input leaves no
output and no temporary file. An existing output file is replaced.

With S3 locations there is one INPUT. A prefix (ending in '/') scrubs every
key ending in .jpg or .jpeg (any case) under it to the same relative key under
the output prefix or folder; a local folder goes to an output prefix the same
way. S3 writes are single uploads with a checksum, or multipart uploads that
are aborted on failure, so no partial object is left. Credentials, region and
endpoint come from the AWS environment variables and shared files
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE,
AWS_REGION, AWS_ENDPOINT_URL). A progress bar is shown on a terminal, and a
summary closes the run.

Options:
  -o, --output OUTPUT   where to write (required)
  --orientation MODE    what to do with the EXIF orientation (default: apply)
                          apply     rotate or flip losslessly so the image
                                    displays upright; partial edge blocks
                                    are trimmed (up to 15 pixels on an
                                    edge for 4:2:0 photos)
                          keep-tag  keep only the Orientation tag in a fresh
                                    EXIF segment, pixels untouched
                          drop      drop the tag; portrait photos may then
                                    display sideways
  --drop-icc            also remove the ICC colour profile (colours of wide-
                        gamut photos shift)
  --max-pixels N        reject images above N pixels (width x height) when a
                        rotation is needed (default: 100000000)
  --quiet               print only errors, not the per-file summaries
  --json                print one JSON report on standard output (on standard
                        error when the image goes to standard output) instead
                        of the per-file summaries
  -j, --jobs N          objects processed at once with S3 locations (1 to 64,
                        default: 4)
  --no-fsync            do not flush each written file and its folder to disk
                        before and after the rename (faster; after a power
                        loss a new file may be empty or missing, so keep the
                        originals when using it)
  -h, --help            show this help

Each scrubbed file gets one summary line on standard error: the removed
segment kinds and bytes, the orientation and any trimmed pixels.

Examples:
  exifscrub strip IMG_0001.jpg -o clean.jpg
  exifscrub strip photos/ -o clean/
  exifscrub strip - -o - < in.jpg > out.jpg
  exifscrub strip s3://uploads/2024/ -o s3://public/2024/ --jobs 8

Exit codes: 0 success, 1 an input was rejected, 2 usage error, 3 I/O error
(including S3 errors).
)";
}

std::string_view inspect_help() {
  return R"(usage: exifscrub inspect FILE [options]

Lists every segment of FILE (or of standard input for -) with its byte offset,
marker, size, and whether strip would keep, rewrite or remove it, and why.
Reads only; writes nothing.

Options:
  --orientation MODE  as for strip: apply, keep-tag or drop (default: apply)
  --drop-icc          show the ICC colour profile as removed
  --max-pixels N      as for strip (default: 100000000)
  --json              print the report as JSON on standard output
  -h, --help          show this help

Exit codes: 0 the file can be scrubbed, 1 it would be rejected, 2 usage
error, 3 I/O error.
)";
}

std::string_view version_text() { return "exifscrub " EXIFSCRUB_VERSION; }

}  // namespace exifscrub::cli
