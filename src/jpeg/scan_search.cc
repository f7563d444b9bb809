// The marker search in three versions: portable, SSE2 and AVX2. The vector
// versions look at 64 (SSE2) or 128 (AVX2) bytes per step. A cheap test finds
// whether any 0xFF in the step is followed by a byte other than 0x00. That
// test takes two operations per vector, and in entropy-coded data it passes
// only at restart markers and at the end of the scan. Only then does the
// exact mask decide, which also lets restart markers through. The last bytes, fewer than one step, go to the
// portable version, so no load reads past the end of `data`.
#include "jpeg/scan_search.h"

#include <bit>
#include <cstdint>
#include <cstring>

#include "jpeg/markers.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define EXIFSCRUB_HAVE_AVX2_TARGET 1
#endif

namespace exifscrub::jpeg {

namespace {

// Bytes per step of the vector loops; a step also reads the byte after them.
constexpr std::size_t kSse2Block = 64;
constexpr std::size_t kAvx2Block = 128;

#if defined(__SSE2__)

__m128i load16(const std::uint8_t* at) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
}

// Lane k is all ones when at[k] is 0xFF and at[k + 1] is neither 0x00 nor
// D0-D7. Reads at[0] to at[16].
__m128i stops16(const std::uint8_t* at) {
  const __m128i is_ff = _mm_cmpeq_epi8(load16(at), _mm_set1_epi8(-1));
  const __m128i next = load16(at + 1);
  const __m128i stuffed = _mm_cmpeq_epi8(next, _mm_setzero_si128());
  const __m128i restart = _mm_cmpeq_epi8(_mm_and_si128(next, _mm_set1_epi8(static_cast<char>(0xF8))),
                                         _mm_set1_epi8(static_cast<char>(marker::kRst0)));
  return _mm_andnot_si128(_mm_or_si128(stuffed, restart), is_ff);
}

// Lane k is nonzero when at[k] is 0xFF and at[k + 1] is not 0x00. These are
// the stops of stops16() plus the restart markers, found with two vector
// operations in place of six.
__m128i candidates16(const std::uint8_t* at) {
  return _mm_min_epu8(_mm_cmpeq_epi8(load16(at), _mm_set1_epi8(-1)), load16(at + 1));
}

std::uint64_t stop_bits16(const std::uint8_t* at) {
  return static_cast<std::uint16_t>(_mm_movemask_epi8(stops16(at)));
}

#endif

#if defined(EXIFSCRUB_HAVE_AVX2_TARGET)

__attribute__((target("avx2"))) __m256i load32(const std::uint8_t* at) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at));
}

// The 32-byte version of stops16(). Reads at[0] to at[32].
__attribute__((target("avx2"))) __m256i stops32(const std::uint8_t* at) {
  const __m256i is_ff = _mm256_cmpeq_epi8(load32(at), _mm256_set1_epi8(-1));
  const __m256i next = load32(at + 1);
  const __m256i stuffed = _mm256_cmpeq_epi8(next, _mm256_setzero_si256());
  const __m256i restart =
      _mm256_cmpeq_epi8(_mm256_and_si256(next, _mm256_set1_epi8(static_cast<char>(0xF8))),
                        _mm256_set1_epi8(static_cast<char>(marker::kRst0)));
  return _mm256_andnot_si256(_mm256_or_si256(stuffed, restart), is_ff);
}

// The 32-byte version of candidates16().
__attribute__((target("avx2"))) __m256i candidates32(const std::uint8_t* at) {
  return _mm256_min_epu8(_mm256_cmpeq_epi8(load32(at), _mm256_set1_epi8(-1)), load32(at + 1));
}

__attribute__((target("avx2"))) std::uint64_t stop_bits32(const std::uint8_t* at) {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(stops32(at)));
}

__attribute__((target("avx2"))) std::size_t search_avx2(Bytes data, std::size_t from) {
  const std::uint8_t* bytes = data.data();
  std::size_t at = from;
  while (data.size() - at > kAvx2Block) {
    const __m256i low = _mm256_or_si256(candidates32(bytes + at), candidates32(bytes + at + 32));
    const __m256i high = _mm256_or_si256(candidates32(bytes + at + 64), candidates32(bytes + at + 96));
    const __m256i any = _mm256_or_si256(low, high);
    if (_mm256_testz_si256(any, any) == 0) {
      for (std::size_t part = 0; part < kAvx2Block; part += 64) {
        const std::uint64_t stops = stop_bits32(bytes + at + part) | stop_bits32(bytes + at + part + 32) << 32;
        if (stops != 0) return at + part + static_cast<std::size_t>(std::countr_zero(stops));
      }
    }
    at += kAvx2Block;
  }
  return detail::find_scan_marker_portable(data, at);
}

#endif

}  // namespace

namespace detail {

std::size_t find_scan_marker_portable(Bytes data, std::size_t from) {
  const std::uint8_t* bytes = data.data();
  std::size_t at = from;
  while (at < data.size()) {
    const void* found = std::memchr(bytes + at, marker::kPrefix, data.size() - at);
    if (found == nullptr) return data.size();
    at = static_cast<std::size_t>(static_cast<const std::uint8_t*>(found) - bytes);
    if (at + 1 == data.size()) return at;
    const std::uint8_t next = bytes[at + 1];
    if (next != 0x00 && !marker::is_rst(next)) return at;
    at += 2;  // the byte after a stuffed 0xFF or an RSTn code cannot start a marker
  }
  return data.size();
}

std::size_t find_scan_marker_sse2(Bytes data, std::size_t from) {
#if defined(__SSE2__)
  const std::uint8_t* bytes = data.data();
  std::size_t at = from;
  while (data.size() - at > kSse2Block) {
    const __m128i low = _mm_or_si128(candidates16(bytes + at), candidates16(bytes + at + 16));
    const __m128i high = _mm_or_si128(candidates16(bytes + at + 32), candidates16(bytes + at + 48));
    const __m128i none = _mm_cmpeq_epi8(_mm_or_si128(low, high), _mm_setzero_si128());
    if (_mm_movemask_epi8(none) != 0xFFFF) {
      const std::uint64_t stops = stop_bits16(bytes + at) | stop_bits16(bytes + at + 16) << 16 |
                                  stop_bits16(bytes + at + 32) << 32 | stop_bits16(bytes + at + 48) << 48;
      if (stops != 0) return at + static_cast<std::size_t>(std::countr_zero(stops));
    }
    at += kSse2Block;
  }
  return find_scan_marker_portable(data, at);
#else
  return find_scan_marker_portable(data, from);
#endif
}

std::size_t find_scan_marker_avx2(Bytes data, std::size_t from) {
#if defined(EXIFSCRUB_HAVE_AVX2_TARGET)
  if (__builtin_cpu_supports("avx2")) return search_avx2(data, from);
#endif
  return find_scan_marker_sse2(data, from);
}

}  // namespace detail

std::size_t find_scan_marker(Bytes data, std::size_t from) {
  return detail::find_scan_marker_avx2(data, from);
}

}  // namespace exifscrub::jpeg
