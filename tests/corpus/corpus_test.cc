// Runs the scrubber over every third-party JPEG under EXIFSCRUB_CORPUS_DIR and
// every generated fixture in EXIFSCRUB_FIXTURE_DIR, and judges each result
// with the oracles in oracles.h:
//   - a rejection must be typed, and an input that libjpeg-turbo decodes
//     without a warning must never be rejected;
//   - an accepted output must carry no metadata that exiftool can see outside
//     the kept groups and no forbidden segment anywhere (marker walk);
//   - it must decode to exactly the pixels of libjpeg-turbo's own lossless
//     transform of the input, or of the input itself without an orientation;
//   - it must be a fixed point of the scrubber and equal the stream output.
// Fixtures also carry exact expectations from their manifest.json.
//
// Does not time anything; speed is measured under bench/.
#include <gtest/gtest.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jpeg/error.h"
#include "jpeg/scrub.h"
#include "oracles.h"

namespace exifscrub::corpus {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  std::string name;                    // path relative to the input root
  bool valid_input = false;            // libjpeg-turbo decodes it without a warning
  std::optional<jpeg::Error> rejection;
  std::optional<fs::path> output;      // the scrubbed file, for the exiftool pass
  std::vector<std::string> problems;   // each one fails the test
  std::vector<std::string> leftover_tags;
  bool pixel_mismatch = false;
};

// Reads a folder from the environment, else from the default compiled in by CMake.
std::optional<fs::path> folder_setting(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') value = fallback;
  if (*value == '\0' || !fs::is_directory(value)) return std::nullopt;
  return fs::path(value);
}

std::optional<fs::path> corpus_dir() { return folder_setting("EXIFSCRUB_CORPUS_DIR", EXIFSCRUB_CORPUS_DIR_DEFAULT); }

std::optional<fs::path> fixture_dir() {
  return folder_setting("EXIFSCRUB_FIXTURE_DIR", EXIFSCRUB_FIXTURE_DIR_DEFAULT);
}

