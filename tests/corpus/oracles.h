// Independent judges of a scrubbed JPEG, used by the corpus tests: libjpeg-turbo
// decodes pixels and applies the reference lossless transform, exiftool lists
// the metadata it still finds, and a small marker walk of its own lists every
// segment that the keep-list does not allow, including segments between scans
// and bytes after EOI that exiftool does not look at.
//
// None of this code shares anything with the library under test except the
// byte span type, so a bug in the library's walker cannot hide itself here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace exifscrub::corpus {

using Bytes = std::span<const std::uint8_t>;

struct Decoded {
  int width = 0;
  int height = 0;
  int pixel_format = 0;              // libjpeg's out_color_space: JCS_RGB, JCS_GRAYSCALE or JCS_CMYK
  std::vector<std::uint8_t> pixels;
  bool warning = false;              // libjpeg-turbo reported a recoverable problem
  std::string message;               // libjpeg-turbo's text for the warning or error
};

// Decodes with libjpeg-turbo's libjpeg API. With stop_on_warning, a warning
// (corrupt data that libjpeg can decode around) fails the decode. Returns
// nullopt with `error` set when decoding fails.
std::optional<Decoded> decode(Bytes jpeg, bool stop_on_warning, std::string& error);

// The tjTransform operation that makes an image tagged with this EXIF
// orientation (1-8) display upright; TJXOP_NONE for 1 and unknown values.
int transform_op_for_orientation(int orientation);

// Applies libjpeg-turbo's lossless transform with TJXOPT_TRIM, the reference for
// the scrubber's orientation path. Returns nullopt with `error` set on failure.
std::optional<std::vector<std::uint8_t>> reference_transform(Bytes jpeg, int op, std::string& error);

// Lists what the keep-list forbids in a scrubbed output: any APPn other than a
// JFIF APP0 without thumbnail, an ICC_PROFILE APP2 or an Adobe APP14; any COM;
// any APPn or COM between scans; anything after EOI; a missing SOI or EOI.
// Each entry names the offset and the marker. Empty means the structure is clean.
std::vector<std::string> find_forbidden_structure(Bytes jpeg);

// Runs `exiftool -j -G1 -a -u` once over all files. Returns the parsed JSON
// array in the order exiftool prints it, or nullopt with `error` set.
std::optional<nlohmann::json> run_exiftool(const std::vector<std::filesystem::path>& files,
                                           const std::vector<std::string>& extra_args, std::string& error);

// Names the "Group:Tag" keys of one exiftool object that a clean file must
// not have: every group except ExifTool (version only), System, File, JFIF,
// ICC*, Adobe and Composite, plus comments, thumbnails, previews and the File
// tags that only EXIF or IPTC produce.
std::vector<std::string> find_leftover_tags(const nlohmann::json& object);

std::vector<std::uint8_t> read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, Bytes bytes);

}  // namespace exifscrub::corpus
