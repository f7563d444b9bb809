// Tests for PackedBlockArray and make_coefficient_map: values survive packing
// exactly (including those that need the escape), rows are packed only when
// the window moves, and the block maps move and negate the right
// coefficients. The whole-image behaviour is tested through the transform in
// transform_test.cc.
#include "jpeg/coefficient_store.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace exifscrub::jpeg {
namespace {

using Status = PackedBlockArray::AccessStatus;

// Sparse blocks like a photo's, plus the values at the edges of the
// one-byte form and of int16_t.
std::vector<std::int16_t> make_coefficients(std::size_t blocks, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<std::int16_t> values(blocks * kBlockCoefficients, 0);
  const std::int16_t specials[] = {1, -1, 127, -127, 128, -128, 2047, -2048, 32767, -32768};
  for (std::size_t b = 0; b < blocks; ++b) {
    values[b * kBlockCoefficients] = static_cast<std::int16_t>(random() % 1500) - 700;
    for (int n = 0; n < 6; ++n) {
      const std::size_t k = 1 + random() % 63;
      values[b * kBlockCoefficients + k] = specials[random() % std::size(specials)];
    }
  }
  return values;
}

void write_rows(PackedBlockArray& array, std::uint32_t start, std::uint32_t count,
                const std::vector<std::int16_t>& values) {
  Status status = Status::kOk;
  CoefficientRow* rows = array.access(start, count, true, &status);
  ASSERT_NE(rows, nullptr);
  for (std::uint32_t r = 0; r < count; ++r) {
    for (std::uint32_t b = 0; b < array.blocks_per_row(); ++b) {
      const std::size_t block = std::size_t{start + r} * array.blocks_per_row() + b;
      std::copy_n(values.data() + block * kBlockCoefficients, kBlockCoefficients, rows[r][b]);
    }
  }
}

TEST(CoefficientMap, IdentityKeepsEveryCoefficient) {
  const CoefficientMap map = make_coefficient_map(false, false, false);
  for (std::size_t k = 0; k < kBlockCoefficients; ++k) {
    EXPECT_EQ(map.target[k], k);
    EXPECT_EQ(map.sign[k], 1);
  }
}

TEST(CoefficientMap, TransposeSwapsRowAndColumn) {
  const CoefficientMap map = make_coefficient_map(true, false, false);
  EXPECT_EQ(map.target[1], 8);    // (0, 1) -> (1, 0)
  EXPECT_EQ(map.target[8 * 2 + 5], 8 * 5 + 2);
  EXPECT_EQ(map.target[63], 63);
  EXPECT_EQ(map.sign[1], 1);
}

TEST(CoefficientMap, HorizontalMirrorNegatesOddColumns) {
  const CoefficientMap map = make_coefficient_map(false, true, false);
  EXPECT_EQ(map.sign[0], 1);
  EXPECT_EQ(map.sign[1], -1);   // (0, 1)
  EXPECT_EQ(map.sign[8], 1);    // (1, 0)
  EXPECT_EQ(map.sign[9], -1);   // (1, 1)
  EXPECT_EQ(map.target[9], 9);
}

TEST(CoefficientMap, SignsFollowTheOutputAxes) {
  // Transpose, then a vertical mirror (rotation by 270 degrees): source
  // (0, 1) lands on output row 1, an odd row, so it is negated; source
  // (1, 0) lands on output row 0 and keeps its sign.
  const CoefficientMap map = make_coefficient_map(true, false, true);
  EXPECT_EQ(map.target[1], 8);
  EXPECT_EQ(map.sign[1], -1);
  EXPECT_EQ(map.target[8], 1);
  EXPECT_EQ(map.sign[8], 1);
}

TEST(CoefficientMap, BothMirrorsNegateMixedParity) {
  const CoefficientMap map = make_coefficient_map(false, true, true);
  EXPECT_EQ(map.sign[0], 1);    // (0, 0)
  EXPECT_EQ(map.sign[1], -1);   // (0, 1)
  EXPECT_EQ(map.sign[8], -1);   // (1, 0)
  EXPECT_EQ(map.sign[9], 1);    // (1, 1)
}

TEST(PackedBlockArray, ValuesSurvivePacking) {
  PackedBlockArray array(5, 4);
  const auto values = make_coefficients(20, 1);
  write_rows(array, 0, 2, values);
  write_rows(array, 2, 2, values);  // packs rows 0-1
  ASSERT_TRUE(array.flush());

  Status status = Status::kOk;
  CoefficientRow* rows = array.access(0, 4, false, &status);
  ASSERT_NE(rows, nullptr);
  for (std::uint32_t r = 0; r < 4; ++r) {
    for (std::uint32_t b = 0; b < 5; ++b) {
      const std::size_t block = std::size_t{r} * 5 + b;
      for (std::size_t k = 0; k < kBlockCoefficients; ++k) {
        ASSERT_EQ(rows[r][b][k], values[block * kBlockCoefficients + k])
            << "row " << r << " block " << b << " coefficient " << k;
      }
    }
  }
}

TEST(PackedBlockArray, ReadBlockAppliesMap) {
  PackedBlockArray array(3, 2);
  const auto values = make_coefficients(6, 2);
  write_rows(array, 0, 2, values);
  ASSERT_TRUE(array.flush());
  const CoefficientMap map = make_coefficient_map(true, true, false);
  std::int16_t out[kBlockCoefficients];
  array.read_block(1, 2, map, kAllCoefficients, out);
  const std::int16_t* source = values.data() + (1 * 3 + 2) * kBlockCoefficients;
  for (std::size_t k = 0; k < kBlockCoefficients; ++k) {
    EXPECT_EQ(out[map.target[k]], static_cast<std::int16_t>(source[k] * map.sign[k])) << k;
  }
}

TEST(PackedBlockArray, ReadBlockKeepsOnlyWantedBand) {
  PackedBlockArray array(1, 1);
  Status status = Status::kOk;
  CoefficientRow* rows = array.access(0, 1, true, &status);
  ASSERT_NE(rows, nullptr);
  rows[0][0][0] = 500;   // escaped
  rows[0][0][3] = -200;  // escaped, not wanted
  rows[0][0][9] = 7;
  rows[0][0][40] = -3;   // after the last wanted one
  ASSERT_TRUE(array.flush());
  const CoefficientMap identity = make_coefficient_map(false, false, false);
  std::int16_t out[kBlockCoefficients];
  array.read_block(0, 0, identity, (std::uint64_t{1} << 9) | 1, out);
  EXPECT_EQ(out[0], 500);
  EXPECT_EQ(out[3], 0);
  EXPECT_EQ(out[9], 7);
  EXPECT_EQ(out[40], 0);
  array.read_block(0, 0, identity, std::uint64_t{1} << 40, out);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[40], -3);
}