fs::path work_dir(const std::string& run_name) {
  const char* value = std::getenv("EXIFSCRUB_CORPUS_WORK_DIR");
  fs::path dir = (value != nullptr && *value != '\0') ? fs::path(value) : fs::path(EXIFSCRUB_CORPUS_WORK_DIR_DEFAULT);
  dir /= run_name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<fs::path> list_files(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Streamed {
  jpeg::Result<std::vector<std::uint8_t>> result;
  bool requires_whole_image = false;
  std::size_t bytes_to_sink = 0;  // also counts bytes sent before an error
};

// Feeds the input in chunks of varying size so that segment, scan and trailer
// boundaries fall at many different places within the chunks.
Streamed scrub_as_stream(Bytes input, const jpeg::ScrubOptions& options) {
  static constexpr std::size_t kChunkSizes[] = {1, 5, 4096, 3, 65536, 17, 1 << 20};
  std::vector<std::uint8_t> output;
  jpeg::StreamScrubber scrubber(options, [&output](Bytes piece) { output.insert(output.end(), piece.begin(), piece.end()); });
  auto finish = [&](jpeg::Status status) {
    Streamed streamed{status.ok() ? jpeg::Result<std::vector<std::uint8_t>>(output)
                                  : jpeg::Result<std::vector<std::uint8_t>>(status.error()),
                      scrubber.requires_whole_image(), output.size()};
    return streamed;
  };

  std::size_t at = 0;
  for (std::size_t i = 0; at < input.size(); ++i) {
    const std::size_t size = std::min(kChunkSizes[i % std::size(kChunkSizes)], input.size() - at);
    if (auto status = scrubber.write(input.subspan(at, size)); !status.ok()) return finish(status);
    at += size;
  }
  return finish(scrubber.finish());
}

std::string describe(const jpeg::Error& error) {
  return std::string(jpeg::error_kind_name(error.kind)) + " at offset " + std::to_string(error.offset) + ": " +
         error.message;
}

bool same_pixels(const Decoded& a, const Decoded& b) {
  return a.width == b.width && a.height == b.height && a.pixel_format == b.pixel_format && a.pixels == b.pixels;
}

// Compares the output's pixels with libjpeg-turbo's transform (or plain decode) of the input.
void check_pixels(Bytes input, Bytes output, int orientation, Outcome& outcome) {
  std::string error;
  const auto decoded_output = decode(output, false, error);
  if (!decoded_output) {
    outcome.problems.push_back("libjpeg-turbo cannot decode the output: " + error);
    return;
  }
  const int op = transform_op_for_orientation(orientation);
  std::optional<std::vector<std::uint8_t>> reference;
  if (op != TJXOP_NONE) {
    reference = reference_transform(input, op, error);
    if (!reference) {
      outcome.problems.push_back("reference transform of the input failed: " + error);
      return;
    }
  }
  const auto decoded_reference = decode(reference ? Bytes(*reference) : input, false, error);
  if (!decoded_reference) {
    outcome.problems.push_back("accepted an input whose pixels libjpeg-turbo cannot decode: " + error);
    return;
  }
  if (!same_pixels(*decoded_output, *decoded_reference)) {
    outcome.pixel_mismatch = true;
    outcome.problems.push_back("pixels differ from the reference for orientation " + std::to_string(orientation) +
                               ": output " + std::to_string(decoded_output->width) + "x" +
                               std::to_string(decoded_output->height) + ", reference " +
                               std::to_string(decoded_reference->width) + "x" +
                               std::to_string(decoded_reference->height));
  }
}

void check_accepted(Bytes input, const jpeg::ScrubOutput& scrubbed, int orientation,
                    const jpeg::ScrubOptions& options, Outcome& outcome) {
  const Bytes output = scrubbed.jpeg;
  for (auto& problem : find_forbidden_structure(output)) outcome.problems.push_back("structure: " + problem);
  if (auto verified = jpeg::verify_clean(output); !verified.ok()) {
    outcome.problems.push_back("verify_clean rejects the output: " + describe(verified.error()));
  }
  if (scrubbed.report.orientation.value_or(1) != orientation) {
    outcome.problems.push_back("report.orientation is " + std::to_string(scrubbed.report.orientation.value_or(1)) +
                               ", exiftool reads " + std::to_string(orientation));
  }
  check_pixels(input, output, orientation, outcome);

  const auto again = jpeg::scrub(output, options);
  if (!again.ok()) {
    outcome.problems.push_back("scrubbing the output again is rejected: " + describe(again.error()));
  } else if (again.value().jpeg != scrubbed.jpeg) {
    outcome.problems.push_back("not idempotent: scrubbing the output changes it");
  }
}

// Compares the stream scrubber with scrub() on the same input and options.
void check_stream(Bytes input, const jpeg::Result<jpeg::ScrubOutput>& buffered, const jpeg::ScrubOptions& options,
                  Outcome& outcome) {
  const bool apply = options.orientation == jpeg::OrientationMode::Apply;
  const std::string mode = apply ? "stream mode (apply)" : "stream mode (drop)";
  const Streamed streamed = scrub_as_stream(input, options);
  if (streamed.requires_whole_image) {
    // Only Apply with an orientation of 2-8 needs the whole image, and then the
    // stream stops with UnsupportedFeature before the sink receives any byte.
    if (!apply) outcome.problems.push_back(mode + " requires the whole image");
    if (streamed.result.ok() || streamed.result.error().kind != jpeg::ErrorKind::UnsupportedFeature) {
      outcome.problems.push_back(mode + " requires the whole image but did not stop with unsupported_feature");
    }
    if (streamed.bytes_to_sink != 0) {
      outcome.problems.push_back(mode + " sent " + std::to_string(streamed.bytes_to_sink) +
                                 " bytes before asking for the whole image");
    }
    return;
  }

  if (!buffered.ok()) {
    if (streamed.result.ok()) {
      outcome.problems.push_back(mode + " accepts what buffer mode rejects with " + describe(buffered.error()));
    } else if (streamed.result.error().kind != buffered.error().kind) {
      outcome.problems.push_back(mode + " rejects with " + describe(streamed.result.error()) +
                                 ", buffer mode with " + describe(buffered.error()));
    }
    return;
  }
  if (!streamed.result.ok()) {
    outcome.problems.push_back(mode + " rejects what buffer mode accepts: " + describe(streamed.result.error()));
  } else if (streamed.result.value() != buffered.value().jpeg) {
    outcome.problems.push_back(mode + " output (" + std::to_string(streamed.result.value().size()) +
                               " bytes) differs from buffer output (" +
                               std::to_string(buffered.value().jpeg.size()) + " bytes)");
  }
}

Outcome check_file(const fs::path& path, const std::string& name, int orientation, const fs::path& out_dir,
                   std::size_t index) {
  Outcome outcome;
  outcome.name = name;
  const std::vector<std::uint8_t> input = read_file(path);
  std::string decode_error;
  outcome.valid_input = decode(input, true, decode_error).has_value();

  const jpeg::ScrubOptions options;  // the defaults the Lambda uses: apply orientation, keep ICC
  const auto scrubbed = jpeg::scrub(input, options);
  check_stream(input, scrubbed, options, outcome);
  jpeg::ScrubOptions drop_options;
  drop_options.orientation = jpeg::OrientationMode::Drop;  // the stream can handle every orientation
  check_stream(input, jpeg::scrub(input, drop_options), drop_options, outcome);

  if (!scrubbed.ok()) {
    outcome.rejection = scrubbed.error();
    if (outcome.valid_input) outcome.problems.push_back("valid input rejected: " + describe(scrubbed.error()));
    return outcome;
  }

  check_accepted(input, scrubbed.value(), orientation, options, outcome);
  outcome.output = out_dir / (std::to_string(index) + ".jpg");
  write_file(*outcome.output, scrubbed.value().jpeg);
  return outcome;
}

// Reads IFD0:Orientation of every input in one exiftool run; 1 where absent or invalid.
std::vector<int> read_orientations(const std::vector<fs::path>& inputs) {
  std::vector<int> orientations(inputs.size(), 1);
  std::string error;
  const auto json = run_exiftool(inputs, {"-n", "-IFD0:Orientation"}, error);
  if (!json) {
    ADD_FAILURE() << "reading orientations: " << error;
    return orientations;
  }
  std::map<std::string, int> by_file;
  for (const auto& object : *json) {
    const auto found = object.find("IFD0:Orientation");
    if (found == object.end() || !found->is_number_integer()) continue;
    const int value = found->get<int>();
    if (value >= 1 && value <= 8) by_file[object.at("SourceFile").get<std::string>()] = value;
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (const auto found = by_file.find(inputs[i].string()); found != by_file.end()) orientations[i] = found->second;
  }
  return orientations;
}

// Runs exiftool once over all outputs and records every leftover tag. Returns
// exiftool's object for each accepted file, keyed by Outcome::name.
std::map<std::string, nlohmann::json> check_leftover_tags(std::vector<Outcome>& outcomes) {
  std::vector<fs::path> outputs;
  std::map<std::string, Outcome*> by_output;
  for (auto& outcome : outcomes) {
    if (!outcome.output) continue;
    outputs.push_back(*outcome.output);
    by_output[outcome.output->string()] = &outcome;
  }
  std::map<std::string, nlohmann::json> tags;
  if (outputs.empty()) return tags;

  std::string error;
  const auto json = run_exiftool(outputs, {}, error);
  if (!json || json->size() != outputs.size()) {
    ADD_FAILURE() << "exiftool did not report every output: " << error;
    return tags;
  }
  for (const auto& object : *json) {
    Outcome* outcome = by_output.at(object.at("SourceFile").get<std::string>());
    outcome->leftover_tags = find_leftover_tags(object);
    for (const auto& tag : outcome->leftover_tags) outcome->problems.push_back("leftover tag " + tag);
    tags[outcome->name] = object;
  }
  return tags;
}

struct Summary {
  int accepted = 0;
  std::map<std::string, int> rejected_by_kind;
  int valid_rejected = 0;
  int pixel_mismatches = 0;
  int files_with_leftover_tags = 0;
  int files_with_problems = 0;
};

Summary summarize(const std::vector<Outcome>& outcomes) {
  Summary summary;
  for (const auto& outcome : outcomes) {
    if (outcome.rejection) {
      ++summary.rejected_by_kind[std::string(jpeg::error_kind_name(outcome.rejection->kind))];
      if (outcome.valid_input) ++summary.valid_rejected;
    } else {
      ++summary.accepted;
    }
    if (outcome.pixel_mismatch) ++summary.pixel_mismatches;
    if (!outcome.leftover_tags.empty()) ++summary.files_with_leftover_tags;
    if (!outcome.problems.empty()) ++summary.files_with_problems;
  }
  return summary;
}

void print_summary(const std::string& title, const std::vector<Outcome>& outcomes) {
  const Summary summary = summarize(outcomes);
  std::cout << title << ": " << outcomes.size() << " files, " << summary.accepted << " accepted\n";
  for (const auto& [kind, count] : summary.rejected_by_kind) std::cout << "  rejected " << kind << ": " << count << "\n";
  std::cout << "  valid inputs rejected: " << summary.valid_rejected << "\n"
            << "  pixel mismatches: " << summary.pixel_mismatches << "\n"
            << "  files with leftover tags: " << summary.files_with_leftover_tags << "\n"
            << "  files with any problem: " << summary.files_with_problems << "\n";
  for (const auto& outcome : outcomes) {
    if (outcome.rejection) std::cout << "  [rejected] " << outcome.name << ": " << describe(*outcome.rejection) << "\n";
  }
}

void report_problems(const std::vector<Outcome>& outcomes) {
  for (const auto& outcome : outcomes) {
    for (const auto& problem : outcome.problems) ADD_FAILURE() << outcome.name << ": " << problem;
  }
}

TEST(Corpus, EveryFileIsCleanedOrRejected) {
  const auto root = corpus_dir();
  if (!root) GTEST_SKIP() << "the corpus folder (EXIFSCRUB_CORPUS_DIR, default " EXIFSCRUB_CORPUS_DIR_DEFAULT ") is missing; configure with -DEXIFSCRUB_CORPUS_DIR=<folder of JPEGs>";
  const auto inputs = list_files(*root);
  ASSERT_FALSE(inputs.empty()) << *root << " contains no files";

  const fs::path out_dir = work_dir("corpus");
  const std::vector<int> orientations = read_orientations(inputs);
  std::vector<Outcome> outcomes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    outcomes.push_back(check_file(inputs[i], fs::relative(inputs[i], *root).string(), orientations[i], out_dir, i));
  }
  check_leftover_tags(outcomes);

  print_summary("corpus", outcomes);
  report_problems(outcomes);
}

struct FixtureEntry {
  std::string file;
  std::vector<std::string> contains;
  int orientation = 1;
  std::string expect;  // "clean" or "reject:<kind>"
  std::uint64_t offset = 0;  // of the expected rejection
};

std::vector<FixtureEntry> read_manifest(const fs::path& dir) {
  std::ifstream in(dir / "manifest.json");
  const auto json = nlohmann::json::parse(in, nullptr, false);
  std::vector<FixtureEntry> entries;
  if (json.is_discarded()) return entries;
  for (const auto& item : json.at("files")) {
    entries.push_back({item.at("file"), item.at("contains"), item.at("orientation"), item.at("expect"),
                       item.value("offset", std::uint64_t{0})});
  }
  return entries;
}

bool contains(const std::vector<std::string>& facts, const std::string& fact) {
  return std::find(facts.begin(), facts.end(), fact) != facts.end();
}

// Checks a fixture's outcome against its manifest entry and the kept groups exiftool reports.
void check_expectation(const FixtureEntry& entry, Outcome& outcome, const std::map<std::string, nlohmann::json>& tags) {
  if (entry.expect.rfind("reject:", 0) == 0) {
    const std::string kind = entry.expect.substr(7);
    if (!outcome.rejection) {
      outcome.problems.push_back("accepted, expected rejection " + kind);
    } else if (jpeg::error_kind_name(outcome.rejection->kind) != kind) {
      outcome.problems.push_back("rejected with " + describe(*outcome.rejection) + ", expected " + kind);
    } else if (outcome.rejection->offset != entry.offset) {
      outcome.problems.push_back("rejected at offset " + std::to_string(outcome.rejection->offset) +
                                 ", expected offset " + std::to_string(entry.offset));
    }
    return;
  }
  if (outcome.rejection) {
    outcome.problems.push_back("rejected with " + describe(*outcome.rejection) + ", expected a clean output");
    return;
  }
  const auto found = tags.find(entry.file);
  if (found == tags.end()) return;  // check_leftover_tags has already failed the test
  const auto& object = found->second;
  const bool has_icc = object.contains("ICC-header:ProfileVersion");
  const bool has_adobe = object.contains("Adobe:ColorTransform");
  if (contains(entry.contains, "icc") != has_icc) {
    outcome.problems.push_back(has_icc ? "output gained an ICC profile" : "the ICC profile was not kept");
  }
  if (contains(entry.contains, "adobe") != has_adobe) {
    outcome.problems.push_back(has_adobe ? "output gained an Adobe APP14" : "the Adobe APP14 was not kept");
  }
}

TEST(Fixtures, EachFileMeetsItsManifest) {
  const auto dir = fixture_dir();
  if (!dir) GTEST_SKIP() << "the fixture folder (EXIFSCRUB_FIXTURE_DIR, default " EXIFSCRUB_FIXTURE_DIR_DEFAULT ") is missing; the fixtures.generate test creates it";
  const auto entries = read_manifest(*dir);
  ASSERT_FALSE(entries.empty()) << (*dir / "manifest.json") << " is missing, invalid or empty";

  const fs::path out_dir = work_dir("fixtures");
  std::vector<Outcome> outcomes;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    outcomes.push_back(check_file(*dir / entries[i].file, entries[i].file, entries[i].orientation, out_dir, i));
  }
  const auto tags = check_leftover_tags(outcomes);
  for (std::size_t i = 0; i < entries.size(); ++i) check_expectation(entries[i], outcomes[i], tags);

  print_summary("fixtures", outcomes);
  report_problems(outcomes);
}

