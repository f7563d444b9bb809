// Helpers for the CLI tests: scratch folders, running the built exifscrub
// binary, and making tagged JPEGs with cjpeg and exiftool.
//
// The binary path comes from the EXIFSCRUB_BINARY compile definition. Tests
// that need cjpeg, jpegtran or exiftool skip with a message when one is
// missing.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace exifscrub::cli::testing {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

// A scratch folder, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("cli_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), {});
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

inline void write_bytes(const fs::path& path, const Bytes& bytes) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// Runs a shell command and returns its exit status (-1 when it did not exit).
inline int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

inline bool tool_missing(const std::string& tool) {
  return run_shell("command -v " + tool + " >/dev/null 2>&1") != 0;
}

struct RunResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs exifscrub with `args` in folder `cwd`, standard input from
// `stdin_path` (or /dev/null) and `environment` (such as "A=1 ") prefixed.
inline RunResult run_exifscrub(const std::vector<std::string>& args, const fs::path& cwd,
                               const std::string& stdin_path = "/dev/null",
                               const std::string& environment = "",
                               const std::string& binary = EXIFSCRUB_BINARY) {
  const fs::path out = cwd / ".stdout";
  const fs::path err = cwd / ".stderr";
  std::string command = "cd " + quote(cwd.string()) + " && " + environment + quote(binary);
  for (const auto& arg : args) command += " " + quote(arg);
  command += " < " + quote(stdin_path) + " > " + quote(out.string()) + " 2> " + quote(err.string());
  RunResult result;
  result.exit_code = run_shell(command);
  result.out = read_text(out);
  result.err = read_text(err);
  fs::remove(out);
  fs::remove(err);
  return result;
}

// Writes a 67x45 colour gradient as a PPM and compresses it with cjpeg
// (4:2:0, so 16x16 MCUs leave partial blocks on both edges).
inline void make_jpeg(const fs::path& path, int width = 67, int height = 45) {
  const fs::path ppm = path.string() + ".ppm";
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  {
    std::ofstream out(ppm, std::ios::binary);
    out << "P6\n" << width << " " << height << "\n255\n";
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        out.put(static_cast<char>(x * 255 / width));
        out.put(static_cast<char>(y * 255 / height));
        out.put(static_cast<char>((x + y) * 7 % 256));
      }
    }
  }
  ASSERT_EQ(run_shell("cjpeg -quality 90 -outfile " + quote(path.string()) + " " +
                      quote(ppm.string())), 0);
  fs::remove(ppm);
}

// A minimal but valid ICC profile (header, one 'cprt' text tag) that exiftool
// reads without warnings.
inline Bytes make_icc_profile() {
  Bytes profile(128, 0);
  const auto put32 = [&profile](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) profile[at + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(v >> (24 - 8 * i));
  };
  const auto put_text = [&profile](std::size_t at, const char* text) {
    for (std::size_t i = 0; i < 4; ++i) profile[at + i] = static_cast<std::uint8_t>(text[i]);
  };
  put32(0, 156);
  put_text(4, "none");
  put32(8, 0x02100000);
  put_text(12, "mntr");
  put_text(16, "RGB ");
  put_text(20, "XYZ ");
  put_text(36, "acsp");
  profile.resize(156, 0);
  put32(128, 1);
  put_text(132, "cprt");
  put32(136, 144);
  put32(140, 12);
  put_text(144, "text");
  put_text(152, "none");
  return profile;
}

// Adds every kind of identifying metadata that exiftool can write to a JPEG:
// GPS, serial number, owner, XMP, IPTC, a comment, an EXIF thumbnail, an ICC
// profile and orientation 6 (rotate 90 degrees clockwise to display).
inline void tag_everything(const fs::path& path) {
  const fs::path thumbnail = path.string() + ".thumb.jpg";
  make_jpeg(thumbnail, 16, 12);
  const fs::path icc = path.string() + ".icc";
  write_bytes(icc, make_icc_profile());
  const std::string command =
      "exiftool -q -overwrite_original -n -GPSLatitude=48.8584 -GPSLatitudeRef=N "
      "-GPSLongitude=2.2945 -GPSLongitudeRef=E -SerialNumber=SN-0042 -OwnerName='Jane Doe' "
      "-Make=Acme -Model='Acme One' -XMP:Creator='Jane Doe' -IPTC:By-line='Jane Doe' "
      "-Comment='private comment' -Orientation=6 "
      "'-ThumbnailImage<=" + thumbnail.string() + "' '-ICC_Profile<=" + icc.string() + "' " +
      quote(path.string());
  ASSERT_EQ(run_shell(command), 0) << command;
  fs::remove(thumbnail);
  fs::remove(icc);
}

// exiftool's view of a file: group-prefixed tag names ("EXIF:Orientation")
// mapped to values, from `exiftool -j -G0 -a -u`.
inline nlohmann::json exiftool_tags(const fs::path& path) {
  const fs::path json = path.string() + ".json";
  const std::string command = "exiftool -j -G0 -a -u -n " + quote(path.string()) + " > " +
                              quote(json.string());
  EXPECT_EQ(run_shell(command), 0) << command;
  const auto parsed = nlohmann::json::parse(read_text(json));
  fs::remove(json);
  return parsed.at(0);
}

// Tags outside the groups a scrubbed file may have: File, JFIF, ICC_Profile,
// Adobe, Composite, and exiftool's own version.
inline std::set<std::string> unexpected_tags(const nlohmann::json& tags,
                                             const std::set<std::string>& extra_allowed = {}) {
  static const std::set<std::string> allowed_groups = {"File", "JFIF", "ICC_Profile", "Adobe",
                                                       "Composite"};
  std::set<std::string> unexpected;
  for (const auto& [key, value] : tags.items()) {
    if (key == "SourceFile" || key == "ExifTool:ExifToolVersion") continue;
    if (extra_allowed.count(key) != 0) continue;
    const auto colon = key.find(':');
    if (colon == std::string::npos || allowed_groups.count(key.substr(0, colon)) == 0) {
      unexpected.insert(key);
    }
  }
  return unexpected;
}

// Names of the entries of a folder tree, relative and sorted, folders with a
// trailing "/".
inline std::vector<std::string> list_tree(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string name = fs::relative(entry.path(), root).generic_string();
    if (entry.is_directory() && !entry.is_symlink()) name += "/";
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace exifscrub::cli::testing
