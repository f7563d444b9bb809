// Marker names for messages and reports; see markers.h for the codes.
#include "jpeg/markers.h"

#include <array>

namespace exifscrub::jpeg::marker {

namespace {

// Names of the codes from 0xC0 to 0xFE, indexed by code - 0xC0.
constexpr std::array<std::string_view, 0x3F> kHighNames = {
    "SOF0",  "SOF1",  "SOF2",  "SOF3",  "DHT",   "SOF5",  "SOF6",  "SOF7",   // C0-C7
    "JPG",   "SOF9",  "SOF10", "SOF11", "DAC",   "SOF13", "SOF14", "SOF15",  // C8-CF
    "RST0",  "RST1",  "RST2",  "RST3",  "RST4",  "RST5",  "RST6",  "RST7",   // D0-D7
    "SOI",   "EOI",   "SOS",   "DQT",   "DNL",   "DRI",   "DHP",   "EXP",    // D8-DF
    "APP0",  "APP1",  "APP2",  "APP3",  "APP4",  "APP5",  "APP6",  "APP7",   // E0-E7
    "APP8",  "APP9",  "APP10", "APP11", "APP12", "APP13", "APP14", "APP15",  // E8-EF
    "JPG0",  "JPG1",  "JPG2",  "JPG3",  "JPG4",  "JPG5",  "JPG6",  "SOF55",  // F0-F7
    "LSE",   "JPG9",  "JPG10", "JPG11", "JPG12", "JPG13", "COM",             // F8-FE
};

}  // namespace

std::string_view name(std::uint8_t code) {
  if (code == 0x00) return "FF00";
  if (code == kTem) return "TEM";
  if (code >= kSof0 && code <= kCom) return kHighNames[code - kSof0];
  return "RES";  // 0x02-0xBF, and 0xFF which is a fill byte rather than a marker
}

std::string hex(std::uint8_t code) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string text = "FF ";
  text += kDigits[code >> 4];
  text += kDigits[code & 0x0F];
  return text;
}

}  // namespace exifscrub::jpeg::marker
