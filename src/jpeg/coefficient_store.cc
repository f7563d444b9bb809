// Packing and unpacking of DCT blocks for PackedBlockArray. The hot loops
// visit only the nonzero coefficients of a block, found through its bit map,
// so the cost follows the number of nonzero coefficients rather than the
// pixel count.
#include "jpeg/coefficient_store.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace exifscrub::jpeg {
namespace {

// Bit k is set when block[k] is nonzero.
std::uint64_t nonzero_mask(const std::int16_t* block) noexcept {
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  std::uint64_t zero_bits = 0;
  for (int part = 0; part < 4; ++part) {
    // 16 coefficients: compare with zero, narrow to bytes, gather the top bits.
    __m128i low, high;
    std::memcpy(&low, block + part * 16, sizeof low);
    std::memcpy(&high, block + part * 16 + 8, sizeof high);
    const __m128i bytes = _mm_packs_epi16(_mm_cmpeq_epi16(low, zero), _mm_cmpeq_epi16(high, zero));
    const auto bits = static_cast<std::uint32_t>(_mm_movemask_epi8(bytes));
    zero_bits |= std::uint64_t{bits} << (part * 16);
  }
  return ~zero_bits;
#else
  std::uint64_t mask = 0;
  for (int k = 0; k < kBlockCoefficients; ++k) {
    mask |= std::uint64_t{block[k] != 0} << k;
  }
  return mask;
#endif
}

// Zeroes a block with plain vector stores; a 128-byte memset call compiles to
// `rep stos` here, whose start-up cost dominated generating sparse blocks.
void clear_block(std::int16_t* block) noexcept {
#if defined(__SSE2__)
  // Unrolled by hand: GCC 12 turns a loop of these stores back into memset.
  const __m128i zero = _mm_setzero_si128();
  auto* out = reinterpret_cast<__m128i*>(block);
  _mm_storeu_si128(out + 0, zero);
  _mm_storeu_si128(out + 1, zero);
  _mm_storeu_si128(out + 2, zero);
  _mm_storeu_si128(out + 3, zero);
  _mm_storeu_si128(out + 4, zero);
  _mm_storeu_si128(out + 5, zero);
  _mm_storeu_si128(out + 6, zero);
  _mm_storeu_si128(out + 7, zero);
#else
  std::memset(block, 0, sizeof(CoefficientBlock));
#endif
}

// Values in -127..127 take one byte. Others (often the DC coefficient) take
// the escape byte 0x80 and then the value in two bytes, little-endian.
constexpr std::uint8_t kEscape = 0x80;

std::uint8_t* put_value(std::uint8_t* out, std::int16_t value) noexcept {
  if (value >= -127 && value <= 127) {
    *out++ = static_cast<std::uint8_t>(value);
    return out;
  }
  const auto bits = static_cast<std::uint16_t>(value);
  out[0] = kEscape;
  out[1] = static_cast<std::uint8_t>(bits & 0xFF);
  out[2] = static_cast<std::uint8_t>(bits >> 8);
  return out + 3;
}

const std::uint8_t* get_value(const std::uint8_t* in, std::int16_t* value) noexcept {
  if (in[0] != kEscape) {
    *value = static_cast<std::int8_t>(in[0]);
    return in + 1;
  }
  *value = static_cast<std::int16_t>(in[1] | in[2] << 8);
  return in + 3;
}

}  // namespace

