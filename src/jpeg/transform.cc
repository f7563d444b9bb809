// Lossless orientation transform through the classic libjpeg API
// (libjpeg-turbo 2.1, jpeg_read_coefficients/jpeg_write_coefficients), with
// the coefficient arrays replaced by compact storage of our own.
//
// Memory: libjpeg's transcoder (and jpegtran) keeps the whole source and the
// whole destination coefficient arrays, 128 bytes per 8x8 block each. Here
// the decompressor's virtual block arrays are PackedBlockArray objects
// (12 bytes per block plus about one per nonzero coefficient), and the
// compressor's arrays store nothing: each block row it requests is generated
// from the packed source at that moment. libjpeg allows this because a row
// pointer from access_virt_barray is valid only until the next access to the
// same array.
//
// The geometry (operations, trim, block positions) is in transform_geometry.h.
//
// Facts about libjpeg-turbo 2.1.5 (Debian 12) that this file relies on, each
// checked by tests/jpeg/transform_test.cc:
// - No input marker is copied: libjpeg writes SOI, a JFIF APP0 for YCbCr and
//   grayscale or an Adobe APP14 for CMYK/YCCK, DQT, SOF, DHT, SOS and EOI.
// - Corrupt entropy data is only a warning to libjpeg, which would fill the
//   gap and succeed, so every warning is treated as an error.
// - Progressive output needs jpeg_simple_progression; arithmetic-coded input
//   comes out Huffman-coded because the compressor's default is Huffman.
#include "jpeg/transform.h"

#include <cstdio>  // jpeglib.h needs FILE
#include <jerror.h>
#include <jpeglib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdint>
#include <iterator>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "jpeg/coefficient_store.h"
#include "jpeg/transform_geometry.h"

namespace exifscrub::jpeg {
namespace {

static_assert(std::is_same_v<JCOEF, std::int16_t>, "PackedBlockArray stores JCOEF as int16_t");
static_assert(DCTSIZE2 == kBlockCoefficients);

// Progressive images with more scans are rejected, because each scan unpacks
// and repacks every row of its components: the count bounds that work.
// NOTE: that work makes many scans costlier than in jpegtran: a 12 MP
// grayscale image with 500 single-coefficient scans takes 7.7 s of CPU here
// and 1.8 s in jpegtran (2 cores, shared machine).
constexpr int kMaxScans = 500;

// Builds the plan from the frame header that jpeg_read_header parsed.
TransformPlan plan_for(const jpeg_decompress_struct& source, const Operation& operation) {
  ImageShape shape;
  shape.width = source.image_width;
  shape.height = source.image_height;
  shape.single_component = source.num_components == 1;
  shape.max_h_samp_factor = source.max_h_samp_factor;
  shape.max_v_samp_factor = source.max_v_samp_factor;
  return make_transform_plan(shape, operation);
}

// A compressor-side virtual array: block rows generated on request.
struct OutputArray {
  int component = 0;
  const PackedBlockArray* source = nullptr;
  std::uint32_t mirror_columns = 0;  // leading block columns that are mirrored
  std::uint32_t mirror_rows = 0;     // leading block rows that are mirrored
  std::unique_ptr<CoefficientBlock[]> window;
  std::vector<CoefficientRow> rows;
  std::uint32_t window_rows = 0;
  std::uint32_t blocks_per_row = 0;
};

struct ErrorManager {
  jpeg_error_mgr pub;  // first member, so libjpeg's pointer is ours too
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

// Everything one call owns. libjpeg reaches it through client_data.
struct Session {
  jpeg_memory_mgr decompress_memory{};  // libjpeg's own functions, for arrays not ours
  jpeg_memory_mgr compress_memory{};
  std::vector<std::unique_ptr<PackedBlockArray>> sources;
  std::vector<std::unique_ptr<OutputArray>> outputs;
  std::array<jvirt_barray_ptr, MAX_COMPONENTS> output_handles{};
  std::array<CoefficientMap, 4> maps;  // indexed by mirror_x + 2 * mirror_y
  TransformPlan plan;

