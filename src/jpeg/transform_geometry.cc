// Orientation table, trim rule and block positions for the transform.
#include "jpeg/transform_geometry.h"

namespace exifscrub::jpeg {
namespace {

constexpr std::uint32_t kBlockSize = 8;  // pixels per DCT block side

// Cuts a mirrored axis to whole iMCUs, unless it is smaller than one iMCU.
std::uint32_t trim_axis(std::uint32_t full, std::uint32_t imcu, bool mirrored) {
  const std::uint32_t whole = full / imcu;
  return mirrored && whole > 0 ? whole * imcu : full;
}

}  // namespace

std::optional<Operation> operation_for_orientation(int orientation) {
  switch (orientation) {
    case 1: return Operation{false, false, false};  // none
    case 2: return Operation{false, true, false};   // flip horizontal
    case 3: return Operation{false, true, true};    // rotate 180
    case 4: return Operation{false, false, true};   // flip vertical
    case 5: return Operation{true, false, false};   // transpose
    case 6: return Operation{true, true, false};    // rotate 90 clockwise
    case 7: return Operation{true, true, true};     // transverse
    case 8: return Operation{true, false, true};    // rotate 270 clockwise
    default: return std::nullopt;
  }
}

TransformPlan make_transform_plan(const ImageShape& shape, const Operation& operation) {
  TransformPlan plan;
  plan.operation = operation;
  const bool transpose = operation.transpose;
  plan.full_width = transpose ? shape.height : shape.width;
  plan.full_height = transpose ? shape.width : shape.height;
  const int max_h = transpose ? shape.max_v_samp_factor : shape.max_h_samp_factor;
  const int max_v = transpose ? shape.max_h_samp_factor : shape.max_v_samp_factor;
  plan.imcu_width = shape.single_component ? kBlockSize : static_cast<std::uint32_t>(max_h) * kBlockSize;
  plan.imcu_height = shape.single_component ? kBlockSize : static_cast<std::uint32_t>(max_v) * kBlockSize;
  plan.width = trim_axis(plan.full_width, plan.imcu_width, operation.mirror_x);
  plan.height = trim_axis(plan.full_height, plan.imcu_height, operation.mirror_y);
  return plan;
}

SourcePosition source_position(const Operation& operation, std::uint32_t mirror_columns,
                               std::uint32_t mirror_rows, std::uint32_t x, std::uint32_t y) {
  const bool mirror_x = operation.mirror_x && x < mirror_columns;
  const bool mirror_y = operation.mirror_y && y < mirror_rows;
  const std::uint32_t u = mirror_x ? mirror_columns - 1 - x : x;
  const std::uint32_t v = mirror_y ? mirror_rows - 1 - y : y;
  SourcePosition position;
  position.column = operation.transpose ? v : u;
  position.row = operation.transpose ? u : v;
  position.map_index = static_cast<std::size_t>(mirror_x) + 2u * static_cast<std::size_t>(mirror_y);
  return position;
}

}  // namespace exifscrub::jpeg
