// The S3 processor against the real local Ceph RGW: every event outcome,
// ordering by sequencer, conditional reads and writes, and the streaming path.
// Needs the environment of scripts/local-rgw.sh (the rgw CTest fixture).
#include "pipeline/s3_processor.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "jpeg/scrub.h"
#include "test_photo.h"

namespace exifscrub::pipeline {
namespace {

using testing::Bytes;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

class S3ProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_bucket_ = environment("SOURCE_BUCKET");
    destination_bucket_ = environment("DEST_BUCKET");
    if (source_bucket_.empty() || environment("AWS_ENDPOINT_URL").empty()) {
      GTEST_SKIP() << "the local S3 environment is not loaded; run through the rgw CTest fixture";
    }
    auto config = s3::config_from_environment();
    ASSERT_TRUE(config.ok()) << config.error().describe();
    client_ = std::make_unique<s3::Client>(config.value());
    ProcessorConfig processor_config;
    processor_config.destination_bucket = destination_bucket_;
    processor_ = std::make_unique<S3Processor>(*client_, processor_config);
    prefix_ = "processor-" + std::to_string(std::random_device{}()) + "/";
  }

  std::string put_source(const std::string& key, const Bytes& body) {
    s3::PutOptions options;
    options.content_type = "image/jpeg";
    options.metadata["camera-owner"] = "Jane Example";
    auto put = client_->put_object(source_bucket_, key, body, options);
    EXPECT_TRUE(put.ok()) << put.error().describe();
    return put.ok() ? put.value().etag : "";
  }

  std::optional<Bytes> get_destination(const std::string& key) {
    Bytes body;
    auto got = client_->get_object(destination_bucket_, key, [&](std::span<const std::uint8_t> chunk) {
      body.insert(body.end(), chunk.begin(), chunk.end());
      return true;
    });
    if (!got.ok()) return std::nullopt;
    return body;
  }

  ObjectEvent created(const std::string& key, const std::string& etag, const std::string& sequencer) {
    ObjectEvent event;
    event.action = EventAction::Created;
    event.bucket = source_bucket_;
    event.key = key;
    event.etag = etag;
    event.sequencer = sequencer;
    return event;
  }

  // An event with the object size, as S3 notifications carry it, so the
  // processor writes before it reads the destination.
  ObjectEvent created_sized(const std::string& key, const std::string& etag, const std::string& sequencer,
                            std::size_t size) {
    ObjectEvent event = created(key, etag, sequencer);
    event.size = size;
    return event;
  }

  // Writes key in the destination as another writer would: raw bytes, with
  // the sequencer metadata when one is given.
  std::string put_destination(const std::string& key, const std::string& text, const std::string& sequencer) {
    s3::PutOptions options;
    options.content_type = "image/jpeg";
    if (!sequencer.empty()) options.metadata[kSourceSequencerMetadata] = sequencer;
    auto put = client_->put_object(destination_bucket_, key, Bytes(text.begin(), text.end()), options);
    EXPECT_TRUE(put.ok()) << put.error().describe();
    return put.ok() ? put.value().etag : "";
  }

  ObjectEvent removed(const std::string& key, const std::string& sequencer) {
    ObjectEvent event;
    event.action = EventAction::Removed;
    event.bucket = source_bucket_;
    event.key = key;
    event.sequencer = sequencer;
    return event;
  }

  static Bytes scrubbed(const Bytes& input) {
    auto output = jpeg::scrub(input, jpeg::ScrubOptions{});
    EXPECT_TRUE(output.ok());
    return output.ok() ? output.value().jpeg : Bytes{};
  }

  std::string source_bucket_, destination_bucket_, prefix_;
  std::unique_ptr<s3::Client> client_;
  std::unique_ptr<S3Processor> processor_;
};

