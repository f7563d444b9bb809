// The search that makes walking entropy-coded data cheap: it skips the bytes
// whose meaning is already fixed and stops at the first 0xFF that the walker
// has to look at.
//
// In a scan, 0xFF followed by 0x00 is a stuffed data byte, and 0xFF followed
// by RST0-RST7 (D0-D7) is a restart marker. Both stay inside the scan data. Any
// other 0xFF starts the marker that ends the scan, is fill before it, or
// begins a run of 0xFF whose meaning depends on the bytes after the run. The
// search stops only there, so on typical photos it runs through the whole scan
// without leaving its vector loop. It decides nothing itself: the walker
// (walker.h) interprets the byte it returns, so the rules for runs, fill and
// chunk boundaries stay in one place.
#pragma once

#include <cstddef>

#include "jpeg/segments.h"

namespace exifscrub::jpeg {

// Returns the index of the first byte at or after `from` that is 0xFF and is
// either the last byte of `data` or followed by a byte other than 0x00 and
// D0-D7. Returns data.size() when there is none. Requires from <= data.size().
// Uses SSE2 or AVX2 when the compiler and CPU have them.
std::size_t find_scan_marker(Bytes data, std::size_t from);

namespace detail {

// The same contract as find_scan_marker() without vector instructions: the
// code path of CPUs without SSE2. Exposed so that tests compare the paths.
std::size_t find_scan_marker_portable(Bytes data, std::size_t from);

// The SSE2 path; returns find_scan_marker_portable() where SSE2 is missing.
std::size_t find_scan_marker_sse2(Bytes data, std::size_t from);

// The AVX2 path; returns find_scan_marker_sse2() where AVX2 is missing at
// compile time or at run time.
std::size_t find_scan_marker_avx2(Bytes data, std::size_t from);

}  // namespace detail

}  // namespace exifscrub::jpeg
