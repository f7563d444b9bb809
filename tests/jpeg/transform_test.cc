// Tests for the lossless transform. The reference for every orientation is
// jpegtran with -trim run on the same input: decoding first and rotating the
// pixels after would differ by IDCT rounding, so only the decoded pixels of two
// DCT-domain transforms can be compared exactly. Where jpegtran runs with the
// same options (-copy none -trim, -progressive for progressive inputs), the
// output bytes must match too. Inputs are generated here with tjCompress2,
// with cjpeg and jpegtran where TurboJPEG cannot produce the variant, and
// with the libjpeg API for scan scripts longer than cjpeg reads.
#include "jpeg/transform.h"

#include <gtest/gtest.h>
#include <turbojpeg.h>

#include <cstdio>  // jpeglib.h needs FILE
#include <jpeglib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include "jpeg/exif.h"

namespace exifscrub::jpeg {
namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

constexpr std::uint64_t kDefaultLimit = 100'000'000;

struct Image {
  int width = 0;
  int height = 0;
  Bytes pixels;
};

// A scratch folder removed when the test ends.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("transform_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), {});
}

void write_file(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Smooth gradients plus noise, so every DCT coefficient position carries data
// and a flipped or misplaced block changes the decoded pixels.
Bytes make_pixels(int width, int height, int channels) {
  std::mt19937 random(static_cast<unsigned>(width * 1000 + height));
  Bytes pixels(static_cast<std::size_t>(width * height * channels));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        const int base = (x * 255 / width + y * 97 / height + c * 60) % 256;
        const int noise = static_cast<int>(random() % 48);
        pixels[static_cast<std::size_t>((y * width + x) * channels + c)] =
            static_cast<std::uint8_t>((base + noise) % 256);
      }
    }
  }
  return pixels;
}

Bytes compress(int width, int height, int subsampling, int flags = 0) {
  const bool gray = subsampling == TJSAMP_GRAY;
  const Bytes pixels = make_pixels(width, height, gray ? 1 : 3);
  tjhandle handle = tjInitCompress();
  unsigned char* output = nullptr;
  unsigned long size = 0;
  const int status = tjCompress2(handle, pixels.data(), width, 0, height,
                                 gray ? TJPF_GRAY : TJPF_RGB, &output, &size, subsampling, 90,
                                 flags);
  EXPECT_EQ(status, 0) << tjGetErrorStr2(handle);
  Bytes jpeg(output, output + size);
  tjFree(output);
  tjDestroy(handle);
  return jpeg;
}

Bytes compress_cmyk(int width, int height) {
  const Bytes pixels = make_pixels(width, height, 4);
  tjhandle handle = tjInitCompress();
  unsigned char* output = nullptr;
  unsigned long size = 0;
  EXPECT_EQ(tjCompress2(handle, pixels.data(), width, 0, height, TJPF_CMYK, &output, &size,
                        TJSAMP_444, 90, 0), 0)
      << tjGetErrorStr2(handle);
  Bytes jpeg(output, output + size);
  tjFree(output);
  tjDestroy(handle);
  return jpeg;
}