// Whether inspect()'s report shows a manifest fact as a segment with the
// expected action. Facts inside the EXIF segment (GPS, serial, owner,
// MakerNote, thumbnail) have no segment of their own and are not listed.
bool report_shows_fact(const std::string& fact, const jpeg::ScrubReport& report) {
  using jpeg::SegmentAction;
  std::uint64_t first_scan = UINT64_MAX;
  for (const auto& segment : report.segments) {
    if (segment.name == "SOS") first_scan = std::min(first_scan, segment.offset);
  }
  return std::any_of(report.segments.begin(), report.segments.end(), [&](const jpeg::SegmentInfo& s) {
    const bool dropped = s.action == SegmentAction::Drop;
    if (fact == "exif") return s.identifier == "Exif" && dropped;
    if (fact == "xmp") return s.identifier == "XMP" && dropped;
    if (fact == "extended_xmp") return s.identifier == "Extended XMP" && dropped;
    if (fact == "iptc") return s.identifier == "Photoshop" && dropped;
    if (fact == "comment") return s.name == "COM" && dropped;
    if (fact == "mpf") return s.identifier == "MPF" && dropped;
    if (fact == "trailer") return s.name == "trailer" && dropped;
    if (fact == "icc" || fact == "icc_multichunk") return s.identifier == "ICC_PROFILE" && s.action == SegmentAction::Keep;
    if (fact == "adobe") return s.name == "APP14" && s.action == SegmentAction::Keep;
    if (fact == "jfif_thumbnail") {
      return (s.identifier == "JFIF" && s.action == SegmentAction::Rewrite) || (s.identifier == "JFXX" && dropped);
    }
    if (fact == "vendor_appn") return s.marker >= 0xE3 && s.marker <= 0xEF && s.marker != 0xED && s.marker != 0xEE && dropped;
    if (fact == "between_scans") return s.offset > first_scan && s.name != "SOS" && dropped;
    return true;
  });
}

