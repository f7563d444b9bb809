#include "pipeline/sequencer.h"

#include <gtest/gtest.h>

namespace exifscrub::pipeline {
namespace {

TEST(Sequencer, GreaterHexValueIsLater) {
  EXPECT_EQ(compare_sequencers("0055AED6DCD90281E5", "0055AED6DCD90281E6"), std::strong_ordering::less);
  EXPECT_EQ(compare_sequencers("0055AED6DCD90281E6", "0055AED6DCD90281E5"), std::strong_ordering::greater);
}

TEST(Sequencer, DuplicatesCompareEqual) {
  EXPECT_EQ(compare_sequencers("0055AED6DCD90281E5", "0055AED6DCD90281E5"), std::strong_ordering::equal);
}

TEST(Sequencer, ShorterValueIsRightPaddedWithZeros) {
  // "0A" padded to "0A00" equals "0A00"; "0A" padded to "0A00" is less than "0A01".
  EXPECT_EQ(compare_sequencers("0A", "0A00"), std::strong_ordering::equal);
  EXPECT_EQ(compare_sequencers("0A", "0A01"), std::strong_ordering::less);
  EXPECT_EQ(compare_sequencers("0B", "0A01"), std::strong_ordering::greater);
}

TEST(Sequencer, LetterCaseDoesNotMatter) {
  EXPECT_EQ(compare_sequencers("00ab", "00AB"), std::strong_ordering::equal);
  EXPECT_EQ(compare_sequencers("00ab", "00AC"), std::strong_ordering::less);
}

TEST(Sequencer, EmptyOrNonHexCannotBeOrdered) {
  EXPECT_EQ(compare_sequencers("", "00AB"), std::nullopt);
  EXPECT_EQ(compare_sequencers("00AB", ""), std::nullopt);
  EXPECT_EQ(compare_sequencers("00AG", "00AB"), std::nullopt);
  EXPECT_EQ(compare_sequencers("0x1", "01"), std::nullopt);
}

}  // namespace
}  // namespace exifscrub::pipeline
