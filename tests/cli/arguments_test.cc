// Tests of the strip and inspect argument parsers, in process.
#include "cli/arguments.h"

#include <gtest/gtest.h>

namespace exifscrub::cli {
namespace {

using Args = std::vector<std::string>;

Result<StripArguments, UsageError> parse_strip(const Args& args) {
  return parse_strip_arguments(args);
}

std::string strip_error(const Args& args) {
  const auto parsed = parse_strip(args);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.error().message;
}

TEST(ParseStripArguments, DefaultsMatchLibrary) {
  const auto parsed = parse_strip({"in.jpg", "-o", "out.jpg"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs, Args{"in.jpg"});
  EXPECT_EQ(parsed->output, "out.jpg");
  EXPECT_EQ(parsed->scrub.orientation, jpeg::OrientationMode::Apply);
  EXPECT_TRUE(parsed->scrub.keep_icc);
  EXPECT_EQ(parsed->scrub.max_transform_pixels, 100'000'000u);
  EXPECT_FALSE(parsed->quiet);
  EXPECT_FALSE(parsed->json);
  EXPECT_FALSE(parsed->no_fsync);
  EXPECT_FALSE(parsed->help);
}

TEST(ParseStripArguments, ReadsEveryOption) {
  const auto parsed = parse_strip({"--orientation", "keep-tag", "a.jpg", "--drop-icc",
                                   "--max-pixels=5000", "--quiet", "--json", "b.jpg",
                                   "--output=out", "--no-fsync"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs, (Args{"a.jpg", "b.jpg"}));
  EXPECT_EQ(parsed->output, "out");
  EXPECT_EQ(parsed->scrub.orientation, jpeg::OrientationMode::KeepTag);
  EXPECT_FALSE(parsed->scrub.keep_icc);
  EXPECT_EQ(parsed->scrub.max_transform_pixels, 5000u);
  EXPECT_TRUE(parsed->quiet);
  EXPECT_TRUE(parsed->json);
  EXPECT_TRUE(parsed->no_fsync);
}

TEST(ParseStripArguments, OrientationModes) {
  EXPECT_EQ(parse_strip({"a", "-o", "b", "--orientation=apply"})->scrub.orientation,
            jpeg::OrientationMode::Apply);
  EXPECT_EQ(parse_strip({"a", "-o", "b", "--orientation=drop"})->scrub.orientation,
            jpeg::OrientationMode::Drop);
  EXPECT_EQ(strip_error({"a", "-o", "b", "--orientation", "rotate"}),
            "invalid value 'rotate' for --orientation; expected apply, keep-tag or drop; run "
            "'exifscrub strip --help'");
}

TEST(ParseStripArguments, InvalidMaxPixels) {
  for (const char* value : {"0", "-5", "12x", "", "18446744073709551616"}) {
    EXPECT_EQ(strip_error({"a", "-o", "b", "--max-pixels", value}),
              "invalid value '" + std::string(value) +
                  "' for --max-pixels; expected a whole number of pixels above 0; run "
                  "'exifscrub strip --help'");
  }
}

TEST(ParseStripArguments, MissingValue) {
  EXPECT_EQ(strip_error({"a", "-o", "b", "--max-pixels"}),
            "option --max-pixels requires a value; run 'exifscrub strip --help'");
  EXPECT_EQ(strip_error({"a", "-o"}), "option -o requires a value; run 'exifscrub strip --help'");
}

TEST(ParseStripArguments, FlagWithValue) {
  EXPECT_EQ(strip_error({"a", "-o", "b", "--quiet=yes"}),
            "option --quiet takes no value; run 'exifscrub strip --help'");
  EXPECT_EQ(strip_error({"a", "-o", "b", "--drop-icc=1"}),
            "option --drop-icc takes no value; run 'exifscrub strip --help'");
}

TEST(ParseStripArguments, OutputTwice) {
  EXPECT_EQ(strip_error({"a", "-o", "b", "--output", "c"}),
            "option -o is given more than once; run 'exifscrub strip --help'");
}

TEST(ParseStripArguments, MissingOperands) {
  EXPECT_EQ(strip_error({"-o", "b"}),
            "missing input: name a file, a folder or -; run 'exifscrub strip --help'");
  EXPECT_EQ(strip_error({"a"}),
            "missing output: add -o FILE, -o FOLDER or -o -; run 'exifscrub strip --help'");
  EXPECT_EQ(strip_error({"a", "-o", ""}),
            "missing output: add -o FILE, -o FOLDER or -o -; run 'exifscrub strip --help'");
}

TEST(ParseStripArguments, UnknownOption) {
  EXPECT_EQ(strip_error({"a", "-o", "b", "-x"}),
            "unknown option '-x'; run 'exifscrub strip --help'");
}

TEST(ParseStripArguments, DashesEndOptions) {
  const auto parsed = parse_strip({"-o", "out", "--", "-x.jpg", "--json"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs, (Args{"-x.jpg", "--json"}));
  EXPECT_FALSE(parsed->json);
}

TEST(ParseStripArguments, DashIsAnOperand) {
  const auto parsed = parse_strip({"-", "-o", "-"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs, Args{"-"});
  EXPECT_EQ(parsed->output, "-");
}

TEST(ParseStripArguments, HelpNeedsNoOperands) {
  const auto parsed = parse_strip({"--help"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(parsed->help);
}

TEST(ParseInspectArguments, ReadsOptions) {
  const auto parsed = parse_inspect_arguments(Args{"--json", "a.jpg", "--drop-icc",
                                                   "--orientation", "drop"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->input, "a.jpg");
  EXPECT_TRUE(parsed->json);
  EXPECT_FALSE(parsed->scrub.keep_icc);
  EXPECT_EQ(parsed->scrub.orientation, jpeg::OrientationMode::Drop);
}

TEST(ParseInspectArguments, RejectsOutputAndExtraFiles) {
  const auto output = parse_inspect_arguments(Args{"a.jpg", "-o", "b"});
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().message, "unknown option '-o'; run 'exifscrub inspect --help'");

  const auto missing = parse_inspect_arguments(Args{});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "missing input: name a file or -; run 'exifscrub inspect --help'");
}

}  // namespace
}  // namespace exifscrub::cli