// inspect() must find every structural fact the manifest claims for a clean fixture.
TEST(Fixtures, InspectFindsManifestFacts) {
  const auto dir = fixture_dir();
  if (!dir) GTEST_SKIP() << "the fixture folder (EXIFSCRUB_FIXTURE_DIR, default " EXIFSCRUB_FIXTURE_DIR_DEFAULT
                            ") is missing; the fixtures.generate test creates it";
  const auto entries = read_manifest(*dir);
  ASSERT_FALSE(entries.empty());
  for (const auto& entry : entries) {
    if (entry.expect != "clean") continue;
    const auto report = jpeg::inspect(read_file(*dir / entry.file), jpeg::ScrubOptions{});
    ASSERT_TRUE(report.ok()) << entry.file << ": " << describe(report.error());
    for (const auto& fact : entry.contains) {
      EXPECT_TRUE(report_shows_fact(fact, report.value())) << entry.file << ": inspect() does not report " << fact;
    }
    EXPECT_EQ(report.value().orientation.value_or(1), entry.orientation) << entry.file;
  }
}

// With OrientationMode::KeepTag the output keeps the pixels as they are and
// carries a fresh EXIF segment with the Orientation tag alone.
TEST(Fixtures, KeepTagLeavesOnlyOrientation) {
  const auto dir = fixture_dir();
  if (!dir) GTEST_SKIP() << "the fixture folder (EXIFSCRUB_FIXTURE_DIR, default " EXIFSCRUB_FIXTURE_DIR_DEFAULT ") is missing; the fixtures.generate test creates it";
  const fs::path out_dir = work_dir("keep-tag");
  jpeg::ScrubOptions options;
  options.orientation = jpeg::OrientationMode::KeepTag;

  std::map<std::string, int> expected;  // output path -> orientation
  for (const auto& entry : read_manifest(*dir)) {
    if (entry.expect != "clean" || entry.orientation == 1) continue;
    const auto input = read_file(*dir / entry.file);
    const auto scrubbed = jpeg::scrub(input, options);
    ASSERT_TRUE(scrubbed.ok()) << entry.file << ": " << describe(scrubbed.error());
    std::string error;
    const auto before = decode(input, false, error);
    const auto after = decode(scrubbed.value().jpeg, false, error);
    ASSERT_TRUE(before.has_value()) << entry.file << ": the input does not decode: " << error;
    ASSERT_TRUE(after.has_value()) << entry.file << ": the keep-tag output does not decode: " << error;
    EXPECT_TRUE(same_pixels(*before, *after)) << entry.file << ": keep-tag changed the pixels";
    const fs::path output = out_dir / entry.file;
    write_file(output, scrubbed.value().jpeg);
    expected[output.string()] = entry.orientation;
  }
  ASSERT_FALSE(expected.empty()) << "the manifest lists no clean fixture with an orientation";

  std::vector<fs::path> outputs;
  for (const auto& [path, orientation] : expected) outputs.emplace_back(path);
  std::string error;
  const auto json = run_exiftool(outputs, {"-n"}, error);
  ASSERT_TRUE(json.has_value()) << error;
  for (const auto& object : *json) {
    const std::string path = object.at("SourceFile").get<std::string>();
    EXPECT_EQ(object.value("IFD0:Orientation", 0), expected.at(path)) << path;
    for (const auto& tag : find_leftover_tags(object)) {
      if (tag != "IFD0:Orientation" && tag != "File:ExifByteOrder") ADD_FAILURE() << path << ": leftover tag " << tag;
    }
  }
}