CoefficientMap make_coefficient_map(bool transpose, bool negate_odd_columns, bool negate_odd_rows) {
  CoefficientMap map;
  for (int k = 0; k < kBlockCoefficients; ++k) {
    const int row = transpose ? k % 8 : k / 8;  // in the output block
    const int column = transpose ? k / 8 : k % 8;
    const bool negate = (negate_odd_columns && column % 2 == 1) != (negate_odd_rows && row % 2 == 1);
    map.target[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(row * 8 + column);
    map.sign[static_cast<std::size_t>(k)] = negate ? -1 : 1;
  }
  return map;
}

PackedBlockArray::PackedBlockArray(std::uint32_t blocks_per_row, std::uint32_t rows)
    : blocks_per_row_(blocks_per_row),
      rows_(rows),
      entries_(std::size_t{blocks_per_row} * rows),
      values_(rows) {}

CoefficientRow* PackedBlockArray::access(std::uint32_t start_row, std::uint32_t count,
                                         bool writable, AccessStatus* status) noexcept {
  if (count == 0 || start_row > rows_ || count > rows_ - start_row) {
    *status = AccessStatus::kBadAccess;
    return nullptr;
  }
  if (window_count_ == count && window_start_ == start_row) {
    window_dirty_ = window_dirty_ || writable;
    *status = AccessStatus::kOk;
    return window_rows_.data();
  }
  if (!flush() || !reserve_window(count)) {
    *status = AccessStatus::kOutOfMemory;
    return nullptr;
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    unpack_row(start_row + i, window_rows_[i]);
  }
  window_start_ = start_row;
  window_count_ = count;
  window_dirty_ = writable;
  *status = AccessStatus::kOk;
  return window_rows_.data();
}

bool PackedBlockArray::flush() noexcept {
  if (!window_dirty_) return true;
  for (std::uint32_t i = 0; i < window_count_; ++i) {
    if (!pack_row(window_start_ + i, window_rows_[i])) return false;
  }
  window_dirty_ = false;
  return true;
}

bool PackedBlockArray::reserve_window(std::uint32_t count) noexcept {
  if (count > window_capacity_) {
    try {
      // Value-initialised, so blocks of the padding never read garbage.
      window_ = std::make_unique<CoefficientBlock[]>(std::size_t{blocks_per_row_} * count);
      window_rows_.resize(count);
    } catch (const std::bad_alloc&) {
      window_capacity_ = 0;
      window_count_ = 0;
      return false;
    }
    window_capacity_ = count;
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    window_rows_[i] = window_.get() + std::size_t{i} * blocks_per_row_;
  }
  return true;
}

bool PackedBlockArray::pack_row(std::uint32_t row, const CoefficientBlock* blocks) noexcept {
  const std::size_t first = std::size_t{row} * blocks_per_row_;
  try {
    scratch_.resize(std::size_t{blocks_per_row_} * kBlockCoefficients * 3);
  } catch (const std::bad_alloc&) {
    return false;
  }
  std::uint8_t* out = scratch_.data();
  for (std::uint32_t b = 0; b < blocks_per_row_; ++b) {
    const std::uint64_t block_mask = nonzero_mask(blocks[b]);
    BlockEntry& entry = entries_[first + b];
    entry.mask_low = static_cast<std::uint32_t>(block_mask);
    entry.mask_high = static_cast<std::uint32_t>(block_mask >> 32);
    entry.start = static_cast<std::uint32_t>(out - scratch_.data());
    for (std::uint64_t mask = block_mask; mask != 0; mask &= mask - 1) {
      out = put_value(out, blocks[b][std::countr_zero(mask)]);
    }
  }
  std::vector<std::uint8_t>& values = values_[row];
  try {
    values.assign(scratch_.data(), out);
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

void PackedBlockArray::unpack_row(std::uint32_t row, CoefficientBlock* blocks) const noexcept {
  const std::size_t first = std::size_t{row} * blocks_per_row_;
  const std::uint8_t* in = values_[row].data();
  for (std::uint32_t b = 0; b < blocks_per_row_; ++b) {
    clear_block(blocks[b]);
    for (std::uint64_t mask = entries_[first + b].mask(); mask != 0; mask &= mask - 1) {
      in = get_value(in, &blocks[b][std::countr_zero(mask)]);
    }
  }
}

void PackedBlockArray::read_block(std::uint32_t row, std::uint32_t column,
                                  const CoefficientMap& map, std::uint64_t wanted,
                                  std::int16_t* out) const noexcept {
  const BlockEntry& entry = entries_[std::size_t{row} * blocks_per_row_ + column];
  const std::uint8_t* in = values_[row].data() + entry.start;
  const std::uint64_t block_mask = entry.mask();
  clear_block(out);
  std::uint64_t remaining = block_mask & wanted;
  // Values are variable-length, so the ones before a wanted value are
  // decoded and dropped; the loop ends after the last wanted one.
  for (std::uint64_t mask = block_mask; remaining != 0; mask &= mask - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(mask));
    std::int16_t value = 0;
    in = get_value(in, &value);
    const std::uint64_t bit = std::uint64_t{1} << k;
    if ((remaining & bit) != 0) {
      out[map.target[k]] = static_cast<std::int16_t>(value * map.sign[k]);
      remaining ^= bit;
    }
  }
}

void PackedBlockArray::prefetch_block(std::uint32_t row, std::uint32_t column) const noexcept {
  const BlockEntry& entry = entries_[std::size_t{row} * blocks_per_row_ + column];
  __builtin_prefetch(values_[row].data() + entry.start);
}

void PackedBlockArray::prefetch_entry(std::uint32_t row, std::uint32_t column) const noexcept {
  __builtin_prefetch(&entries_[std::size_t{row} * blocks_per_row_ + column]);
  __builtin_prefetch(&values_[row]);
}

std::size_t PackedBlockArray::packed_bytes() const noexcept {
  std::size_t bytes = entries_.capacity() * sizeof(BlockEntry) +
                      values_.capacity() * sizeof(std::vector<std::uint8_t>);
  for (const auto& row : values_) bytes += row.capacity();
  return bytes;
}

}  // namespace exifscrub::jpeg
