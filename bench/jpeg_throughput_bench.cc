// In-process throughput of the JPEG library beside memcpy of the same bytes.
//
// Loads every file under EXIFSCRUB_CORPUS_DIR that scrub() accepts, plus the
// camera-sized photos named by EXIFSCRUB_BENCH_PHOTO (orientation 1) and
// EXIFSCRUB_BENCH_PHOTO_ROTATED (orientation 6), and registers one benchmark
// per operation over the whole set, so bytes_per_second compares directly
// with memcpy. verify_clean() is timed alone as well, because scrub() pays
// for it on every output. Does not touch the disk inside the timed loops.
//
// Usage: exifscrub_jpeg_bench [Google Benchmark flags]; scripts/run-bench.sh
// sets the environment and turns the JSON output into ratios.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "jpeg/scrub.h"

namespace {

namespace fs = std::filesystem;
using exifscrub::jpeg::OrientationMode;
using exifscrub::jpeg::ScrubOptions;
using File = std::vector<std::uint8_t>;

File read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ScrubOptions options_for(OrientationMode mode) {
  ScrubOptions options;
  options.orientation = mode;
  return options;
}

// Reads every regular file under `root` that scrub() accepts in both modes.
std::vector<File> load_accepted(const fs::path& root) {
  std::vector<File> files;
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    File bytes = read_file(path);
    if (exifscrub::jpeg::scrub(bytes, options_for(OrientationMode::Apply)).ok() &&
        exifscrub::jpeg::scrub(bytes, options_for(OrientationMode::Drop)).ok()) {
      files.push_back(std::move(bytes));
    }
  }
  return files;
}

std::int64_t total_bytes(const std::vector<File>& files) {
  std::size_t total = 0;
  for (const auto& file : files) total += file.size();
  return static_cast<std::int64_t>(total);
}

void run_memcpy(benchmark::State& state, const std::vector<File>* files) {
  std::vector<File> copies;
  for (const auto& file : *files) copies.emplace_back(file.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < files->size(); ++i) {
      std::memcpy(copies[i].data(), (*files)[i].data(), (*files)[i].size());
      benchmark::DoNotOptimize(copies[i].data());
      benchmark::ClobberMemory();
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(*files));
}

// The floor for any API that returns a new buffer: allocate it, then copy.
void run_copy_to_new_vector(benchmark::State& state, const std::vector<File>* files) {
  for (auto _ : state) {
    for (const auto& file : *files) {
      File copy(file.begin(), file.end());
      benchmark::DoNotOptimize(copy.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(*files));
}

void run_scrub(benchmark::State& state, const std::vector<File>* files, OrientationMode mode) {
  const ScrubOptions options = options_for(mode);
  for (auto _ : state) {
    for (const auto& file : *files) {
      auto result = exifscrub::jpeg::scrub(file, options);
      if (!result.ok()) {
        state.SkipWithError("scrub() rejected a file it accepted while loading");
        return;
      }
      benchmark::DoNotOptimize(result.value().jpeg.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(*files));
}

void run_stream(benchmark::State& state, const std::vector<File>* files, std::size_t chunk_size) {
  for (auto _ : state) {
    for (const auto& file : *files) {
      std::size_t written = 0;
      exifscrub::jpeg::StreamScrubber scrubber(options_for(OrientationMode::Drop),
                                               [&written](std::span<const std::uint8_t> piece) { written += piece.size(); });
      bool ok = true;
      for (std::size_t at = 0; ok && at < file.size(); at += chunk_size) {
        ok = scrubber.write(std::span(file).subspan(at, std::min(chunk_size, file.size() - at))).ok();
      }
      if (!ok || !scrubber.finish().ok()) {
        state.SkipWithError("the stream scrubber rejected a file scrub() accepts");
        return;
      }
      benchmark::DoNotOptimize(written);
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(*files));
}

// Times verify_clean() alone on each file's scrub (drop) output: one walker
// pass, the release check that scrub() runs on top of its own walk and copy.
// bytes_per_second counts output bytes.
void run_verify(benchmark::State& state, const std::vector<File>* files) {
  std::vector<File> outputs;
  for (const auto& file : *files) {
    auto result = exifscrub::jpeg::scrub(file, options_for(OrientationMode::Drop));
    if (!result.ok()) {
      state.SkipWithError("scrub() rejected a file it accepted while loading");
      return;
    }
    outputs.push_back(std::move(result.value().jpeg));
  }
  for (auto _ : state) {
    for (const auto& output : outputs) {
      if (!exifscrub::jpeg::verify_clean(output).ok()) {
        state.SkipWithError("verify_clean() rejected an output of scrub()");
        return;
      }
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(outputs));
}

// Registers memcpy, copy, scrub (drop and apply), stream and verify benchmarks over one file set.
void register_set(const std::string& name, const std::vector<File>& files) {
  if (files.empty()) return;
  benchmark::RegisterBenchmark(("memcpy/" + name).c_str(), run_memcpy, &files)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("copy_to_new_vector/" + name).c_str(), run_copy_to_new_vector, &files)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("scrub_drop/" + name).c_str(), run_scrub, &files, OrientationMode::Drop)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("scrub_apply/" + name).c_str(), run_scrub, &files, OrientationMode::Apply)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("stream_drop_64k/" + name).c_str(), run_stream, &files, std::size_t{65536})
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("verify_clean/" + name).c_str(), run_verify, &files)->Unit(benchmark::kMillisecond);
}

std::vector<File> load_photo(const char* variable) {
  const char* value = std::getenv(variable);
  if (value == nullptr || !fs::is_regular_file(value)) return {};
  return {read_file(value)};
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);

  // The file sets must outlive RunSpecifiedBenchmarks, which reads them through pointers.
  std::vector<File> corpus;
  if (const char* dir = std::getenv("EXIFSCRUB_CORPUS_DIR"); dir != nullptr && fs::is_directory(dir)) {
    corpus = load_accepted(dir);
  }
  const std::vector<File> photo = load_photo("EXIFSCRUB_BENCH_PHOTO");
  const std::vector<File> rotated = load_photo("EXIFSCRUB_BENCH_PHOTO_ROTATED");
  if (corpus.empty() && photo.empty() && rotated.empty()) {
    std::cerr << "exifscrub_jpeg_bench: nothing to measure; set EXIFSCRUB_CORPUS_DIR to a folder of JPEGs or "
                 "EXIFSCRUB_BENCH_PHOTO to a JPEG file (scripts/run-bench.sh does both)\n";
    return 2;
  }
  std::cerr << "exifscrub_jpeg_bench: corpus set has " << corpus.size() << " files, " << total_bytes(corpus)
            << " bytes\n";

  register_set("corpus", corpus);
  register_set("photo_4000x3000", photo);
  register_set("photo_4000x3000_orientation_6", rotated);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
