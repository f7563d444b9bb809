// Oracles for the corpus tests. libjpeg-turbo and exiftool are the references;
// the marker walk here is deliberately small and separate from src/jpeg.
#include "oracles.h"

#include <turbojpeg.h>
#include <cstdio>  // jpeglib.h needs FILE
#include <jpeglib.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace exifscrub::corpus {
namespace {

struct TjHandleDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjHandleDeleter>;


// libjpeg reports fatal errors through error_exit, which must not return, so
// it jumps back to decode_into(); warnings (level -1) are only counted.
struct DecodeErrors {
  jpeg_error_mgr manager{};
  std::jmp_buf jump{};
  int warnings = 0;
  char message[JMSG_LENGTH_MAX] = {};
  char first_warning[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void exit_on_error(j_common_ptr info) {
  auto* errors = reinterpret_cast<DecodeErrors*>(info->err);
  (*info->err->format_message)(info, errors->message);
  std::longjmp(errors->jump, 1);
}

void count_warning(j_common_ptr info, int level) {
  auto* errors = reinterpret_cast<DecodeErrors*>(info->err);
  if (level < 0 && errors->warnings++ == 0) (*info->err->format_message)(info, errors->first_warning);
}

// Decodes with the libjpeg API rather than TurboJPEG's tjDecompress2, because
// tjDecompressHeader3 in libjpeg-turbo 2.1 rejects sampling factors outside
// its fixed list, which valid files use. Nothing between setjmp and a jump
// owns a destructor-bearing local, so longjmp skips no cleanup.
bool decode_into(Bytes jpeg, Decoded& decoded, DecodeErrors& errors) {
  jpeg_decompress_struct info{};
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = exit_on_error;
  errors.manager.emit_message = count_warning;
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, jpeg.data(), static_cast<unsigned long>(jpeg.size()));
  jpeg_read_header(&info, TRUE);
  jpeg_start_decompress(&info);

  decoded.width = static_cast<int>(info.output_width);
  decoded.height = static_cast<int>(info.output_height);
  decoded.pixel_format = static_cast<int>(info.out_color_space);
  const std::size_t row_size = std::size_t{info.output_width} * static_cast<std::size_t>(info.output_components);
  decoded.pixels.resize(row_size * info.output_height);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = decoded.pixels.data() + row_size * info.output_scanline;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

std::string hex_byte(std::uint8_t value) {
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%02X", value);
  return text.data();
}

bool payload_starts_with(Bytes jpeg, std::size_t segment_start, std::size_t length, std::string_view id) {
  const std::size_t payload = segment_start + 4;
  if (length < 2 + id.size() || payload + id.size() > jpeg.size()) return false;
  return std::memcmp(jpeg.data() + payload, id.data(), id.size()) == 0;
}

// Judges one header segment against the keep-list. Returns a problem or "".
std::string judge_segment(Bytes jpeg, std::size_t at, std::uint8_t code, std::size_t length, bool between_scans) {
  const std::string where = "offset " + std::to_string(at) + ": FF" + hex_byte(code);
  const bool is_app = code >= 0xE0 && code <= 0xEF;
  if (code == 0xFE) return where + " COM segment";
  if (is_app && between_scans) return where + " APPn segment between scans";
  if (code == 0xE0) {
    if (!payload_starts_with(jpeg, at, length, std::string_view("JFIF\0", 5))) return where + " APP0 that is not JFIF";
    if (length != 16) return where + " JFIF APP0 of length " + std::to_string(length) + " carries a thumbnail";
    return {};
  }
  if (code == 0xE2) {
    return payload_starts_with(jpeg, at, length, std::string_view("ICC_PROFILE\0", 12))
               ? std::string{} : where + " APP2 that is not ICC_PROFILE";
  }
  if (code == 0xEE) {
    return payload_starts_with(jpeg, at, length, "Adobe") ? std::string{} : where + " APP14 that is not Adobe";
  }
  if (is_app) return where + " APPn segment";
  return {};
}

// Skips entropy-coded data from `at`; returns the offset of the marker that ends the scan.
std::size_t skip_scan(Bytes jpeg, std::size_t at) {
  while (at + 1 < jpeg.size()) {
    if (jpeg[at] == 0xFF) {
      const std::uint8_t next = jpeg[at + 1];
      if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) return at;
    }
    ++at;
  }
  return jpeg.size();
}

}  // namespace

std::optional<Decoded> decode(Bytes jpeg, bool stop_on_warning, std::string& error) {
  Decoded decoded;
  DecodeErrors errors;
  if (!decode_into(jpeg, decoded, errors)) {
    error = errors.message;
    return std::nullopt;
  }
  if (errors.warnings > 0) {
    if (stop_on_warning) {
      error = errors.first_warning;
      return std::nullopt;
    }
    decoded.warning = true;
    decoded.message = errors.first_warning;
  }
  return decoded;
}

int transform_op_for_orientation(int orientation) {
  switch (orientation) {
    case 2: return TJXOP_HFLIP;
    case 3: return TJXOP_ROT180;
    case 4: return TJXOP_VFLIP;
    case 5: return TJXOP_TRANSPOSE;
    case 6: return TJXOP_ROT90;
    case 7: return TJXOP_TRANSVERSE;
    case 8: return TJXOP_ROT270;
    default: return TJXOP_NONE;
  }
}

std::optional<std::vector<std::uint8_t>> reference_transform(Bytes jpeg, int op, std::string& error) {
  TjHandle handle(tjInitTransform());
  tjtransform transform{};
  transform.op = op;
  transform.options = TJXOPT_TRIM;
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  if (tjTransform(handle.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), 1, &out, &out_size,
                  &transform, 0) != 0) {
    error = tjGetErrorStr2(handle.get());
    tjFree(out);
    return std::nullopt;
  }
  std::vector<std::uint8_t> result(out, out + out_size);
  tjFree(out);
  return result;
}

