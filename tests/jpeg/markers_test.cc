// Tests for marker names and classification.
#include "jpeg/markers.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace exifscrub::jpeg {
namespace {

TEST(MarkerName, StandardNames) {
  const std::pair<std::uint8_t, std::string> cases[] = {
      {0x00, "FF00"}, {0x01, "TEM"},   {0x02, "RES"},   {0xBF, "RES"},   {0xC0, "SOF0"},
      {0xC3, "SOF3"}, {0xC4, "DHT"},   {0xC8, "JPG"},   {0xCC, "DAC"},   {0xCF, "SOF15"},
      {0xD0, "RST0"}, {0xD7, "RST7"},  {0xD8, "SOI"},   {0xD9, "EOI"},   {0xDA, "SOS"},
      {0xDB, "DQT"},  {0xDC, "DNL"},   {0xDD, "DRI"},   {0xDE, "DHP"},   {0xDF, "EXP"},
      {0xE0, "APP0"}, {0xE1, "APP1"},  {0xED, "APP13"}, {0xEF, "APP15"}, {0xF0, "JPG0"},
      {0xF7, "SOF55"}, {0xF8, "LSE"},  {0xFD, "JPG13"}, {0xFE, "COM"},   {0xFF, "RES"},
  };
  for (const auto& [code, name] : cases) EXPECT_EQ(marker::name(code), name) << int{code};
}

TEST(MarkerHex, TwoBytesUpperCase) {
  EXPECT_EQ(marker::hex(0xE1), "FF E1");
  EXPECT_EQ(marker::hex(0x02), "FF 02");
}

TEST(MarkerClass, SofExcludesTableMarkers) {
  EXPECT_TRUE(marker::is_sof(0xC0));
  EXPECT_TRUE(marker::is_sof(0xCF));
  EXPECT_FALSE(marker::is_sof(marker::kDht));
  EXPECT_FALSE(marker::is_sof(marker::kJpg));
  EXPECT_FALSE(marker::is_sof(marker::kDac));
  EXPECT_FALSE(marker::is_non_differential_sof(0xC5));
  EXPECT_TRUE(marker::is_non_differential_sof(0xCB));
}

TEST(MarkerClass, StandaloneMarkers) {
  for (int code = 0; code <= 0xFF; ++code) {
    const auto value = static_cast<std::uint8_t>(code);
    const bool expected = code == 0x01 || (code >= 0xD0 && code <= 0xD9);
    EXPECT_EQ(marker::is_standalone(value), expected) << code;
  }
}

}  // namespace
}  // namespace exifscrub::jpeg
