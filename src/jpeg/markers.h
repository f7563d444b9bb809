// Marker codes and names from ITU-T T.81 (JPEG), T.87 (JPEG-LS) and the JFIF,
// Adobe, ICC and EXIF specifications, in one place for the whole library.
//
// A marker is the byte 0xFF followed by a code; the constants below are the
// codes (the second byte). This header holds vocabulary only: which markers a
// scrubbed file may keep is decided in policy.h, and how a marker is parsed
// in walker.h and segments.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace exifscrub::jpeg::marker {

inline constexpr std::uint8_t kPrefix = 0xFF;  // first byte of every marker; also a fill byte

inline constexpr std::uint8_t kTem = 0x01;      // temporary use in arithmetic coding, no length
inline constexpr std::uint8_t kResFirst = 0x02; // 0x02-0xBF are reserved
inline constexpr std::uint8_t kResLast = 0xBF;

// Start of frame. SOF4, SOF8 and SOF12 do not exist: their codes are DHT, JPG and DAC.
inline constexpr std::uint8_t kSof0 = 0xC0;   // baseline DCT, Huffman
inline constexpr std::uint8_t kSof1 = 0xC1;   // extended sequential DCT, Huffman
inline constexpr std::uint8_t kSof2 = 0xC2;   // progressive DCT, Huffman
inline constexpr std::uint8_t kSof3 = 0xC3;   // lossless, Huffman
inline constexpr std::uint8_t kDht = 0xC4;    // define Huffman tables
inline constexpr std::uint8_t kSof5 = 0xC5;   // differential sequential DCT (hierarchical)
inline constexpr std::uint8_t kSof6 = 0xC6;   // differential progressive DCT (hierarchical)
inline constexpr std::uint8_t kSof7 = 0xC7;   // differential lossless (hierarchical)
inline constexpr std::uint8_t kJpg = 0xC8;    // reserved for JPEG extensions
inline constexpr std::uint8_t kSof9 = 0xC9;   // extended sequential DCT, arithmetic
inline constexpr std::uint8_t kSof10 = 0xCA;  // progressive DCT, arithmetic
inline constexpr std::uint8_t kSof11 = 0xCB;  // lossless, arithmetic
inline constexpr std::uint8_t kDac = 0xCC;    // define arithmetic coding conditioning
inline constexpr std::uint8_t kSof13 = 0xCD;  // differential sequential DCT, arithmetic
inline constexpr std::uint8_t kSof14 = 0xCE;  // differential progressive DCT, arithmetic
inline constexpr std::uint8_t kSof15 = 0xCF;  // differential lossless, arithmetic

inline constexpr std::uint8_t kRst0 = 0xD0;   // restart markers RST0-RST7, no length
inline constexpr std::uint8_t kRst7 = 0xD7;
inline constexpr std::uint8_t kSoi = 0xD8;    // start of image, no length
inline constexpr std::uint8_t kEoi = 0xD9;    // end of image, no length
inline constexpr std::uint8_t kSos = 0xDA;    // start of scan; entropy-coded data follows
inline constexpr std::uint8_t kDqt = 0xDB;    // define quantization tables
inline constexpr std::uint8_t kDnl = 0xDC;    // define number of lines
inline constexpr std::uint8_t kDri = 0xDD;    // define restart interval
inline constexpr std::uint8_t kDhp = 0xDE;    // define hierarchical progression
inline constexpr std::uint8_t kExp = 0xDF;    // expand reference components (hierarchical)

inline constexpr std::uint8_t kApp0 = 0xE0;   // JFIF, JFXX, AVI1...
inline constexpr std::uint8_t kApp1 = 0xE1;   // Exif, XMP, Extended XMP
inline constexpr std::uint8_t kApp2 = 0xE2;   // ICC_PROFILE, MPF, FlashPix
inline constexpr std::uint8_t kApp13 = 0xED;  // Photoshop IRB with IPTC
inline constexpr std::uint8_t kApp14 = 0xEE;  // Adobe colour transform
inline constexpr std::uint8_t kApp15 = 0xEF;

