// Geometry of the lossless transform: which EXIF orientation needs which
// operation, the output size after the trim, and which source block each
// output block comes from. Knows nothing of libjpeg or of coefficients.
//
// Every operation is described in the output's axes as an optional transpose
// followed by a horizontal and/or a vertical mirror. Mirroring moves whole
// iMCUs, so a partial iMCU that would land on the left or top edge is trimmed,
// as `jpegtran -trim` does (libjpeg-turbo 2.1.5 transupp.c). An image smaller
// than one iMCU along a mirrored axis is not trimmed, and its blocks stay in
// place with their coefficients transformed, again as jpegtran does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace exifscrub::jpeg {

struct Operation {
  bool transpose = false;
  bool mirror_x = false;  // horizontal mirror of the output
  bool mirror_y = false;  // vertical mirror of the output
};

// Returns the operation that makes an image with this EXIF orientation
// upright, or std::nullopt outside 1-8. Orientation 1 is the identity.
std::optional<Operation> operation_for_orientation(int orientation);

// The source image as the frame header describes it.
struct ImageShape {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  bool single_component = false;  // written with 1x1 sampling whatever its factors
  int max_h_samp_factor = 1;
  int max_v_samp_factor = 1;
};

// Output dimensions and iMCU size, in pixels and in the output's orientation.
struct TransformPlan {
  Operation operation;
  std::uint32_t full_width = 0;  // before the trim
  std::uint32_t full_height = 0;
  std::uint32_t width = 0;  // after the trim
  std::uint32_t height = 0;
  std::uint32_t imcu_width = 0;
  std::uint32_t imcu_height = 0;
};

TransformPlan make_transform_plan(const ImageShape& shape, const Operation& operation);

// Source block of one output block, in one component's block grid.
struct SourcePosition {
  std::uint32_t row = 0;
  std::uint32_t column = 0;
  // The block map to apply: 1 if the block is mirrored horizontally, plus 2
  // if it is mirrored vertically (see make_coefficient_map).
  std::size_t map_index = 0;
};

// Returns where output block (x, y) comes from. mirror_columns and
// mirror_rows count the component's blocks in whole output iMCUs along each
// axis: blocks beyond them (a partial iMCU that was not trimmed) are not
// mirrored.
SourcePosition source_position(const Operation& operation, std::uint32_t mirror_columns,
                               std::uint32_t mirror_rows, std::uint32_t x, std::uint32_t y);

}  // namespace exifscrub::jpeg