TEST_F(S3ProcessorTest, CreatedEventWritesScrubbedCopy) {
  const std::string key = prefix_ + "IMG 0001 (1).JPG";
  const Bytes photo = testing::camera_photo(64, 48, 6);
  const std::string etag = put_source(key, photo);

  const ObjectOutcome outcome = processor_->process(created(key, etag, "0055AED6DCD90281E5"));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(outcome.bytes_in, photo.size());
  EXPECT_EQ(outcome.orientation_applied, 6);
  const auto stored = get_destination(key);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, scrubbed(photo));
  EXPECT_EQ(outcome.bytes_out, stored->size());

  auto head = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().content_type, "image/jpeg");
  EXPECT_EQ(head.value().metadata.count("camera-owner"), 0u);
  EXPECT_EQ(head.value().metadata.at(kSourceSequencerMetadata), "0055AED6DCD90281E5");
  EXPECT_EQ("\"" + head.value().metadata.at(kSourceEtagMetadata) + "\"", etag);
}

TEST_F(S3ProcessorTest, DuplicateEventIsStale) {
  const std::string key = prefix_ + "dup.jpg";
  const std::string etag = put_source(key, testing::camera_photo(32, 32, 1));
  ASSERT_EQ(processor_->process(created(key, etag, "00A0")).outcome, Outcome::Scrubbed);
  auto before = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(before.ok());

  const ObjectOutcome again = processor_->process(created(key, etag, "00A0"));

  EXPECT_EQ(again.outcome, Outcome::Stale);
  auto after = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.value().etag, before.value().etag);
}

TEST_F(S3ProcessorTest, OlderEventNeverOverwritesNewer) {
  const std::string key = prefix_ + "order.jpg";
  const Bytes newer = testing::camera_photo(32, 32, 1, 9);
  const std::string newer_etag = put_source(key, newer);
  ASSERT_EQ(processor_->process(created(key, newer_etag, "00B0")).outcome, Outcome::Scrubbed);

  const ObjectOutcome older = processor_->process(created(key, "\"0123456789abcdef0123456789abcdef\"", "00A0"));

  EXPECT_EQ(older.outcome, Outcome::Stale);
  EXPECT_EQ(get_destination(key), scrubbed(newer));
}

TEST_F(S3ProcessorTest, NewerEventReplacesOlderResult) {
  const std::string key = prefix_ + "replace-result.jpg";
  const std::string first_etag = put_source(key, testing::camera_photo(32, 32, 1, 1));
  ASSERT_EQ(processor_->process(created(key, first_etag, "00A0")).outcome, Outcome::Scrubbed);
  const Bytes second = testing::camera_photo(48, 32, 1, 2);
  const std::string second_etag = put_source(key, second);

  const ObjectOutcome outcome = processor_->process(created(key, second_etag, "00B0"));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(get_destination(key), scrubbed(second));
}

