// Tests for the lossless transform. The reference for every orientation is
// jpegtran with -trim run on the same input: decoding first and rotating the
// pixels after would differ by IDCT rounding, so only the decoded pixels of two
// DCT-domain transforms can be compared exactly. Inputs are generated here
// with tjCompress2 (and cjpeg where TurboJPEG cannot produce the variant).
#include "jpeg/transform.h"

#include <gtest/gtest.h>
#include <turbojpeg.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

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

TEST(TransformToUpright, UnnamedSamplingIsTransformFailed) {
  // A 4:1:1 image rotated by 90 degrees has 1x4 luma sampling. TurboJPEG 2.1
  // writes such images but tjTransform cannot read them back (jpegtran can).
  const auto rotated = transform_to_upright(compress(67, 45, TJSAMP_411), 6, kDefaultLimit);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  const auto result = transform_to_upright(rotated->jpeg, 2, kDefaultLimit);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TransformFailed);
  EXPECT_EQ(result.error().message,
            "lossless transform failed: transforming: tjTransform(): Could not determine "
            "subsampling type for JPEG image");
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
            "lossless transform failed: reading the header: tjDecompressHeader3(): Invalid argument");
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

}  // namespace
}  // namespace exifscrub::jpeg
