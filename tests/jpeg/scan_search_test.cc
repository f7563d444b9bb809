// Tests for the marker search. Every version (portable, SSE2, AVX2 and the
// dispatching entry point) must return what a byte-by-byte reference returns.
// The cases put 0xFF at every position relative to the vector width, at the
// very end and before `from`, and in stuffed, restart and fill sequences.
#include "jpeg/scan_search.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "jpeg/markers.h"

namespace exifscrub::jpeg {
namespace {

using ByteVector = std::vector<std::uint8_t>;
using SearchFunction = std::size_t (*)(Bytes, std::size_t);

struct Version {
  const char* name;
  SearchFunction search;
};

constexpr Version kVersions[] = {
    {"find_scan_marker", find_scan_marker},
    {"portable", detail::find_scan_marker_portable},
    {"sse2", detail::find_scan_marker_sse2},
    {"avx2", detail::find_scan_marker_avx2},
};

// The contract of find_scan_marker() checked one byte at a time.
std::size_t reference_search(Bytes data, std::size_t from) {
  for (std::size_t at = from; at < data.size(); ++at) {
    if (data[at] != marker::kPrefix) continue;
    if (at + 1 == data.size()) return at;
    const std::uint8_t next = data[at + 1];
    if (next != 0x00 && !marker::is_rst(next)) return at;
  }
  return data.size();
}

// Bytes without 0xFF, so that only the bytes a test places matter.
ByteVector plain_bytes(std::size_t size) {
  ByteVector bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 % 0xFF);
  return bytes;
}

// Runs every version on `data` from `from` and expects `expected`.
void expect_all_versions(Bytes data, std::size_t from, std::size_t expected, const std::string& label) {
  ASSERT_EQ(reference_search(data, from), expected) << label;
  for (const Version& version : kVersions) {
    EXPECT_EQ(version.search(data, from), expected) << version.name << ", " << label;
  }
}

TEST(ScanSearch, EmptyInputHasNoStop) {
  const ByteVector empty;
  for (const Version& version : kVersions) EXPECT_EQ(version.search(empty, 0), 0u) << version.name;
}

TEST(ScanSearch, DataWithoutFfHasNoStop) {
  const ByteVector data = plain_bytes(1000);
  for (std::size_t from : {0u, 1u, 63u, 64u, 999u, 1000u}) {
    expect_all_versions(data, from, data.size(), "from " + std::to_string(from));
  }
}

// A marker code (EOI) after 0xFF at every position of buffers whose start
// also moves across a 64-byte boundary.
TEST(ScanSearch, MarkerFoundAtEveryPositionAndAlignment) {
  ByteVector storage = plain_bytes(64 + 300);
  for (std::size_t shift = 0; shift < 64; ++shift) {
    for (std::size_t at = 0; at + 1 < 300; ++at) {
      ByteVector copy = storage;
      Bytes data = Bytes(copy).subspan(shift, 300);
      copy[shift + at] = marker::kPrefix;
      copy[shift + at + 1] = marker::kEoi;
      expect_all_versions(data, 0, at, "shift " + std::to_string(shift) + ", at " + std::to_string(at));
    }
  }
}

TEST(ScanSearch, StuffedFfAtEveryPositionIsSkipped) {
  const ByteVector base = plain_bytes(300);
  for (std::size_t at = 0; at + 1 < base.size(); ++at) {
    ByteVector data = base;
    data[at] = marker::kPrefix;
    data[at + 1] = 0x00;
    expect_all_versions(data, 0, data.size(), "stuffed at " + std::to_string(at));
  }
}

TEST(ScanSearch, RestartMarkersAreSkipped) {
  const ByteVector base = plain_bytes(300);
  for (std::uint8_t code = marker::kRst0; code <= marker::kRst7; ++code) {
    for (std::size_t at : {0u, 15u, 16u, 31u, 32u, 63u, 64u, 127u, 128u, 200u, 298u}) {
      ByteVector data = base;
      data[at] = marker::kPrefix;
      data[at + 1] = code;
      expect_all_versions(data, 0, data.size(), std::string(marker::name(code)) + " at " + std::to_string(at));
    }
  }
}

// Codes next to the restart range end the search: D8 and CF are not RSTn.
TEST(ScanSearch, CodesBesideRestartRangeStop) {
  const ByteVector base = plain_bytes(300);
  for (std::uint8_t code : {std::uint8_t{0xCF}, std::uint8_t{0xD8}, std::uint8_t{0x01}}) {
    for (std::size_t at : {0u, 31u, 64u, 127u, 200u}) {
      ByteVector data = base;
      data[at] = marker::kPrefix;
      data[at + 1] = code;
      expect_all_versions(data, 0, at, marker::hex(code) + " at " + std::to_string(at));
    }
  }
}

TEST(ScanSearch, FfAsLastByteStops) {
  for (std::size_t size : {1u, 2u, 17u, 64u, 65u, 129u, 300u}) {
    ByteVector data = plain_bytes(size);
    data.back() = marker::kPrefix;
    expect_all_versions(data, 0, size - 1, "size " + std::to_string(size));
  }
}

// In FF FF 00 the first 0xFF is followed by 0xFF, so the walker must decide.
TEST(ScanSearch, FfRunStopsAtFirstFf) {
  for (std::size_t at : {0u, 30u, 62u, 63u, 64u, 100u, 250u}) {
    ByteVector data = plain_bytes(300);
    data[at] = marker::kPrefix;
    data[at + 1] = marker::kPrefix;
    data[at + 2] = 0x00;
    expect_all_versions(data, 0, at, "run at " + std::to_string(at));
  }
}

TEST(ScanSearch, FillBeforeMarkerStopsAtFirstFill) {
  ByteVector data = plain_bytes(300);
  for (std::size_t at = 140; at < 150; ++at) data[at] = marker::kPrefix;
  data[150] = marker::kEoi;
  expect_all_versions(data, 0, 140, "fill from 140");
  expect_all_versions(data, 145, 145, "from inside the fill");
  expect_all_versions(data, 149, 149, "from the marker's own 0xFF");
  expect_all_versions(data, 150, data.size(), "from the marker code");
}

TEST(ScanSearch, StopsBeforeFromAreIgnored) {
  ByteVector data = plain_bytes(400);
  data[10] = marker::kPrefix;
  data[11] = marker::kEoi;
  data[300] = marker::kPrefix;
  data[301] = marker::kSos;
  expect_all_versions(data, 0, 10, "from 0");
  expect_all_versions(data, 11, 300, "from 11");
  expect_all_versions(data, 300, 300, "from 300");
  expect_all_versions(data, 301, data.size(), "from 301");
}

// A stuffed 0xFF whose 0x00 is the first byte of the next 64-byte block, and
// one whose 0x00 lies past the end of `data`.
TEST(ScanSearch, PairAcrossBlockBoundary) {
  ByteVector data = plain_bytes(200);
  data[63] = marker::kPrefix;
  data[64] = 0x00;
  data[127] = marker::kPrefix;
  data[128] = static_cast<std::uint8_t>(marker::kRst0 + 5);
  expect_all_versions(data, 0, data.size(), "pairs across blocks");
  expect_all_versions(Bytes(data).first(64), 0, 63, "0x00 cut off");
}

// Entropy-coded-like data: random bytes in which every 0xFF is stuffed,
// a restart marker every few hundred bytes, and one marker at a random place.
TEST(ScanSearch, MatchesReferenceOnRandomScans) {
  std::mt19937 random(20261204);
  for (int round = 0; round < 300; ++round) {
    const std::size_t size = 1 + random() % 5000;
    ByteVector data(size);
    for (std::size_t i = 0; i < size; ++i) {
      data[i] = static_cast<std::uint8_t>(random());
      if (data[i] == marker::kPrefix && i + 1 < size) data[++i] = 0x00;
    }
    for (std::size_t i = 0; i + 1 < size; i += 1 + random() % 700) {
      data[i] = marker::kPrefix;
      data[i + 1] = static_cast<std::uint8_t>(marker::kRst0 + random() % 8);
    }
    if (round % 2 == 0 && size > 2) {
      const std::size_t at = random() % (size - 1);
      data[at] = marker::kPrefix;
      data[at + 1] = static_cast<std::uint8_t>(random() % 2 == 0 ? marker::kEoi : marker::kPrefix);
    }
    const std::size_t from = random() % (size + 1);
    expect_all_versions(data, from, reference_search(data, from),
                        "round " + std::to_string(round));
  }
}

}  // namespace
}  // namespace exifscrub::jpeg
