// Compact storage for the quantised DCT coefficients of one image component,
// so that a lossless transform needs far less memory than libjpeg's full
// coefficient arrays (128 bytes per 8x8 block).
//
// Each block is stored as a 64-bit map of its nonzero coefficients, the
// offset of its values, and the nonzero values in natural (row-major) order,
// one byte each for -127..127 and three bytes otherwise. Photos have a few
// nonzero coefficients per 8x8 block, so a block costs 12 bytes plus about
// one byte per nonzero value. Does not know libjpeg: the transform glue adapts this class
// to libjpeg's virtual block array contract. The difficulty is that contract:
// a window of unpacked rows is handed out for writing, and it is packed only
// when another window is requested or flush() is called.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace exifscrub::jpeg {

constexpr int kBlockCoefficients = 64;  // an 8x8 DCT block

constexpr std::uint64_t kAllCoefficients = ~std::uint64_t{0};

using CoefficientBlock = std::int16_t[kBlockCoefficients];
using CoefficientRow = CoefficientBlock*;

// The output position and sign of each source coefficient (natural order
// index) for one block operation. Built by make_coefficient_map().
struct CoefficientMap {
  std::array<std::uint8_t, kBlockCoefficients> target{};
  std::array<std::int16_t, kBlockCoefficients> sign{};
};

// Builds the map for one block operation, in the output block's axes: an
// optional transpose (coefficient (row, column) -> (column, row)), then
// negation of odd horizontal frequencies (a horizontal mirror of the block's
// pixels) and of odd vertical frequencies (a vertical mirror).
CoefficientMap make_coefficient_map(bool transpose, bool negate_odd_columns, bool negate_odd_rows);

// One component's blocks, blocks_per_row x rows, all zero until written.
class PackedBlockArray {
 public:
  enum class AccessStatus { kOk, kBadAccess, kOutOfMemory };

  // Throws std::bad_alloc when the per-block tables cannot be allocated.
  PackedBlockArray(std::uint32_t blocks_per_row, std::uint32_t rows);

  // Returns row pointers to `count` unpacked rows starting at `start_row`,
  // valid until the next access() or flush(). Rows written earlier are
  // unpacked first; rows never written read as zero. A window left writable
  // is packed when the next different window is requested or on flush().
  // Returns nullptr and sets *status on a range outside the array or when
  // memory runs out. Never throws.
  CoefficientRow* access(std::uint32_t start_row, std::uint32_t count, bool writable,
                         AccessStatus* status) noexcept;

  // Packs a writable window, if any. Returns false when memory runs out.
  bool flush() noexcept;

  // Writes block (row, column) through `map` into `out`, which it zeroes
  // first. Only the coefficients whose natural-order index has its bit set
  // in `wanted` are written (kAllCoefficients for all): a progressive scan
  // reads one band, and stopping after its last coefficient saves time.
  // Requires flush() since the last writable access and a position inside
  // the array.
  void read_block(std::uint32_t row, std::uint32_t column, const CoefficientMap& map,
                  std::uint64_t wanted, std::int16_t* out) const noexcept;

  // Hints that read_block(row, column) follows soon: prefetch_entry() loads
  // the block's table entry, and prefetch_block(), issued later, its values.
  // Column-by-column reads miss the cache on every block without them.
  void prefetch_entry(std::uint32_t row, std::uint32_t column) const noexcept;
  void prefetch_block(std::uint32_t row, std::uint32_t column) const noexcept;

  std::uint32_t blocks_per_row() const { return blocks_per_row_; }
  std::uint32_t rows() const { return rows_; }

  // Bytes held by the packed form, excluding the unpacked window.
  std::size_t packed_bytes() const noexcept;

 private:
  bool pack_row(std::uint32_t row, const CoefficientBlock* blocks) noexcept;
  void unpack_row(std::uint32_t row, CoefficientBlock* blocks) const noexcept;
  bool reserve_window(std::uint32_t count) noexcept;

  std::uint32_t blocks_per_row_;
  std::uint32_t rows_;
  // Per block, 12 bytes in one place, because the transposing operations
  // read blocks column by column and each separate table would cost a
  // cache miss per block.
  struct BlockEntry {
    std::uint32_t mask_low = 0;   // bit k set: coefficient k is nonzero
    std::uint32_t mask_high = 0;  // the same for coefficients 32-63
    std::uint32_t start = 0;      // offset of the block's first value in its row
    std::uint64_t mask() const { return std::uint64_t{mask_high} << 32 | mask_low; }
  };

  std::vector<BlockEntry> entries_;
  std::vector<std::vector<std::uint8_t>> values_;  // per row: the nonzero values, block after block
  std::vector<std::uint8_t> scratch_;              // a row being packed, at its maximum size

  std::unique_ptr<CoefficientBlock[]> window_;
  std::vector<CoefficientRow> window_rows_;
  std::uint32_t window_capacity_ = 0;  // rows the window buffer can hold
  std::uint32_t window_start_ = 0;
  std::uint32_t window_count_ = 0;  // 0: no window is handed out
  bool window_dirty_ = false;
};

}  // namespace exifscrub::jpeg