// The oracles must be able to fail: on the unscrubbed rich fixture they flag
// every kind of metadata it carries.
TEST(Oracles, FlagEverythingInRichInput) {
  const auto dir = fixture_dir();
  if (!dir) GTEST_SKIP() << "the fixture folder (EXIFSCRUB_FIXTURE_DIR, default " EXIFSCRUB_FIXTURE_DIR_DEFAULT ") is missing; the fixtures.generate test creates it";
  const fs::path rich = *dir / "rich.jpg";
  const auto input = read_file(rich);
  ASSERT_FALSE(input.empty()) << rich << " is missing";

  const auto structure = find_forbidden_structure(input);
  auto flagged = [&structure](const std::string& text) {
    return std::any_of(structure.begin(), structure.end(),
                       [&text](const std::string& problem) { return problem.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(flagged("FFE1 APPn segment")) << "APP1 (EXIF, XMP) not flagged";
  EXPECT_TRUE(flagged("FFED APPn segment")) << "APP13 (IPTC) not flagged";
  EXPECT_TRUE(flagged("FFFE COM segment")) << "COM not flagged";

  std::string error;
  const auto json = run_exiftool({rich}, {}, error);
  ASSERT_TRUE(json.has_value()) << error;
  ASSERT_EQ(json->size(), 1u);
  const auto leftovers = find_leftover_tags(json->at(0));
  for (const std::string tag : {"GPS:GPSLatitude", "ExifIFD:SerialNumber", "ExifIFD:OwnerName", "IFD0:Artist",
                                "XMP-dc:Creator", "IPTC:By-line", "File:Comment", "IFD1:ThumbnailImage",
                                "ExifIFD:MakerNoteUnknownText", "IFD0:Orientation"}) {
    EXPECT_NE(std::find(leftovers.begin(), leftovers.end(), tag), leftovers.end()) << tag << " not flagged";
  }
}

TEST(Oracles, FlagTrailerAndSegmentsBetweenScans) {
  const auto dir = fixture_dir();
  if (!dir) GTEST_SKIP() << "the fixture folder (EXIFSCRUB_FIXTURE_DIR, default " EXIFSCRUB_FIXTURE_DIR_DEFAULT ") is missing; the fixtures.generate test creates it";

  const auto between = find_forbidden_structure(read_file(*dir / "progressive_meta_between_scans.jpg"));
  EXPECT_TRUE(std::any_of(between.begin(), between.end(), [](const std::string& problem) {
    return problem.find("FFE1 APPn segment between scans") != std::string::npos;
  }));
  const auto trailer = find_forbidden_structure(read_file(*dir / "trailer_bytes.jpg"));
  ASSERT_EQ(trailer.size(), 1u);
  EXPECT_NE(trailer[0].find("512 bytes after EOI"), std::string::npos) << trailer[0];
}

}  // namespace
}  // namespace exifscrub::corpus