inline constexpr std::uint8_t kJpg0 = 0xF0;   // JPG0-JPG13 (0xF0-0xFD) are reserved for extensions
inline constexpr std::uint8_t kSof55 = 0xF7;  // JPEG-LS start of frame (T.87)
inline constexpr std::uint8_t kLse = 0xF8;    // JPEG-LS preset parameters (T.87)
inline constexpr std::uint8_t kJpg13 = 0xFD;
inline constexpr std::uint8_t kCom = 0xFE;    // comment

// Largest value of a segment's 16-bit length field; it counts itself (2 bytes)
// and the payload, never the marker.
inline constexpr std::uint32_t kMaxSegmentLength = 0xFFFF;

constexpr bool is_rst(std::uint8_t code) { return code >= kRst0 && code <= kRst7; }
constexpr bool is_app(std::uint8_t code) { return code >= kApp0 && code <= kApp15; }

// True for SOF0-SOF15, which excludes DHT (C4), JPG (C8) and DAC (CC).
constexpr bool is_sof(std::uint8_t code) {
  return code >= kSof0 && code <= kSof15 && code != kDht && code != kJpg && code != kDac;
}

// True for the frame types made of one frame with no hierarchical progression.
constexpr bool is_non_differential_sof(std::uint8_t code) {
  return code == kSof0 || code == kSof1 || code == kSof2 || code == kSof3 || code == kSof9 ||
         code == kSof10 || code == kSof11;
}

constexpr bool is_progressive_sof(std::uint8_t code) { return code == kSof2 || code == kSof10; }
constexpr bool is_lossless_sof(std::uint8_t code) { return code == kSof3 || code == kSof11; }

// True for markers that stand alone, with no length field: TEM, RSTn, SOI, EOI.
constexpr bool is_standalone(std::uint8_t code) {
  return code == kTem || is_rst(code) || code == kSoi || code == kEoi;
}

// The standard name of a marker code: "SOI", "APP1", "SOF2", "RST3", "JPG5",
// "SOF55", "RES" for reserved codes 0x02-0xBF, "FF00" for the stuffing code.
// The text has static storage, so reports may hold the view.
std::string_view name(std::uint8_t code);

// "FF E1": the two marker bytes in hex, as error messages spell a marker.
std::string hex(std::uint8_t code);

}  // namespace exifscrub::jpeg::marker

namespace exifscrub::jpeg::exif_tag {

// TIFF/EXIF tag numbers (EXIF 2.32, CIPA DC-008) that the library reads or writes.
inline constexpr std::uint16_t kOrientation = 0x0112;

}  // namespace exifscrub::jpeg::exif_tag

namespace exifscrub::jpeg::app_id {

// Identifier strings at the start of APPn payloads, without their terminators.
inline constexpr std::string_view kJfif = "JFIF";          // APP0, then NUL
inline constexpr std::string_view kJfxx = "JFXX";          // APP0, then NUL: JFIF extension thumbnail
inline constexpr std::string_view kExif = "Exif";          // APP1, then two NULs
inline constexpr std::string_view kXmp = "http://ns.adobe.com/xap/1.0/";        // APP1, then NUL
inline constexpr std::string_view kExtendedXmp = "http://ns.adobe.com/xmp/extension/";  // APP1
inline constexpr std::string_view kIccProfile = "ICC_PROFILE";  // APP2, then NUL
inline constexpr std::string_view kMpf = "MPF";            // APP2, then NUL: multi-picture format
inline constexpr std::string_view kFlashPix = "FPXR";      // APP2, then NUL
inline constexpr std::string_view kPhotoshop = "Photoshop 3.0";  // APP13, then NUL: IPTC lives here
inline constexpr std::string_view kDucky = "Ducky";        // APP12: "Save for Web" quality and text
inline constexpr std::string_view kAdobe = "Adobe";        // APP14, no terminator

}  // namespace exifscrub::jpeg::app_id