TEST(PackedBlockArray, UnwrittenRowsReadAsZero) {
  PackedBlockArray array(4, 3);
  Status status = Status::kOk;
  CoefficientRow* rows = array.access(1, 2, false, &status);
  ASSERT_NE(rows, nullptr);
  for (std::uint32_t r = 0; r < 2; ++r) {
    for (std::uint32_t b = 0; b < 4; ++b) {
      for (std::size_t k = 0; k < kBlockCoefficients; ++k) EXPECT_EQ(rows[r][b][k], 0);
    }
  }
}

TEST(PackedBlockArray, RewrittenRowReplacesValues) {
  // A progressive refinement scan re-opens rows already packed.
  PackedBlockArray array(2, 2);
  write_rows(array, 0, 1, make_coefficients(4, 3));
  write_rows(array, 1, 1, make_coefficients(4, 3));
  Status status = Status::kOk;
  CoefficientRow* rows = array.access(0, 1, true, &status);
  ASSERT_NE(rows, nullptr);
  rows[0][1][63] = 300;
  rows[0][0][0] = 0;
  ASSERT_TRUE(array.flush());
  std::int16_t out[kBlockCoefficients];
  const CoefficientMap identity = make_coefficient_map(false, false, false);
  array.read_block(0, 1, identity, kAllCoefficients, out);
  EXPECT_EQ(out[63], 300);
  array.read_block(0, 0, identity, kAllCoefficients, out);
  EXPECT_EQ(out[0], 0);
}

TEST(PackedBlockArray, SameWindowIsNotRepacked) {
  PackedBlockArray array(2, 4);
  Status status = Status::kOk;
  CoefficientRow* first = array.access(2, 2, true, &status);
  ASSERT_NE(first, nullptr);
  first[0][0][5] = 9;
  CoefficientRow* again = array.access(2, 2, false, &status);
  EXPECT_EQ(again, first);
  EXPECT_EQ(again[0][0][5], 9);
}

TEST(PackedBlockArray, AccessOutsideIsBadAccess) {
  PackedBlockArray array(2, 4);
  Status status = Status::kOk;
  EXPECT_EQ(array.access(3, 2, true, &status), nullptr);
  EXPECT_EQ(status, Status::kBadAccess);
  status = Status::kOk;
  EXPECT_EQ(array.access(0, 0, true, &status), nullptr);
  EXPECT_EQ(status, Status::kBadAccess);
  status = Status::kOk;
  EXPECT_EQ(array.access(5, 1, false, &status), nullptr);
  EXPECT_EQ(status, Status::kBadAccess);
}

TEST(PackedBlockArray, SparseBlocksPackSmall) {
  const std::uint32_t blocks_per_row = 100, rows = 10;
  PackedBlockArray array(blocks_per_row, rows);
  const auto values = make_coefficients(std::size_t{blocks_per_row} * rows, 4);
  for (std::uint32_t r = 0; r < rows; ++r) write_rows(array, r, 1, values);
  ASSERT_TRUE(array.flush());
  const std::size_t raw = std::size_t{blocks_per_row} * rows * sizeof(CoefficientBlock);
  // 12 bytes of tables plus at most 7 values of at most 3 bytes per block.
  EXPECT_LT(array.packed_bytes(), raw / 3);
}

}  // namespace
}  // namespace exifscrub::jpeg