// djpeg decodes through libjpeg's own API, which accepts every sampling.
Image decode_with_djpeg(const Bytes& jpeg) {
  const TempDir dir;
  write_file(dir.path() / "in.jpg", jpeg);
  const std::string command = "djpeg -pnm -dct int -outfile " + (dir.path() / "out.pnm").string() +
                              " " + (dir.path() / "in.jpg").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(dir.path() / "out.pnm", std::ios::binary);
  std::string magic;
  int max_value = 0;
  Image image;
  in >> magic >> image.width >> image.height >> max_value;
  in.get();  // the single whitespace byte before the samples
  image.pixels.assign(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(image.pixels.size(),
            static_cast<std::size_t>(image.width * image.height * (magic == "P5" ? 1 : 3)));
  return image;
}

// Decodes with tjDecompress2, or with djpeg for sampling factors that
// TurboJPEG 2.1 cannot name (such as 1x4 luma after rotating 4:1:1).
Image decode(const Bytes& jpeg) {
  tjhandle handle = tjInitDecompress();
  Image image;
  int subsampling = 0, colorspace = 0;
  auto* data = const_cast<unsigned char*>(jpeg.data());
  if (tjDecompressHeader3(handle, data, jpeg.size(), &image.width, &image.height, &subsampling,
                          &colorspace) != 0) {
    const std::string message = tjGetErrorStr2(handle);
    tjDestroy(handle);
    EXPECT_EQ(message, "tjDecompressHeader3(): Could not determine subsampling type for JPEG image");
    return decode_with_djpeg(jpeg);
  }
  const int format = colorspace == TJCS_GRAY ? TJPF_GRAY
                     : (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) ? TJPF_CMYK
                                                                              : TJPF_RGB;
  image.pixels.resize(static_cast<std::size_t>(image.width * image.height * tjPixelSize[format]));
  EXPECT_EQ(tjDecompress2(handle, data, jpeg.size(), image.pixels.data(), image.width, 0,
                          image.height, format, TJFLAG_ACCURATEDCT), 0)
      << tjGetErrorStr2(handle);
  tjDestroy(handle);
  return image;
}

// jpegtran's options for each EXIF orientation.
std::string jpegtran_operation(int orientation) {
  switch (orientation) {
    case 2: return "-flip horizontal";
    case 3: return "-rotate 180";
    case 4: return "-flip vertical";
    case 5: return "-transpose";
    case 6: return "-rotate 90";
    case 7: return "-transverse";
    case 8: return "-rotate 270";
    default: return "";
  }
}

Bytes run_jpegtran(const Bytes& input, int orientation) {
  const TempDir dir;
  write_file(dir.path() / "in.jpg", input);
  const std::string command = "jpegtran -copy none -trim " + jpegtran_operation(orientation) +
                              " -outfile " + (dir.path() / "out.jpg").string() + " " +
                              (dir.path() / "in.jpg").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return read_file(dir.path() / "out.jpg");
}

// Marker codes of the output, in order, skipping entropy-coded data.
std::vector<std::uint8_t> list_markers(const Bytes& jpeg) {
  std::vector<std::uint8_t> markers;
  std::size_t pos = 0;
  while (pos + 1 < jpeg.size()) {
    if (jpeg[pos] != 0xFF) {
      ++pos;  // entropy-coded data
      continue;
    }
    const std::uint8_t marker = jpeg[pos + 1];
    if (marker == 0x00 || marker == 0xFF || (marker >= 0xD0 && marker <= 0xD7)) {
      pos += marker == 0xFF ? 1 : 2;  // stuffed byte, fill byte or RSTn
      continue;
    }
    markers.push_back(marker);
    if (marker == 0xD8 || marker == 0xD9) {
      pos += 2;
      continue;
    }
    pos += 2 + (std::size_t{jpeg[pos + 2]} << 8 | jpeg[pos + 3]);
  }
  return markers;
}

bool tool_missing(const char* name) {
  return std::system(("command -v " + std::string(name) + " >/dev/null").c_str()) != 0;
}

struct Shape {
  const char* name;
  int width;
  int height;
  int subsampling;
  int flags;
};

class TransformMatchesJpegtran : public testing::TestWithParam<std::tuple<Shape, int>> {};

TEST_P(TransformMatchesJpegtran, DecodedPixelsAreEqual) {
  if (tool_missing("jpegtran")) GTEST_SKIP() << "jpegtran is missing; run scripts/install-deps.sh test";
  const auto& [shape, orientation] = GetParam();
  const Bytes input = compress(shape.width, shape.height, shape.subsampling, shape.flags);

  const auto result = transform_to_upright(input, orientation, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const Image ours = decode(result->jpeg);
  const Image reference = decode(run_jpegtran(input, orientation));

  ASSERT_EQ(ours.width, reference.width);
  ASSERT_EQ(ours.height, reference.height);
  EXPECT_EQ(result->width, static_cast<std::uint32_t>(reference.width));
  EXPECT_EQ(result->height, static_cast<std::uint32_t>(reference.height));
  EXPECT_TRUE(ours.pixels == reference.pixels) << "decoded pixels differ from jpegtran's";
}

const Shape kShapes[] = {
    {"Whole420", 64, 48, TJSAMP_420, 0},        {"Partial420", 67, 45, TJSAMP_420, 0},
    {"Whole422", 64, 48, TJSAMP_422, 0},        {"Partial422", 67, 45, TJSAMP_422, 0},
    {"Whole444", 64, 48, TJSAMP_444, 0},        {"Partial444", 67, 45, TJSAMP_444, 0},
    {"WholeGray", 64, 48, TJSAMP_GRAY, 0},      {"PartialGray", 67, 45, TJSAMP_GRAY, 0},
    {"Partial440", 67, 45, TJSAMP_440, 0},      {"Partial411", 67, 45, TJSAMP_411, 0},
    {"SmallerThanMcu420", 10, 6, TJSAMP_420, 0},
    {"Progressive420", 67, 45, TJSAMP_420, TJFLAG_PROGRESSIVE},
};

INSTANTIATE_TEST_SUITE_P(
    Orientations, TransformMatchesJpegtran,
    testing::Combine(testing::ValuesIn(kShapes), testing::Range(2, 9)),
    [](const testing::TestParamInfo<std::tuple<Shape, int>>& param) {
      return std::string(std::get<0>(param.param).name) + "Orientation" +
             std::to_string(std::get<1>(param.param));
    });

TEST(TransformToUpright, ReportsTrimmedEdges) {
  // 67x45 at 4:2:0 has 16x16 MCUs: 3 partial columns and 13 partial rows.
  struct Case {
    int orientation;
    std::uint32_t width, height, trimmed_columns, trimmed_rows;
  };
  const Case cases[] = {
      {2, 64, 45, 3, 0},  {3, 64, 32, 3, 13}, {4, 67, 32, 0, 13}, {5, 45, 67, 0, 0},
      {6, 32, 67, 13, 0}, {7, 32, 64, 13, 3}, {8, 45, 64, 0, 3},
  };
  const Bytes input = compress(67, 45, TJSAMP_420);
  for (const auto& c : cases) {
    const auto result = transform_to_upright(input, c.orientation, kDefaultLimit);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->width, c.width) << "orientation " << c.orientation;
    EXPECT_EQ(result->height, c.height) << "orientation " << c.orientation;
    EXPECT_EQ(result->trimmed_columns, c.trimmed_columns) << "orientation " << c.orientation;
    EXPECT_EQ(result->trimmed_rows, c.trimmed_rows) << "orientation " << c.orientation;
  }
}

TEST(TransformToUpright, SinkGetsSameBytesInPieces) {
  const Bytes input = compress(1024, 768, TJSAMP_444);
  const auto whole = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  // Larger than one input window, so pages are given back while libjpeg reads.
  ASSERT_GT(input.size(), 256u * 1024);

  Bytes streamed;
  std::size_t pieces = 0;
  std::size_t largest = 0;
  const TransformSink sink = [&](std::span<const std::uint8_t> bytes) {
    streamed.insert(streamed.end(), bytes.begin(), bytes.end());
    ++pieces;
    largest = std::max(largest, bytes.size());
    return true;
  };
  const auto result = transform_to_upright(Bytes(input), 6, kDefaultLimit, sink);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(streamed, whole->jpeg);
  EXPECT_TRUE(result->jpeg.empty());
  EXPECT_EQ(result->width, whole->width);
  EXPECT_EQ(result->height, whole->height);
  EXPECT_GT(pieces, 1u);
  EXPECT_EQ(largest, 64u * 1024);
}

TEST(TransformToUpright, SinkRefusalIsTransformFailed) {
  const Bytes input = compress(1024, 768, TJSAMP_444);
  std::size_t calls = 0;
  const TransformSink reject_second = [&](std::span<const std::uint8_t>) { return ++calls < 2; };
  const auto result = transform_to_upright(Bytes(input), 6, kDefaultLimit, reject_second);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: writing: the consumer of the output stopped it");
  EXPECT_EQ(calls, 2u);
}

TEST(TransformToUpright, SinkExceptionIsTransformFailed) {
  const Bytes input = compress(64, 48, TJSAMP_420);
  const TransformSink throwing = [](std::span<const std::uint8_t>) -> bool {
    throw std::runtime_error("disk full");
  };
  const auto result = transform_to_upright(Bytes(input), 6, kDefaultLimit, throwing);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: writing: the consumer of the output stopped it: disk full");
}

TEST(TransformToUpright, OrientationOneKeepsPixels) {
  const Bytes input = compress(67, 45, TJSAMP_420);
  const auto result = transform_to_upright(input, 1, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->width, 67u);
  EXPECT_EQ(result->height, 45u);
  EXPECT_EQ(result->trimmed_columns, 0u);
  EXPECT_EQ(result->trimmed_rows, 0u);
  EXPECT_TRUE(decode(result->jpeg).pixels == decode(input).pixels);
}

TEST(TransformToUpright, OutputCarriesOnlyLibjpegMarkers) {
  Bytes input = compress(64, 48, TJSAMP_420);
  const Bytes exif = build_orientation_exif(6);
  const Bytes comment = {0xFF, 0xFE, 0x00, 0x07, 'o', 'w', 'n', 'e', 'r'};
  const Bytes app5 = {0xFF, 0xE5, 0x00, 0x04, 0xAB, 0xCD};
  input.insert(input.begin() + 2, app5.begin(), app5.end());
  input.insert(input.begin() + 2, comment.begin(), comment.end());
  input.insert(input.begin() + 2, exif.begin(), exif.end());

  const auto result = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const std::vector<std::uint8_t> expected = {0xD8, 0xE0, 0xDB, 0xDB, 0xC0, 0xC4,
                                              0xC4, 0xC4, 0xC4, 0xDA, 0xD9};
  EXPECT_EQ(list_markers(result->jpeg), expected);
  const Bytes& out = result->jpeg;
  ASSERT_GE(out.size(), 11u);
  EXPECT_EQ(std::string(out.begin() + 6, out.begin() + 11), std::string("JFIF\0", 5));
}

TEST(TransformToUpright, CmykGetsAdobeMarker) {
  if (tool_missing("jpegtran")) GTEST_SKIP() << "jpegtran is missing; run scripts/install-deps.sh test";
  const Bytes input = compress_cmyk(67, 45);
  const auto result = transform_to_upright(input, 8, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const std::vector<std::uint8_t> expected = {0xD8, 0xEE, 0xDB, 0xDB, 0xC0, 0xC4,
                                              0xC4, 0xC4, 0xC4, 0xDA, 0xD9};
  EXPECT_EQ(list_markers(result->jpeg), expected);
  EXPECT_TRUE(decode(result->jpeg).pixels == decode(run_jpegtran(input, 8)).pixels);
}

TEST(TransformToUpright, ProgressiveStaysProgressive) {
  const Bytes input = compress(67, 45, TJSAMP_420, TJFLAG_PROGRESSIVE);
  const auto result = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto markers = list_markers(result->jpeg);
  EXPECT_NE(std::find(markers.begin(), markers.end(), 0xC2), markers.end());
  EXPECT_EQ(std::find(markers.begin(), markers.end(), 0xC0), markers.end());
}

TEST(TransformToUpright, OneByFourLumaSamplingWorks) {
  // A 4:1:1 image rotated by 90 degrees has 1x4 luma sampling, which
  // TurboJPEG 2.1 cannot name; the libjpeg API transforms it like jpegtran.
  if (tool_missing("jpegtran")) GTEST_SKIP() << "jpegtran is missing; run scripts/install-deps.sh test";
  const auto rotated = transform_to_upright(compress(67, 45, TJSAMP_411), 6, kDefaultLimit);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  const auto result = transform_to_upright(rotated->jpeg, 2, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const Bytes reference = run_jpegtran(rotated->jpeg, 2);
  EXPECT_TRUE(result->jpeg == reference) << "output bytes differ from jpegtran's";
  EXPECT_TRUE(decode(result->jpeg).pixels == decode(reference).pixels);
}

// cjpeg writes arithmetic coding and restart markers, which tjCompress2 cannot.
Bytes cjpeg(int width, int height, const std::string& options) {
  const TempDir dir;
  const Bytes pixels = make_pixels(width, height, 3);
  Bytes ppm;
  const std::string header = "P6\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
  ppm.insert(ppm.end(), header.begin(), header.end());
  ppm.insert(ppm.end(), pixels.begin(), pixels.end());
  write_file(dir.path() / "in.ppm", ppm);
  const std::string command = "cjpeg " + options + " -outfile " + (dir.path() / "out.jpg").string() +
                              " " + (dir.path() / "in.ppm").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return read_file(dir.path() / "out.jpg");
}

TEST(TransformToUpright, ArithmeticBecomesHuffman) {
  if (tool_missing("cjpeg") || tool_missing("jpegtran")) GTEST_SKIP() << "cjpeg or jpegtran is missing";
  const Bytes input = cjpeg(67, 45, "-arithmetic");
  const auto input_markers = list_markers(input);
  ASSERT_NE(std::find(input_markers.begin(), input_markers.end(), 0xC9), input_markers.end());
  const auto result = transform_to_upright(input, 3, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto markers = list_markers(result->jpeg);
  EXPECT_NE(std::find(markers.begin(), markers.end(), 0xC0), markers.end());
  EXPECT_EQ(std::find(markers.begin(), markers.end(), 0xC9), markers.end());
  EXPECT_TRUE(decode(result->jpeg).pixels == decode(run_jpegtran(input, 3)).pixels);
}

TEST(TransformToUpright, RestartIntervalsAreHandled) {
  if (tool_missing("cjpeg") || tool_missing("jpegtran")) GTEST_SKIP() << "cjpeg or jpegtran is missing";
  const Bytes input = cjpeg(67, 45, "-restart 1B");
  const auto result = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(decode(result->jpeg).pixels == decode(run_jpegtran(input, 6)).pixels);
}

// --- Every operation on every sampling layout and coding mode ---------------
// The reference is jpegtran with the same options the transform uses, so the
// output must match it byte for byte, not only in decoded pixels.

struct Layout {
  const char* name;
  const char* cjpeg_options;  // nullptr: made with TurboJPEG as CMYK (YCCK)
  int ycck_subsampling = TJSAMP_444;
  bool plain_cmyk = false;    // Adobe transform 0 instead of YCCK
};

struct Mode {
  const char* name;
  const char* jpegtran_options;  // applied losslessly to the baseline image
  bool progressive;
};

struct Size {
  const char* name;
  int width;
  int height;
};

const Layout kLayouts[] = {
    {"S444", "-sample 1x1,1x1,1x1"}, {"S422", "-sample 2x1,1x1,1x1"},
    {"S420", "-sample 2x2,1x1,1x1"}, {"S440", "-sample 1x2,1x1,1x1"},
    {"S411", "-sample 4x1,1x1,1x1"}, {"S141", "-sample 1x4,1x1,1x1"},
    {"Gray", "-grayscale"},          {"Ycck444", nullptr, TJSAMP_444},
    {"Ycck420", nullptr, TJSAMP_420}, {"Cmyk", nullptr, TJSAMP_422, true},
};

const Mode kModes[] = {
    {"Baseline", "", false},
    {"Progressive", "-progressive", true},
    {"Arithmetic", "-arithmetic", false},
    {"ProgressiveArithmetic", "-progressive -arithmetic", true},
    {"Restart", "-restart 2B", false},
};

// 64x64 is a whole number of MCUs for every layout above (the largest MCU
// is 32 pixels); 67x45 leaves partial MCUs on both axes.
const Size kSizes[] = {{"Whole", 64, 64}, {"Partial", 67, 45}};

// Sets the transform byte of the Adobe APP14 segment to 0 (CMYK).
void make_plain_cmyk(Bytes& jpeg) {
  for (std::size_t pos = 2; pos + 16 <= jpeg.size();) {
    const std::size_t length = std::size_t{jpeg[pos + 2]} << 8 | jpeg[pos + 3];
    if (jpeg[pos + 1] == 0xEE && std::string(jpeg.begin() + static_cast<long>(pos) + 4,
                                             jpeg.begin() + static_cast<long>(pos) + 9) == "Adobe") {
      jpeg[pos + 15] = 0;
      return;
    }
    pos += 2 + length;
  }
  ADD_FAILURE() << "no Adobe segment";
}

Bytes compress_ycck(int width, int height, int subsampling) {
  const Bytes pixels = make_pixels(width, height, 4);
  tjhandle handle = tjInitCompress();
  unsigned char* output = nullptr;
  unsigned long size = 0;
  EXPECT_EQ(tjCompress2(handle, pixels.data(), width, 0, height, TJPF_CMYK, &output, &size,
                        subsampling, 90, 0), 0)
      << tjGetErrorStr2(handle);
  Bytes jpeg(output, output + size);
  tjFree(output);
  tjDestroy(handle);
  return jpeg;
}

Bytes run_jpegtran_options(const Bytes& input, const std::string& options) {
  const TempDir dir;
  write_file(dir.path() / "in.jpg", input);
  const std::string command = "jpegtran -copy none " + options + " -outfile " +
                              (dir.path() / "out.jpg").string() + " " +
                              (dir.path() / "in.jpg").string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return read_file(dir.path() / "out.jpg");
}

Bytes make_input(const Layout& layout, const Mode& mode, const Size& size) {
  Bytes base;
  if (layout.cjpeg_options != nullptr) {
    base = cjpeg(size.width, size.height, std::string("-quality 90 ") + layout.cjpeg_options);
  } else {
    base = compress_ycck(size.width, size.height, layout.ycck_subsampling);
    if (layout.plain_cmyk) make_plain_cmyk(base);
  }
  if (std::string(mode.jpegtran_options).empty()) return base;
  return run_jpegtran_options(base, mode.jpegtran_options);
}

using MatrixParam = std::tuple<Layout, Mode, Size, int>;

class TransformMatrix : public testing::TestWithParam<MatrixParam> {};

TEST_P(TransformMatrix, MatchesJpegtranExactly) {
  if (tool_missing("cjpeg") || tool_missing("jpegtran")) GTEST_SKIP() << "cjpeg or jpegtran is missing";
  const auto& [layout, mode, size, orientation] = GetParam();
  const Bytes input = make_input(layout, mode, size);

  const auto result = transform_to_upright(input, orientation, kDefaultLimit);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const std::string options = std::string("-trim ") + jpegtran_operation(orientation) +
                              (mode.progressive ? " -progressive" : "");
  const Bytes reference = run_jpegtran_options(input, options);
  EXPECT_TRUE(result->jpeg == reference) << "output bytes differ from jpegtran's";

  const Image ours = decode(result->jpeg);
  const Image expected = decode(reference);
  ASSERT_EQ(ours.width, expected.width);
  ASSERT_EQ(ours.height, expected.height);
  EXPECT_EQ(result->width, static_cast<std::uint32_t>(expected.width));
  EXPECT_EQ(result->height, static_cast<std::uint32_t>(expected.height));
  EXPECT_TRUE(ours.pixels == expected.pixels) << "decoded pixels differ from jpegtran's";
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, TransformMatrix,
    testing::Combine(testing::ValuesIn(kLayouts), testing::ValuesIn(kModes),
                     testing::ValuesIn(kSizes), testing::Range(2, 9)),
    [](const testing::TestParamInfo<MatrixParam>& param) {
      return std::string(std::get<0>(param.param).name) + std::get<1>(param.param).name +
             std::get<2>(param.param).name + "Orientation" +
             std::to_string(std::get<3>(param.param));
    });

// Builds a progressive scan script for one grayscale component with `scans`
// scans. After the DC scan, each AC coefficient gets its own band, refined by
// successive approximation until the total is reached. A band takes at most
// 11 scans, because libjpeg caps Al at 10.
std::vector<jpeg_scan_info> scan_script(int scans) {
  std::vector<jpeg_scan_info> script;
  const auto add = [&script](int ss, int se, int ah, int al) {
    jpeg_scan_info scan{};
    scan.comps_in_scan = 1;
    scan.component_index[0] = 0;
    scan.Ss = ss;
    scan.Se = se;
    scan.Ah = ah;
    scan.Al = al;
    script.push_back(scan);
  };
  add(0, 0, 0, 0);
  const int bands = 63;
  const int per_band = (scans - 1) / bands;
  const int extra = (scans - 1) % bands;
  for (int k = 1; k <= bands; ++k) {
    const int count = per_band + (k <= extra ? 1 : 0);
    if (count == 0) continue;
    add(k, k, 0, count - 1);
    for (int al = count - 2; al >= 0; --al) add(k, k, al + 1, al);
  }
  return script;
}

// cjpeg reads at most 100 scans from a script file, so the image is written
// through the libjpeg API, which takes any valid script.
Bytes progressive_with_scans(int scans) {
  const int width = 64, height = 48;
  const Bytes pixels = make_pixels(width, height, 1);
  const std::vector<jpeg_scan_info> script = scan_script(scans);
  jpeg_compress_struct info{};
  jpeg_error_mgr errors{};
  info.err = jpeg_std_error(&errors);
  jpeg_CreateCompress(&info, JPEG_LIB_VERSION, sizeof(info));
  unsigned char* output = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&info, &output, &size);
  info.image_width = width;
  info.image_height = height;
  info.input_components = 1;
  info.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, 95, TRUE);
  info.scan_info = script.data();
  info.num_scans = static_cast<int>(script.size());
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPLE*>(pixels.data() + info.next_scanline * width);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  Bytes jpeg(output, output + size);
  std::free(output);
  return jpeg;
}

std::size_t count_markers(const Bytes& jpeg, std::uint8_t marker) {
  const auto markers = list_markers(jpeg);
  return static_cast<std::size_t>(std::count(markers.begin(), markers.end(), marker));
}

TEST(TransformToUpright, ManyRefinementScansRoundTrip) {
  if (tool_missing("jpegtran")) GTEST_SKIP() << "jpegtran is missing; run scripts/install-deps.sh test";
  const Bytes input = progressive_with_scans(300);
  ASSERT_EQ(count_markers(input, 0xDA), 300u);
  for (const int orientation : {1, 6, 7}) {
    const auto result = transform_to_upright(input, orientation, kDefaultLimit);
    ASSERT_TRUE(result.ok()) << result.error().message;
    const std::string operation = orientation == 1 ? "" : jpegtran_operation(orientation);
    const Bytes reference = run_jpegtran_options(input, "-trim -progressive " + operation);
    EXPECT_TRUE(result->jpeg == reference) << "orientation " << orientation;
  }
  // Orientation 1 keeps every coefficient in place.
  const auto same = transform_to_upright(input, 1, kDefaultLimit);
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_TRUE(decode(same->jpeg).pixels == decode(input).pixels);
}

TEST(TransformToUpright, FiveHundredScansAreAccepted) {
  const Bytes input = progressive_with_scans(500);
  ASSERT_EQ(count_markers(input, 0xDA), 500u);
  const auto result = transform_to_upright(input, 6, kDefaultLimit);
  EXPECT_TRUE(result.ok()) << result.error().message;
}

TEST(TransformToUpright, FiveHundredOneScansAreRejected) {
  const Bytes input = progressive_with_scans(501);
  ASSERT_EQ(count_markers(input, 0xDA), 501u);
  const auto result = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: transforming: More than 500 scans in a progressive JPEG");
}

TEST(TransformToUpright, ConcurrentCallsAgree) {
  // Each call owns its libjpeg objects and coefficient store, so calls on
  // several threads must give the bytes of a call made alone.
  const Bytes input = compress(96, 80, TJSAMP_420, TJFLAG_PROGRESSIVE);
  const auto alone = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_TRUE(alone.ok()) << alone.error().message;
  std::vector<Bytes> outputs(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    threads.emplace_back([&input, &outputs, i] {
      for (int round = 0; round < 20; ++round) {
        const auto result = transform_to_upright(input, 6, kDefaultLimit);
        if (!result.ok()) {
          outputs[i].clear();  // fails the comparison below
          return;
        }
        outputs[i] = result->jpeg;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Bytes& output : outputs) EXPECT_TRUE(output == alone->jpeg);
}

// JFIF APP0 right after SOI: density unit at byte 13, X at 14-15, Y at 16-17.
TEST(TransformToUpright, TransposeSwapsPixelDensity) {
  Bytes input = compress(64, 48, TJSAMP_420);
  ASSERT_EQ(std::string(input.begin() + 6, input.begin() + 11), std::string("JFIF\0", 5));
  input[13] = 1;  // dots per inch
  input[14] = 0;
  input[15] = 72;
  input[16] = 0;
  input[17] = 144;
  const auto rotated = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  const Bytes& out = rotated->jpeg;
  EXPECT_EQ(out[13], 1);
  EXPECT_EQ(out[15], 144);
  EXPECT_EQ(out[17], 72);
  const auto flipped = transform_to_upright(input, 3, kDefaultLimit);
  ASSERT_TRUE(flipped.ok()) << flipped.error().message;
  EXPECT_EQ(flipped->jpeg[15], 72);
  EXPECT_EQ(flipped->jpeg[17], 144);
}

TEST(TransformToUpright, CorruptScanDataIsTransformFailed) {
  Bytes input = compress(64, 48, TJSAMP_420);
  // A marker inside the entropy-coded data, where no marker may appear.
  const std::size_t middle = input.size() - 100;
  input[middle] = 0xFF;
  input[middle + 1] = 0xD5;
  const auto result = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: transforming: Corrupt JPEG data: premature end of data "
            "segment");
}

// A grayscale JPEG whose SOF0 (moved to offset 2) declares 60000x60000, with
// nothing after the SOS header: any attempt to decode would fail differently.
Bytes decompression_bomb() {
  const Bytes small = compress(8, 8, TJSAMP_GRAY);
  Bytes bomb = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xEA, 0x60, 0xEA, 0x60,
                0x01, 0x01, 0x11, 0x00};
  std::size_t pos = 2;
  while (pos + 4 <= small.size()) {
    const std::uint8_t marker = small[pos + 1];
    const std::size_t length = std::size_t{small[pos + 2]} << 8 | small[pos + 3];
    if (marker == 0xDB || marker == 0xC4 || marker == 0xDA) {
      bomb.insert(bomb.end(), small.begin() + static_cast<long>(pos),
                  small.begin() + static_cast<long>(pos + 2 + length));
    }
    if (marker == 0xDA) break;
    pos += 2 + length;
  }
  return bomb;
}

TEST(TransformToUpright, DecompressionBombIsTooLarge) {
  const auto result = transform_to_upright(decompression_bomb(), 6, kDefaultLimit);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TooLarge);
  EXPECT_EQ(result.error().offset, 2u);
  EXPECT_EQ(result.error().marker, std::optional<std::uint8_t>(0xC0));
  EXPECT_EQ(result.error().message,
            "SOF0 segment at offset 2: image of 60000x60000 (3600000000 pixels) exceeds the "
            "transform limit of 100000000 pixels");
}

TEST(TransformToUpright, LimitIsInclusive) {
  const Bytes input = compress(64, 48, TJSAMP_420);
  EXPECT_TRUE(transform_to_upright(input, 6, 64 * 48).ok());
  const auto result = transform_to_upright(input, 6, 64 * 48 - 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TooLarge);
}

TEST(TransformToUpright, GarbageIsTransformFailed) {
  const Bytes garbage = {'g', 'a', 'r', 'b', 'a', 'g', 'e', '!', 0x00, 0x01, 0x02};
  const auto result = transform_to_upright(garbage, 6, kDefaultLimit);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: reading the header: Not a JPEG file: starts with 0x67 0x61");
}

TEST(TransformToUpright, EmptyInputIsTransformFailed) {
  const auto result = transform_to_upright({}, 6, kDefaultLimit);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: reading the header: Empty input file");
}

TEST(TransformToUpright, TruncatedScanIsTransformFailed) {
  Bytes input = compress(64, 48, TJSAMP_420);
  input.resize(input.size() - 200);
  const auto result = transform_to_upright(input, 6, kDefaultLimit);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: transforming: Premature end of JPEG file");
}

TEST(TransformToUpright, InvalidOrientationIsUnsupported) {
  const Bytes input = compress(8, 8, TJSAMP_GRAY);
  for (const int orientation : {0, 9, -1}) {
    const auto result = transform_to_upright(input, orientation, kDefaultLimit);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::UnsupportedFeature);
    EXPECT_EQ(result.error().message,
              "EXIF orientation " + std::to_string(orientation) + " is outside 1-8");
  }
}

// A 24x16 baseline image whose scan decodes, without a warning, to AC
// coefficients beyond the 10 bits that 8-bit Huffman coding allows (found by
// the transform fuzzer). jpegtran writes corrupt entropy data for it.
const std::uint8_t kOutOfRangeCoefficients[] = {
    0xFF, 0xD8, 0xFF, 0xE2, 0x00, 0x24, 0x49, 0x43, 0x43, 0x5F, 0x50, 0x52, 0x4F, 0x46, 0x49, 0x4C,
    0x45, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xE2, 0x00, 0x24, 0x49, 0x43, 0x43, 0x5F,
    0x50, 0x52, 0x4F, 0x46, 0x49, 0x4C, 0x45, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xEE,
    0x00, 0x0E, 0x41, 0x64, 0x6F, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01, 0xFF, 0xE0,
    0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0xFF, 0xDB, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09,
    0x09, 0x08, 0x0A, 0x0C, 0x14, 0x0D, 0x0C, 0x0B, 0x0B, 0x0C, 0x19, 0x12, 0x13, 0x0F, 0x14, 0x1D,
    0x1A, 0x1F, 0x1E, 0x1D, 0x1A, 0x1C, 0x1C, 0x20, 0x24, 0x2E, 0x27, 0x20, 0x22, 0x2C, 0x23, 0x1C,
    0x1C, 0x28, 0x37, 0x29, 0x2C, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1F, 0x27, 0x39, 0x3D, 0x38, 0x32,
    0x3C, 0x2E, 0x33, 0x34, 0x32, 0xFF, 0xDB, 0x00, 0x43, 0x01, 0x09, 0x09, 0x09, 0x0C, 0x0B, 0x0C,
    0x18, 0x0D, 0x0D, 0x18, 0x32, 0x21, 0x1C, 0x21, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00,
    0x10, 0x00, 0x18, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xC4, 0x00,
    0x1F, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0xFF, 0xC4,
    0x00, 0xB5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00,
    0x00, 0x01, 0x7D, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13,
    0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15,
    0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25,
    0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46,
    0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66,
    0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86,
    0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4,
    0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2,
    0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9,
    0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5,
    0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFF, 0xC4, 0x00, 0x1F, 0x01, 0x00, 0x03, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
    0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0xFF, 0xC4, 0x00, 0xB5, 0x11, 0x00, 0x02, 0x01, 0x02, 0x04,
    0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01, 0x02, 0x77, 0x00, 0x01, 0x02, 0x03, 0x11,
    0x04, 0x05, 0x21, 0x8D, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08,
    0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A,
    0x16, 0x24, 0x34, 0x29, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35,
    0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55,
    0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75,
    0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93,
    0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA,
    0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8,
    0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6,
    0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFF, 0xDA, 0x00,
    0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00, 0xF2, 0xCB, 0x4D, 0x0F, 0xA7,
    0xC9, 0x5B, 0xB6, 0x9A, 0x1F, 0x4F, 0x92, 0xBA, 0xEB, 0x4D, 0x0F, 0xA7, 0xC9, 0x5B, 0xB6, 0x9A,
    0x1F, 0x4F, 0x92, 0xB9, 0x21, 0x8A, 0x38, 0x72, 0xCC, 0xEF, 0x6D, 0x4E, 0x42, 0xD3, 0x43, 0xE9,
    0xF2, 0x51, 0x5E, 0x97, 0x69, 0xA1, 0xF4, 0xF9, 0x28, 0xAE, 0xA8, 0xE2, 0xB4, 0x3E, 0xE3, 0x0F,
    0x9D, 0xFB, 0x8B, 0x53, 0xFF, 0xD9,
};

TEST(TransformToUpright, OutOfRangeCoefficientIsTransformFailed) {
  const Bytes input(std::begin(kOutOfRangeCoefficients), std::end(kOutOfRangeCoefficients));
  const auto result = transform_to_upright(input, 6, 100'000'000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message, "lossless transform failed: transforming: DCT coefficient out of range");
}

}  // namespace
}  // namespace exifscrub::jpeg