std::vector<std::string> find_forbidden_structure(Bytes jpeg) {
  std::vector<std::string> problems;
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return {"output does not start with SOI"};

  std::size_t at = 2;
  bool seen_scan = false;
  while (at + 1 < jpeg.size()) {
    if (jpeg[at] != 0xFF) {
      problems.push_back("offset " + std::to_string(at) + ": expected a marker");
      return problems;
    }
    const std::uint8_t code = jpeg[at + 1];
    if (code == 0xFF) { ++at; continue; }  // fill byte
    if (code == 0xD9) {
      if (at + 2 != jpeg.size()) {
        problems.push_back(std::to_string(jpeg.size() - at - 2) + " bytes after EOI at offset " + std::to_string(at));
      }
      return problems;
    }
    if (at + 4 > jpeg.size()) break;
    const std::size_t length = static_cast<std::size_t>(jpeg[at + 2]) << 8 | jpeg[at + 3];
    if (std::string problem = judge_segment(jpeg, at, code, length, seen_scan); !problem.empty()) {
      problems.push_back(problem);
    }
    at += 2 + length;
    if (code == 0xDA) {
      seen_scan = true;
      at = skip_scan(jpeg, at);
    }
  }
  problems.push_back("output ends without EOI");
  return problems;
}

std::optional<nlohmann::json> run_exiftool(const std::vector<std::filesystem::path>& files,
                                           const std::vector<std::string>& extra_args, std::string& error) {
  // The file names go through an argument file, so no shell parses them.
  const auto args_path = std::filesystem::temp_directory_path() / ("exifscrub-corpus-args-" +
                                                                   std::to_string(::getpid()) + ".txt");
  {
    std::ofstream args(args_path);
    for (const auto& arg : extra_args) args << arg << '\n';
    for (const auto& file : files) args << file.string() << '\n';
  }
  const std::string command = "exiftool -j -G1 -a -u -charset filename=utf8 -@ '" + args_path.string() + "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    error = "could not start exiftool";
    return std::nullopt;
  }
  std::string output;
  std::array<char, 65536> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  std::filesystem::remove(args_path);
  // exiftool exits with 1 when some file had an error; the JSON still lists every file.
  if (output.empty()) {
    error = "exiftool printed nothing (exit status " + std::to_string(status) + "); is libimage-exiftool-perl installed?";
    return std::nullopt;
  }
  auto parsed = nlohmann::json::parse(output, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    error = "exiftool output is not a JSON array";
    return std::nullopt;
  }
  return parsed;
}

std::vector<std::string> find_leftover_tags(const nlohmann::json& object) {
  static const std::vector<std::string> kAllowedGroups = {"System", "File", "JFIF", "Adobe", "Composite"};
  static const std::vector<std::string> kForbiddenTags = {"File:Comment", "File:ExifByteOrder",
                                                          "File:CurrentIPTCDigest"};
  std::vector<std::string> leftovers;
  for (const auto& [key, value] : object.items()) {
    const auto colon = key.find(':');
    if (colon == std::string::npos) continue;  // SourceFile
    const std::string group = key.substr(0, colon);
    const bool allowed_group = group.rfind("ICC", 0) == 0 ||
                               std::find(kAllowedGroups.begin(), kAllowedGroups.end(), group) != kAllowedGroups.end();
    const bool forbidden = std::find(kForbiddenTags.begin(), kForbiddenTags.end(), key) != kForbiddenTags.end() ||
                           key.find("Thumbnail") != std::string::npos || key.find("Preview") != std::string::npos;
    if (key == "ExifTool:ExifToolVersion") continue;
    if (!allowed_group || forbidden) leftovers.push_back(key);
  }
  return leftovers;
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, Bytes bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace exifscrub::corpus