TEST_F(S3ProcessorTest, EventForReplacedSourceWritesNothing) {
  const std::string key = prefix_ + "replaced.jpg";
  put_source(key, testing::camera_photo(32, 32, 1, 1));

  const ObjectOutcome outcome =
      processor_->process(created(key, "\"0123456789abcdef0123456789abcdef\"", "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Stale);
  EXPECT_EQ(outcome.error_kind, "source_changed");
  EXPECT_FALSE(get_destination(key).has_value());
}

TEST_F(S3ProcessorTest, RemovedEventDeletesDestination) {
  const std::string key = prefix_ + "deep/path/to/remove me.jpeg";
  const std::string etag = put_source(key, testing::camera_photo(32, 32, 1));
  ASSERT_EQ(processor_->process(created(key, etag, "00A0")).outcome, Outcome::Scrubbed);

  EXPECT_EQ(processor_->process(removed(key, "00B0")).outcome, Outcome::Deleted);
  EXPECT_FALSE(get_destination(key).has_value());
  EXPECT_EQ(processor_->process(removed(key, "00B0")).outcome, Outcome::Deleted);
}

TEST_F(S3ProcessorTest, OlderRemovedEventKeepsNewerUpload) {
  const std::string key = prefix_ + "late-delete.jpg";
  const std::string etag = put_source(key, testing::camera_photo(32, 32, 1));
  ASSERT_EQ(processor_->process(created(key, etag, "00C0")).outcome, Outcome::Scrubbed);

  EXPECT_EQ(processor_->process(removed(key, "00B0")).outcome, Outcome::Stale);
  EXPECT_TRUE(get_destination(key).has_value());
}

TEST_F(S3ProcessorTest, NonJpegIsRejectedAndNothingWritten) {
  const std::string key = prefix_ + "not-a-photo.jpg";
  const std::string text = "%PDF-1.4 this is not a JPEG";
  const std::string etag = put_source(key, Bytes(text.begin(), text.end()));

  const ObjectOutcome outcome = processor_->process(created(key, etag, "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Rejected);
  EXPECT_EQ(outcome.error_kind, "not_jpeg");
  EXPECT_NE(outcome.message.find(key), std::string::npos);
  EXPECT_FALSE(get_destination(key).has_value());
}

TEST_F(S3ProcessorTest, TruncatedJpegIsRejectedAndNothingWritten) {
  const std::string key = prefix_ + "truncated.jpg";
  // Cut inside the scan data, as an interrupted upload would.
  Bytes photo = testing::encode_gradient(64, 64);
  photo.resize(photo.size() - 20);
  const std::string etag = put_source(key, photo);

  const ObjectOutcome outcome = processor_->process(created(key, etag, "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Rejected);
  EXPECT_EQ(outcome.error_kind, "truncated");
  EXPECT_FALSE(get_destination(key).has_value());
}

TEST_F(S3ProcessorTest, MissingSourceIsReported) {
  const ObjectOutcome outcome = processor_->process(created(prefix_ + "never-uploaded.jpg", "", "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Missing);
  EXPECT_EQ(outcome.error_kind, "no_such_key");
}

TEST_F(S3ProcessorTest, OtherSuffixesAreSkipped) {
  const ObjectOutcome outcome = processor_->process(created(prefix_ + "notes.txt", "", "00A0"));
  EXPECT_EQ(outcome.outcome, Outcome::Skipped);
}

TEST_F(S3ProcessorTest, DestinationBucketEventIsRejected) {
  ObjectEvent event = created(prefix_ + "loop.jpg", "", "00A0");
  event.bucket = destination_bucket_;
  const ObjectOutcome outcome = processor_->process(event);
  EXPECT_EQ(outcome.outcome, Outcome::Rejected);
  EXPECT_EQ(outcome.error_kind, "recursion_guard");
}

TEST_F(S3ProcessorTest, OversizedObjectIsRejected) {
  ProcessorConfig config;
  config.destination_bucket = destination_bucket_;
  config.limits.max_object_bytes = 1000;
  S3Processor small(*client_, config);
  const std::string key = prefix_ + "big.jpg";
  const std::string etag = put_source(key, testing::encode_gradient(256, 256));

  const ObjectOutcome outcome = small.process(created(key, etag, "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Rejected);
  EXPECT_EQ(outcome.error_kind, "too_large");
  EXPECT_FALSE(get_destination(key).has_value());
}

TEST_F(S3ProcessorTest, LargeObjectStreamsToSameBytes) {
  ProcessorConfig config;
  config.destination_bucket = destination_bucket_;
  config.limits.buffer_bytes = 4096;
  S3Processor streaming(*client_, config);
  const std::string key = prefix_ + "streamed.jpg";
  const Bytes photo = testing::camera_photo(400, 300, 1);
  ASSERT_GT(photo.size(), 4096u);
  const std::string etag = put_source(key, photo);

  const ObjectOutcome outcome = streaming.process(created(key, etag, "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(get_destination(key), scrubbed(photo));
}

// Over 8 MiB of output, so parts are uploaded while the GET is still running.
TEST_F(S3ProcessorTest, MultipartStreamedObjectMatchesScrub) {
  ProcessorConfig config;
  config.destination_bucket = destination_bucket_;
  config.limits.buffer_bytes = 1024 * 1024;
  S3Processor streaming(*client_, config);
  const std::string key = prefix_ + "multipart.jpg";
  const Bytes photo = testing::with_segments_after_soi(testing::encode_noise(2400, 1600),
                                                       testing::comment_segment("serial 0042"));
  ASSERT_GT(photo.size(), 9u * 1024 * 1024);
  const std::string etag = put_source(key, photo);

  const ObjectOutcome outcome = streaming.process(created(key, etag, "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(get_destination(key), scrubbed(photo));
  auto head = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(head.ok());
  EXPECT_NE(head.value().etag.find('-'), std::string::npos) << "expected a multipart ETag: " << head.value().etag;
}

TEST_F(S3ProcessorTest, LargeRotatedObjectIsFetchedWhole) {
  ProcessorConfig config;
  config.destination_bucket = destination_bucket_;
  config.limits.buffer_bytes = 4096;
  S3Processor streaming(*client_, config);
  const std::string key = prefix_ + "streamed-rotated.jpg";
  const Bytes photo = testing::camera_photo(400, 300, 8);
  const std::string etag = put_source(key, photo);

  const ObjectOutcome outcome = streaming.process(created(key, etag, "00A0"));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(outcome.orientation_applied, 8);
  EXPECT_EQ(get_destination(key), scrubbed(photo));
}

TEST_F(S3ProcessorTest, NewKeyIsWrittenWithoutRetry) {
  const std::string key = prefix_ + "new-key.jpg";
  const Bytes photo = testing::camera_photo(32, 32, 1);
  const std::string etag = put_source(key, photo);
  int retries = 0;
  processor_->set_retry_hook([&] { ++retries; });

  const ObjectOutcome outcome = processor_->process(created_sized(key, etag, "00A0", photo.size()));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(retries, 0);
  EXPECT_EQ(get_destination(key), scrubbed(photo));
}

// The write comes first, so the scrub runs and its PUT fails with 412; the
// HEAD after it finds the newer copy, which stays.
TEST_F(S3ProcessorTest, ExistingNewerCopyIsKept) {
  const std::string key = prefix_ + "newer-copy.jpg";
  const Bytes photo = testing::camera_photo(32, 32, 1);
  const std::string etag = put_source(key, photo);
  const std::string newer_etag = put_destination(key, "result of a later event", "00C0");
  int retries = 0;
  processor_->set_retry_hook([&] { ++retries; });

  const ObjectOutcome outcome = processor_->process(created_sized(key, etag, "00B0", photo.size()));

  EXPECT_EQ(outcome.outcome, Outcome::Stale);
  EXPECT_EQ(outcome.error_kind, "");
  EXPECT_EQ(outcome.message, "destination already holds the result of this or a later event");
  EXPECT_EQ(retries, 1);
  auto head = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().etag, newer_etag);
}

TEST_F(S3ProcessorTest, ExistingOlderCopyIsOverwritten) {
  const std::string key = prefix_ + "older-copy.jpg";
  const Bytes photo = testing::camera_photo(48, 32, 1, 3);
  const std::string etag = put_source(key, photo);
  put_destination(key, "result of an earlier event", "00A0");
  int retries = 0;
  processor_->set_retry_hook([&] { ++retries; });

  const ObjectOutcome outcome = processor_->process(created_sized(key, etag, "00B0", photo.size()));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(retries, 1);
  EXPECT_EQ(get_destination(key), scrubbed(photo));
  auto head = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().metadata.at(kSourceSequencerMetadata), "00B0");
}

TEST_F(S3ProcessorTest, ForeignCopyWithoutSequencerIsOverwritten) {
  const std::string key = prefix_ + "foreign-copy.jpg";
  const Bytes photo = testing::camera_photo(32, 32, 1);
  const std::string etag = put_source(key, photo);
  put_destination(key, "written by another tool", "");

  const ObjectOutcome outcome = processor_->process(created_sized(key, etag, "00B0", photo.size()));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(get_destination(key), scrubbed(photo));
}

// A second client writes the result of a later event between the HEAD and
// the If-Match PUT. The PUT fails, the next HEAD returns the later sequencer,
// and the later result stays: no update is lost.
TEST_F(S3ProcessorTest, RacingNewerWriterIsNotOverwritten) {
  const std::string key = prefix_ + "race-newer.jpg";
  const Bytes photo = testing::camera_photo(32, 32, 1);
  const std::string etag = put_source(key, photo);
  put_destination(key, "result of an earlier event", "00A0");
  auto config = s3::config_from_environment();
  ASSERT_TRUE(config.ok());
  s3::Client racer(config.value());
  int retries = 0;
  std::string racer_etag;
  processor_->set_retry_hook([&] {
    if (++retries > 1) return;
    s3::PutOptions options;
    options.metadata[kSourceSequencerMetadata] = "00C0";
    const std::string text = "result of a later event";
    auto put = racer.put_object(destination_bucket_, key, Bytes(text.begin(), text.end()), options);
    ASSERT_TRUE(put.ok()) << put.error().describe();
    racer_etag = put.value().etag;
  });

  const ObjectOutcome outcome = processor_->process(created_sized(key, etag, "00B0", photo.size()));

  EXPECT_EQ(outcome.outcome, Outcome::Stale) << outcome.message;
  EXPECT_EQ(retries, 2);
  const std::string text = "result of a later event";
  EXPECT_EQ(get_destination(key), Bytes(text.begin(), text.end()));
  auto head = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().etag, racer_etag);
}

// A racing writer of an older result loses: the next round overwrites it.
TEST_F(S3ProcessorTest, RacingOlderWriterIsOverwritten) {
  const std::string key = prefix_ + "race-older.jpg";
  const Bytes photo = testing::camera_photo(32, 32, 1);
  const std::string etag = put_source(key, photo);
  put_destination(key, "result of an earlier event", "00A0");
  int retries = 0;
  processor_->set_retry_hook([&] {
    if (++retries == 1) put_destination(key, "result of another earlier event", "00A1");
  });

  const ObjectOutcome outcome = processor_->process(created_sized(key, etag, "00B0", photo.size()));

  EXPECT_EQ(outcome.outcome, Outcome::Scrubbed) << outcome.message;
  EXPECT_EQ(retries, 2);
  EXPECT_EQ(get_destination(key), scrubbed(photo));
}

TEST_F(S3ProcessorTest, DestinationChangingEveryRoundFails) {
  const std::string key = prefix_ + "race-forever.jpg";
  const Bytes photo = testing::camera_photo(32, 32, 1);
  const std::string etag = put_source(key, photo);
  put_destination(key, "result of an earlier event", "00A0");
  int retries = 0;
  processor_->set_retry_hook([&] { put_destination(key, "rewrite " + std::to_string(++retries), "00A0"); });

  const ObjectOutcome outcome = processor_->process(created_sized(key, etag, "00B0", photo.size()));

  EXPECT_EQ(outcome.outcome, Outcome::Failed);
  EXPECT_EQ(outcome.error_kind, "write_conflict");
  EXPECT_EQ(outcome.message, "destination object kept changing during 3 attempts; the event is retried");
  EXPECT_EQ(retries, 3);
  const std::string last = "rewrite 3";
  EXPECT_EQ(get_destination(key), Bytes(last.begin(), last.end()));
}

// Objects that will stream, and events without a size, read the destination
// first, so a newer copy is found before anything is fetched or uploaded.
TEST_F(S3ProcessorTest, LargeObjectChecksDestinationFirst) {
  ProcessorConfig config;
  config.destination_bucket = destination_bucket_;
  config.limits.buffer_bytes = 4096;
  S3Processor streaming(*client_, config);
  const std::string key = prefix_ + "large-newer-copy.jpg";
  const Bytes photo = testing::camera_photo(400, 300, 1);
  ASSERT_GT(photo.size(), 4096u);
  const std::string etag = put_source(key, photo);
  const std::string newer_etag = put_destination(key, "result of a later event", "00C0");
  int retries = 0;
  streaming.set_retry_hook([&] { ++retries; });

  for (const std::size_t size : {photo.size(), std::size_t{0}}) {
    const ObjectOutcome outcome = streaming.process(created_sized(key, etag, "00B0", size));
    EXPECT_EQ(outcome.outcome, Outcome::Stale) << "size " << size;
  }
  EXPECT_EQ(retries, 0);
  auto head = client_->head_object(destination_bucket_, key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().etag, newer_etag);
}

}  // namespace
}  // namespace exifscrub::pipeline
