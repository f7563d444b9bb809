// Tests for the transform's geometry: the orientation table, the trim rule
// (whole iMCUs on mirrored axes, nothing for images smaller than one iMCU)
// and the source position of output blocks. Pixel-level agreement with
// jpegtran is tested in transform_test.cc.
#include "jpeg/transform_geometry.h"

#include <gtest/gtest.h>

namespace exifscrub::jpeg {
namespace {

ImageShape shape_420(std::uint32_t width, std::uint32_t height) {
  ImageShape shape;
  shape.width = width;
  shape.height = height;
  shape.max_h_samp_factor = 2;
  shape.max_v_samp_factor = 2;
  return shape;
}

TEST(OperationForOrientation, MapsEveryOrientation) {
  struct Case {
    int orientation;
    bool transpose, mirror_x, mirror_y;
  };
  const Case cases[] = {
      {1, false, false, false}, {2, false, true, false}, {3, false, true, true},
      {4, false, false, true},  {5, true, false, false}, {6, true, true, false},
      {7, true, true, true},    {8, true, false, true},
  };
  for (const auto& c : cases) {
    const auto operation = operation_for_orientation(c.orientation);
    ASSERT_TRUE(operation.has_value()) << c.orientation;
    EXPECT_EQ(operation->transpose, c.transpose) << c.orientation;
    EXPECT_EQ(operation->mirror_x, c.mirror_x) << c.orientation;
    EXPECT_EQ(operation->mirror_y, c.mirror_y) << c.orientation;
  }
}

TEST(OperationForOrientation, RejectsOutsideOneToEight) {
  EXPECT_FALSE(operation_for_orientation(0).has_value());
  EXPECT_FALSE(operation_for_orientation(9).has_value());
  EXPECT_FALSE(operation_for_orientation(-1).has_value());
}

TEST(TransformPlan, RotationTrimsMirroredAxisOnly) {
  // 67x45 at 4:2:0 turned by 90 degrees: 45 output columns are mirrored and
  // cut to 32 (two 16-pixel iMCUs); the 67 rows stay.
  const TransformPlan plan = make_transform_plan(shape_420(67, 45), *operation_for_orientation(6));
  EXPECT_EQ(plan.full_width, 45u);
  EXPECT_EQ(plan.full_height, 67u);
  EXPECT_EQ(plan.width, 32u);
  EXPECT_EQ(plan.height, 67u);
  EXPECT_EQ(plan.imcu_width, 16u);
  EXPECT_EQ(plan.imcu_height, 16u);
}

TEST(TransformPlan, TransposeSwapsImcuSize) {
  ImageShape shape = shape_420(67, 45);
  shape.max_v_samp_factor = 1;  // 4:2:2, 16x8 iMCUs
  const TransformPlan plan = make_transform_plan(shape, *operation_for_orientation(8));
  EXPECT_EQ(plan.imcu_width, 8u);
  EXPECT_EQ(plan.imcu_height, 16u);
  EXPECT_EQ(plan.width, 45u);
  EXPECT_EQ(plan.height, 64u);
}

TEST(TransformPlan, SmallerThanImcuIsNotTrimmed) {
  const TransformPlan plan = make_transform_plan(shape_420(10, 6), *operation_for_orientation(3));
  EXPECT_EQ(plan.width, 10u);
  EXPECT_EQ(plan.height, 6u);
}

TEST(TransformPlan, SingleComponentUsesBlockImcu) {
  ImageShape shape = shape_420(67, 45);
  shape.single_component = true;
  const TransformPlan plan = make_transform_plan(shape, *operation_for_orientation(3));
  EXPECT_EQ(plan.imcu_width, 8u);
  EXPECT_EQ(plan.width, 64u);
  EXPECT_EQ(plan.height, 40u);
}

TEST(SourcePosition, RotationReadsColumnsBottomUp) {
  // Rotation by 90 degrees with 4 mirrored columns: output block (x, y)
  // comes from source row 3 - x, column y, mirrored horizontally.
  const Operation rotate = *operation_for_orientation(6);
  const SourcePosition position = source_position(rotate, 4, 0, 1, 2);
  EXPECT_EQ(position.row, 2u);
  EXPECT_EQ(position.column, 2u);
  EXPECT_EQ(position.map_index, 1u);
  const SourcePosition first = source_position(rotate, 4, 0, 0, 5);
  EXPECT_EQ(first.row, 3u);
  EXPECT_EQ(first.column, 5u);
}

TEST(SourcePosition, PartialEdgeIsNotMirrored) {
  // Block 4 lies beyond the 4 mirrored columns, so it keeps its place.
  const Operation flip = *operation_for_orientation(2);
  const SourcePosition position = source_position(flip, 4, 0, 4, 1);
  EXPECT_EQ(position.row, 1u);
  EXPECT_EQ(position.column, 4u);
  EXPECT_EQ(position.map_index, 0u);
}

TEST(SourcePosition, Rotation180MirrorsBothAxes) {
  const Operation rotate = *operation_for_orientation(3);
  const SourcePosition position = source_position(rotate, 4, 3, 0, 0);
  EXPECT_EQ(position.row, 2u);
  EXPECT_EQ(position.column, 3u);
  EXPECT_EQ(position.map_index, 3u);
}

}  // namespace
}  // namespace exifscrub::jpeg