  jpeg_source_mgr source_manager{};
  std::span<const std::uint8_t> input;
  std::size_t input_offset = 0;                      // of the next window libjpeg reads
  std::vector<std::uint8_t>* owned_input = nullptr;  // released as it is read, when set
  std::size_t released = 0;                          // bytes of owned_input given back

  jpeg_destination_mgr destination{};
  std::vector<std::uint8_t> output;  // the buffer libjpeg writes into
  const TransformSink* sink = nullptr;
  bool sink_stopped = false;
  char sink_exception[128] = {};  // what() of the exception that stopped the sink, if any
};

Session& session_of(j_common_ptr cinfo) { return *static_cast<Session*>(cinfo->client_data); }

// --- Errors -----------------------------------------------------------------

[[noreturn]] void exit_with_error(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings (level -1) stop the transform: libjpeg reports corrupt or
// truncated entropy data as warnings and would otherwise go on.
void emit_message(j_common_ptr cinfo, int level) {
  if (level < 0) exit_with_error(cinfo);
}

[[noreturn]] void fail(j_common_ptr cinfo, int code, int parameter = 0) {
  cinfo->err->msg_code = code;
  cinfo->err->msg_parm.i[0] = parameter;
  exit_with_error(cinfo);
}

// Progress monitor: libjpeg calls it before consuming each iMCU row or
// marker, so a scan beyond the limit stops before it is decoded.
void check_scan_count(j_common_ptr cinfo) {
  if (!cinfo->is_decompressor) return;
  const auto* source = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (source->input_scan_number <= kMaxScans) return;
  auto* errors = reinterpret_cast<ErrorManager*>(cinfo->err);
  std::snprintf(errors->message, sizeof errors->message,
                "More than %d scans in a progressive JPEG", kMaxScans);
  std::longjmp(errors->jump, 1);
}

// --- Decompressor side: packed source arrays ---------------------------------

PackedBlockArray* find_source(Session& session, jvirt_barray_ptr handle) {
  for (const auto& array : session.sources) {
    if (reinterpret_cast<jvirt_barray_ptr>(array.get()) == handle) return array.get();
  }
  return nullptr;
}

PackedBlockArray* add_source(Session& session, JDIMENSION blocks_per_row, JDIMENSION rows) noexcept {
  try {
    session.sources.push_back(std::make_unique<PackedBlockArray>(blocks_per_row, rows));
    return session.sources.back().get();
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

// Replaces request_virt_barray. Rows never written read as zero, which is
// what pre_zero requests. max_access needs no reservation here.
jvirt_barray_ptr request_source_array(j_common_ptr cinfo, int pool_id, boolean /*pre_zero*/,
                                      JDIMENSION blocks_per_row, JDIMENSION rows,
                                      JDIMENSION /*max_access*/) {
  if (pool_id != JPOOL_IMAGE) fail(cinfo, JERR_BAD_POOL_ID, pool_id);
  PackedBlockArray* array = add_source(session_of(cinfo), blocks_per_row, rows);
  if (array == nullptr) fail(cinfo, JERR_OUT_OF_MEMORY, 1);
  return reinterpret_cast<jvirt_barray_ptr>(array);
}

JBLOCKARRAY access_source_array(j_common_ptr cinfo, jvirt_barray_ptr handle, JDIMENSION start_row,
                                JDIMENSION num_rows, boolean writable) {
  Session& session = session_of(cinfo);
  PackedBlockArray* array = find_source(session, handle);
  if (array == nullptr) {
    return session.decompress_memory.access_virt_barray(cinfo, handle, start_row, num_rows, writable);
  }
  auto status = PackedBlockArray::AccessStatus::kOk;
  CoefficientRow* rows = array->access(start_row, num_rows, writable != FALSE, &status);
  if (rows == nullptr) {
    if (status == PackedBlockArray::AccessStatus::kBadAccess) fail(cinfo, JERR_BAD_VIRTUAL_ACCESS);
    fail(cinfo, JERR_OUT_OF_MEMORY, 2);
  }
  return rows;
}

// --- Compressor side: generated output arrays --------------------------------

OutputArray* find_output(Session& session, jvirt_barray_ptr handle) {
  for (const auto& array : session.outputs) {
    if (reinterpret_cast<jvirt_barray_ptr>(array.get()) == handle) return array.get();
  }
  return nullptr;
}

// Fills output block row y from the packed source. With a transpose, each
// block comes from another source row, so blocks further along the row are
// prefetched in two steps (table entry, then values).
void generate_row(const Session& session, const OutputArray& array, std::uint32_t y,
                  std::uint32_t width, std::uint64_t band, CoefficientRow out) {
  constexpr std::uint32_t kEntryDistance = 8;
  constexpr std::uint32_t kValueDistance = 4;
  const Operation& operation = session.plan.operation;
  const PackedBlockArray& source = *array.source;
  const auto inside = [&source](const SourcePosition& position) {
    return position.row < source.rows() && position.column < source.blocks_per_row();
  };
  for (std::uint32_t x = 0; x < width; ++x) {
    if (operation.transpose) {
      const SourcePosition ahead = source_position(operation, array.mirror_columns, array.mirror_rows, x + kEntryDistance, y);
      if (x + kEntryDistance < width && inside(ahead)) source.prefetch_entry(ahead.row, ahead.column);
      const SourcePosition near = source_position(operation, array.mirror_columns, array.mirror_rows, x + kValueDistance, y);
      if (x + kValueDistance < width && inside(near)) source.prefetch_block(near.row, near.column);
    }
    const SourcePosition position = source_position(operation, array.mirror_columns, array.mirror_rows, x, y);
    if (!inside(position)) {
      std::fill(std::begin(out[x]), std::end(out[x]), std::int16_t{0});  // not reached by valid plans
      continue;
    }
    source.read_block(position.row, position.column, session.maps[position.map_index], band, out[x]);
  }
}

// Natural-order index of each zigzag position (ITU-T T.81 figure A.6).
constexpr std::array<std::uint8_t, DCTSIZE2> kZigzagToNatural = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

// The coefficients the compressor's current scan encodes, as natural-order
// bits. Progressive output runs two passes per scan (Huffman statistics, then
// output), and most scans cover one band, so generating only that band
// saves most of the work for DC scans. Sequential output has Ss 0, Se 63.
std::uint64_t scan_band(const jpeg_compress_struct& target) {
  if (target.Ss < 0 || target.Se >= DCTSIZE2 || target.Ss > target.Se) return kAllCoefficients;
  std::uint64_t band = 0;
  for (int k = target.Ss; k <= target.Se; ++k) {
    band |= std::uint64_t{1} << kZigzagToNatural[static_cast<std::size_t>(k)];
  }
  return band;
}

bool reserve_output_window(OutputArray& array, std::uint32_t blocks_per_row,
                           std::uint32_t rows) noexcept {
  if (rows <= array.window_rows && blocks_per_row == array.blocks_per_row) return true;
  try {
    array.window = std::make_unique<CoefficientBlock[]>(std::size_t{blocks_per_row} * rows);
    array.rows.resize(rows);
  } catch (const std::bad_alloc&) {
    array.window_rows = 0;
    return false;
  }
  array.window_rows = rows;
  array.blocks_per_row = blocks_per_row;
  for (std::uint32_t i = 0; i < rows; ++i) {
    array.rows[i] = array.window.get() + std::size_t{i} * blocks_per_row;
  }
  return true;
}

// Whether a block row can be Huffman-coded with 8-bit precision: AC values
// need at most 10 bits (|v| <= 1023), DC differences at most 11, which holds
// for any pair of DC values in [-1024, 1023] (ITU-T T.81, F.1.2). libjpeg
// decodes larger values without a warning, and libjpeg-turbo 2.1's
// sequential Huffman encoder then writes them as corrupt entropy data
// without an error (jpegtran too), so they are rejected here instead.
bool coefficients_in_range(CoefficientRow row, std::uint32_t width) {
  for (std::uint32_t x = 0; x < width; ++x) {
    const auto& block = row[x];
    if (block[0] < -1024 || block[0] > 1023) return false;
    for (std::size_t k = 1; k < kBlockCoefficients; ++k) {
      if (block[k] < -1023 || block[k] > 1023) return false;
    }
  }
  return true;
}

JBLOCKARRAY access_output_array(j_common_ptr cinfo, jvirt_barray_ptr handle, JDIMENSION start_row,
                                JDIMENSION num_rows, boolean writable) {
  Session& session = session_of(cinfo);
  OutputArray* array = find_output(session, handle);
  if (array == nullptr) {
    return session.compress_memory.access_virt_barray(cinfo, handle, start_row, num_rows, writable);
  }
  const jpeg_component_info& component =
      reinterpret_cast<j_compress_ptr>(cinfo)->comp_info[array->component];
  const auto h_samp = static_cast<JDIMENSION>(component.h_samp_factor);
  const auto v_samp = static_cast<JDIMENSION>(component.v_samp_factor);
  const JDIMENSION padded_width = (component.width_in_blocks + h_samp - 1) / h_samp * h_samp;
  const JDIMENSION padded_height = (component.height_in_blocks + v_samp - 1) / v_samp * v_samp;
  if (num_rows == 0 || start_row > padded_height || num_rows > padded_height - start_row) {
    fail(cinfo, JERR_BAD_VIRTUAL_ACCESS);
  }
  if (!reserve_output_window(*array, padded_width, num_rows)) fail(cinfo, JERR_OUT_OF_MEMORY, 3);
  const std::uint64_t band = scan_band(*reinterpret_cast<j_compress_ptr>(cinfo));
  for (JDIMENSION i = 0; i < num_rows; ++i) {
    CoefficientRow out = array->rows[i];
    // Padding blocks and rows are never encoded (the compressor makes dummy
    // blocks there) but are zeroed so that no stale data is handed out.
    std::fill(&out[0][0], &out[0][0] + std::size_t{padded_width} * kBlockCoefficients, std::int16_t{0});
    if (start_row + i < component.height_in_blocks) {
      generate_row(session, *array, start_row + i, component.width_in_blocks, band, out);
      if (!coefficients_in_range(out, component.width_in_blocks)) fail(cinfo, JERR_BAD_DCT_COEF);
    }
  }
  return array->rows.data();
}

bool create_outputs(Session& session, const jpeg_compress_struct& target,
                    const jvirt_barray_ptr* source_arrays) noexcept {
  const TransformPlan& plan = session.plan;
  try {
    for (int ci = 0; ci < target.num_components; ++ci) {
      const jpeg_component_info& component = target.comp_info[ci];
      auto array = std::make_unique<OutputArray>();
      array->component = ci;
      array->source = find_source(session, source_arrays[ci]);
      if (array->source == nullptr) return false;
      array->mirror_columns =
          plan.full_width / plan.imcu_width * static_cast<std::uint32_t>(component.h_samp_factor);
      array->mirror_rows =
          plan.full_height / plan.imcu_height * static_cast<std::uint32_t>(component.v_samp_factor);
      session.output_handles[static_cast<std::size_t>(ci)] =
          reinterpret_cast<jvirt_barray_ptr>(array.get());
      session.outputs.push_back(std::move(array));
    }
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

// --- Source: the input in windows, released behind libjpeg when owned --------

// Bytes libjpeg gets per fill. An owned input is given back a window at a time.
constexpr std::size_t kInputWindow = 256 * 1024;

// Gives the whole pages of an owned input before `end` back to the system.
// libjpeg never reads behind its current window, and the caller gave up the
// input, so nothing reads those bytes again.
void release_input_before(Session& session, std::size_t end) {
#if defined(__linux__)
  if (session.owned_input == nullptr) return;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto base = reinterpret_cast<std::uintptr_t>(session.input.data());
  const std::uintptr_t from = (base + session.released + page - 1) / page * page;
  const std::uintptr_t to = (base + end) / page * page;
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
  session.released = std::max(session.released, end);
#else
  static_cast<void>(session);
  static_cast<void>(end);
#endif
}

// Frees an owned input once libjpeg has read all of it.
void release_owned_input(Session& session) noexcept {
  session.input = {};
  std::vector<std::uint8_t>().swap(*session.owned_input);
  session.owned_input = nullptr;
}

void init_source(j_decompress_ptr) {}

boolean fill_input_buffer(j_decompress_ptr cinfo) {
  Session& session = session_of(reinterpret_cast<j_common_ptr>(cinfo));
  const std::size_t start = session.input_offset;
  if (session.input.empty() && start == 0) ERREXIT(cinfo, JERR_INPUT_EMPTY);
  if (start >= session.input.size()) {
    // Past the end: warn (which stops the transform, see emit_message), as
    // libjpeg's own memory source does.
    static constexpr JOCTET kEoi[] = {0xFF, JPEG_EOI};
    WARNMS(cinfo, JWRN_JPEG_EOF);
    session.source_manager.next_input_byte = kEoi;
    session.source_manager.bytes_in_buffer = sizeof kEoi;
    return TRUE;
  }
  release_input_before(session, start);
  const std::size_t size = std::min(kInputWindow, session.input.size() - start);
  session.source_manager.next_input_byte = session.input.data() + start;
  session.source_manager.bytes_in_buffer = size;
  session.input_offset = start + size;
  return TRUE;
}

void skip_input_data(j_decompress_ptr cinfo, long count) {
  jpeg_source_mgr& manager = *cinfo->src;
  while (count > 0) {
    if (static_cast<std::size_t>(count) <= manager.bytes_in_buffer) {
      manager.next_input_byte += count;
      manager.bytes_in_buffer -= static_cast<std::size_t>(count);
      return;
    }
    count -= static_cast<long>(manager.bytes_in_buffer);
    manager.bytes_in_buffer = 0;
    fill_input_buffer(cinfo);
  }
}

void term_source(j_decompress_ptr) {}

// --- Destination: one buffer, passed to the sink whenever it fills -----------

// Bytes libjpeg writes before handing them to the sink.
constexpr std::size_t kOutputChunk = 64 * 1024;

// Passes bytes to the sink. The sink's exceptions must not cross libjpeg's
// C frames, so any of them stops the transform like a refusal does.
bool deliver(Session& session, std::span<const std::uint8_t> bytes) noexcept {
  if (bytes.empty()) return true;
  try {
    if ((*session.sink)(bytes)) return true;
  } catch (const std::exception& exception) {
    std::snprintf(session.sink_exception, sizeof session.sink_exception, "%s", exception.what());
  } catch (...) {
  }
  session.sink_stopped = true;
  return false;
}

bool allocate_output(Session& session) noexcept {
  try {
    session.output.resize(kOutputChunk);
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

void init_destination(j_compress_ptr cinfo) {
  Session& session = session_of(reinterpret_cast<j_common_ptr>(cinfo));
  if (!allocate_output(session)) fail(reinterpret_cast<j_common_ptr>(cinfo), JERR_OUT_OF_MEMORY, 4);
  session.destination.next_output_byte = session.output.data();
  session.destination.free_in_buffer = session.output.size();
}

// Called when the buffer is full: hands it over and starts again.
boolean empty_output_buffer(j_compress_ptr cinfo) {
  Session& session = session_of(reinterpret_cast<j_common_ptr>(cinfo));
  if (!deliver(session, session.output)) fail(reinterpret_cast<j_common_ptr>(cinfo), JERR_FILE_WRITE);
  session.destination.next_output_byte = session.output.data();
  session.destination.free_in_buffer = session.output.size();
  return TRUE;
}

void term_destination(j_compress_ptr cinfo) {
  Session& session = session_of(reinterpret_cast<j_common_ptr>(cinfo));
  const std::size_t used = session.output.size() - session.destination.free_in_buffer;
  if (!deliver(session, std::span<const std::uint8_t>(session.output).first(used))) {
    fail(reinterpret_cast<j_common_ptr>(cinfo), JERR_FILE_WRITE);
  }
}

// --- Parameters ----------------------------------------------------------------

void transpose_quant_tables(jpeg_compress_struct& target) {
  for (JQUANT_TBL* table : target.quant_tbl_ptrs) {
    if (table == nullptr) continue;
    for (int i = 0; i < DCTSIZE; ++i) {
      for (int j = 0; j < i; ++j) {
        std::swap(table->quantval[i * DCTSIZE + j], table->quantval[j * DCTSIZE + i]);
      }
    }
  }
}

// Applies the plan to the parameters jpeg_copy_critical_parameters copied.
void adjust_parameters(const jpeg_decompress_struct& source, jpeg_compress_struct& target,
                       const TransformPlan& plan) {
  if (target.num_components == 1) {
    // Some decoders reject grayscale with other sampling factors.
    target.comp_info[0].h_samp_factor = 1;
    target.comp_info[0].v_samp_factor = 1;
  }
  target.image_width = plan.width;
  target.image_height = plan.height;
  if (plan.operation.transpose) {
    for (int ci = 0; ci < target.num_components; ++ci) {
      jpeg_component_info& component = target.comp_info[ci];
      std::swap(component.h_samp_factor, component.v_samp_factor);
    }
    transpose_quant_tables(target);
    // The pixel aspect ratio turns with the image (jpegtran keeps it as is).
    std::swap(target.X_density, target.Y_density);
  }
  if (source.progressive_mode) jpeg_simple_progression(&target);
}

void install_source_hooks(jpeg_decompress_struct& source, Session& session) {
  source.client_data = &session;
  session.source_manager.init_source = init_source;
  session.source_manager.fill_input_buffer = fill_input_buffer;
  session.source_manager.skip_input_data = skip_input_data;
  session.source_manager.resync_to_restart = jpeg_resync_to_restart;
  session.source_manager.term_source = term_source;
  source.src = &session.source_manager;
  session.decompress_memory = *source.mem;
  source.mem->request_virt_barray = request_source_array;
  source.mem->access_virt_barray = access_source_array;
}

void install_target_hooks(jpeg_compress_struct& target, Session& session) {
  target.client_data = &session;
  session.compress_memory = *target.mem;
  target.mem->access_virt_barray = access_output_array;
  session.destination.init_destination = init_destination;
  session.destination.empty_output_buffer = empty_output_buffer;
  session.destination.term_destination = term_destination;
  target.dest = &session.destination;
}

// --- The two phases ------------------------------------------------------------
// Each function below calls setjmp, and a libjpeg error longjmps back into it,
// skipping every frame in between. So these functions, and everything they
// call that can reach a libjpeg error, hold only trivially destructible
// locals; C++ objects live in the caller's Session.

bool read_header(jpeg_decompress_struct* source, ErrorManager* errors, jpeg_progress_mgr* progress,
                 Session* session) {
  if (setjmp(errors->jump) != 0) return false;
  jpeg_CreateDecompress(source, JPEG_LIB_VERSION, sizeof(jpeg_decompress_struct));
  install_source_hooks(*source, *session);
  source->progress = progress;
  jpeg_read_header(source, TRUE);
  return true;
}

bool transform_coefficients(jpeg_decompress_struct* source, jpeg_compress_struct* target,
                            ErrorManager* errors, Session* session) {
  if (setjmp(errors->jump) != 0) return false;
  jvirt_barray_ptr* source_arrays = jpeg_read_coefficients(source);
  for (const auto& array : session->sources) {
    if (!array->flush()) fail(reinterpret_cast<j_common_ptr>(source), JERR_OUT_OF_MEMORY, 6);
  }
  // The coefficients are all in memory now, and libjpeg reads no more input.
  if (session->owned_input != nullptr) release_owned_input(*session);
  jpeg_CreateCompress(target, JPEG_LIB_VERSION, sizeof(jpeg_compress_struct));
  install_target_hooks(*target, *session);
  jpeg_copy_critical_parameters(source, target);
  adjust_parameters(*source, *target, session->plan);
  if (!create_outputs(*session, *target, source_arrays)) {
    fail(reinterpret_cast<j_common_ptr>(target), JERR_OUT_OF_MEMORY, 7);
  }
  jpeg_write_coefficients(target, session->output_handles.data());
  jpeg_finish_compress(target);
  return true;
}

// --- Frame header and messages ---------------------------------------------------

// The first frame header (SOFn), found by walking segment lengths.
struct FrameHeader {
  std::uint64_t offset = 0;
  std::uint8_t marker = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

bool is_frame_marker(std::uint8_t marker) {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Walks from SOI to the first SOFn, so that the pixel limit is checked before
// libjpeg allocates anything and the error names the segment. Returns
// std::nullopt for anything it does not recognise; libjpeg then reports the
// problem in its own words, or supplies the dimensions.
std::optional<FrameHeader> find_frame_header(std::span<const std::uint8_t> jpeg) {
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return std::nullopt;
  std::size_t pos = 2;
  // Each step advances by at least 1 byte, so the loop ends within size steps.
  while (pos + 4 <= jpeg.size()) {
    if (jpeg[pos] != 0xFF) return std::nullopt;
    const std::uint8_t marker = jpeg[pos + 1];
    if (marker == 0xFF) {  // fill byte before a marker
      ++pos;
      continue;
    }
    if (is_frame_marker(marker)) {
      // SOFn: length (2), precision (1), height (2), width (2).
      if (pos + 9 > jpeg.size()) return std::nullopt;
      const auto height = static_cast<std::uint32_t>(jpeg[pos + 5] << 8 | jpeg[pos + 6]);
      const auto width = static_cast<std::uint32_t>(jpeg[pos + 7] << 8 | jpeg[pos + 8]);
      return FrameHeader{pos, marker, width, height};
    }
    if (marker == 0xDA || marker == 0xD9 || marker == 0xD8) return std::nullopt;
    const std::size_t length = std::size_t{jpeg[pos + 2]} << 8 | jpeg[pos + 3];
    if (length < 2) return std::nullopt;
    pos += 2 + length;
  }
  return std::nullopt;
}

Error transform_error(std::string_view step, const char* detail) {
  std::string message = "lossless transform failed: ";
  message += step;
  message += ": ";
  message += detail;
  return Error{ErrorKind::TransformFailed, 0, std::nullopt, std::move(message)};
}

std::string frame_name(std::uint8_t marker) { return "SOF" + std::to_string(marker - 0xC0); }

Error too_large_error(const std::optional<FrameHeader>& frame, std::uint32_t width,
                      std::uint32_t height, std::uint64_t max_pixels) {
  const std::uint64_t pixels = std::uint64_t{width} * height;
  std::string message = frame ? frame_name(frame->marker) + " segment at offset " +
                                    std::to_string(frame->offset) + ": "
                              : std::string("frame header: ");
  message += "image of " + std::to_string(width) + "x" + std::to_string(height) + " (" +
             std::to_string(pixels) + " pixels) exceeds the transform limit of " +
             std::to_string(max_pixels) + " pixels";
  return Error{ErrorKind::TooLarge, frame ? frame->offset : 0,
               frame ? std::optional<std::uint8_t>(frame->marker) : std::nullopt,
               std::move(message)};
}

// Destroys both libjpeg objects however the call ends; jpeg_destroy is safe
// on a zero-initialised or half-created object.
struct CodecGuard {
  jpeg_decompress_struct* source;
  jpeg_compress_struct* target;
  ~CodecGuard() {
    jpeg_destroy_compress(target);
    jpeg_destroy_decompress(source);
  }
};

void init_maps(Session& session) {
  const bool transpose = session.plan.operation.transpose;
  for (int variant = 0; variant < 4; ++variant) {
    session.maps[static_cast<std::size_t>(variant)] =
        make_coefficient_map(transpose, (variant & 1) != 0, (variant & 2) != 0);
  }
}

// Both public versions. owned_input, when set, contains the bytes of jpeg and is
// released as libjpeg reads it.
Result<TransformResult> run_transform(std::span<const std::uint8_t> jpeg,
                                      std::vector<std::uint8_t>* owned_input, int orientation,
                                      std::uint64_t max_pixels, const TransformSink& sink) {
  const auto operation = operation_for_orientation(orientation);
  if (!operation) {
    return Error{ErrorKind::UnsupportedFeature, 0, std::nullopt,
                 "EXIF orientation " + std::to_string(orientation) + " is outside 1-8"};
  }
  const auto frame = find_frame_header(jpeg);
  if (frame && std::uint64_t{frame->width} * frame->height > max_pixels) {
    return too_large_error(frame, frame->width, frame->height, max_pixels);
  }

  Session session;
  session.sink = &sink;
  session.input = jpeg;
  session.owned_input = owned_input;
  ErrorManager errors{};
  jpeg_std_error(&errors.pub);
  errors.pub.error_exit = exit_with_error;
  errors.pub.emit_message = emit_message;
  jpeg_progress_mgr progress{};
  progress.progress_monitor = check_scan_count;
  jpeg_decompress_struct source{};
  jpeg_compress_struct target{};
  source.err = &errors.pub;
  target.err = &errors.pub;
  const CodecGuard guard{&source, &target};

  if (!read_header(&source, &errors, &progress, &session)) {
    return transform_error("reading the header", errors.message);
  }
  if (!frame && std::uint64_t{source.image_width} * source.image_height > max_pixels) {
    return too_large_error(std::nullopt, source.image_width, source.image_height, max_pixels);
  }
  session.plan = plan_for(source, *operation);
  init_maps(session);

  if (!transform_coefficients(&source, &target, &errors, &session)) {
    if (session.sink_stopped) {
      std::string detail = "the consumer of the output stopped it";
      if (session.sink_exception[0] != '\0') detail.append(": ").append(session.sink_exception);
      return transform_error("writing", detail.c_str());
    }
    return transform_error("transforming", errors.message);
  }
  const TransformPlan& plan = session.plan;
  TransformResult result;
  result.width = plan.width;
  result.height = plan.height;
  result.trimmed_columns = plan.full_width - plan.width;
  result.trimmed_rows = plan.full_height - plan.height;
  return result;
}

}  // namespace

Result<TransformResult> transform_to_upright(std::span<const std::uint8_t> jpeg, int orientation,
                                             std::uint64_t max_pixels) {
  std::vector<std::uint8_t> output;
  // The output is about as large as the input; a margin avoids most regrowth.
  output.reserve(jpeg.size() + jpeg.size() / 16 + 4096);
  const TransformSink append = [&output](std::span<const std::uint8_t> bytes) {
    output.insert(output.end(), bytes.begin(), bytes.end());
    return true;
  };
  Result<TransformResult> result = run_transform(jpeg, nullptr, orientation, max_pixels, append);
  if (result) result->jpeg = std::move(output);
  return result;
}

Result<TransformResult> transform_to_upright(std::vector<std::uint8_t> jpeg, int orientation,
                                             std::uint64_t max_pixels, const TransformSink& sink) {
  const std::span<const std::uint8_t> bytes = jpeg;
  return run_transform(bytes, &jpeg, orientation, max_pixels, sink);
}

}  // namespace exifscrub::jpeg
