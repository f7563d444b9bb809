// Runs every case of the AWS Signature V4 test suite through our signer:
// canonical request, string to sign, Authorization header, and the signed
// and presigned requests of the smithy-rs additions. Cases are discovered
// from the folder, so a case added to the suite is tested without a change
// here. Skips when the suite folder is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "s3/crypto.h"
#include "s3/sigv4.h"
#include "s3/uri.h"

namespace exifscrub::s3 {
namespace {

namespace fs = std::filesystem;

// The secret key the upstream cases are signed with (stated in the suite's README).
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
// The smithy-rs additions signed by access key ANOTREAL use smithy-rs's test
// secret instead; their expected signatures only verify with it.
constexpr std::string_view kSmithySecret = "notrealrnrELgWzOk3IfjzDKtFBhDby";

std::string secret_for(std::string_view access_key_id) {
  return std::string(access_key_id == "ANOTREAL" ? kSmithySecret : kSuiteSecret);
}

fs::path suite_dir() {
  if (const char* dir = std::getenv("EXIFSCRUB_SIGV4_SUITE_DIR")) return dir;
  return EXIFSCRUB_SIGV4_SUITE_DIR;
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ParsedRequest {
  SigningRequest request;
  std::string body;
  std::string authorization;  // the Authorization header, when the file has one
};

std::vector<QueryParam> parse_query(std::string_view query) {
  std::vector<QueryParam> params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t equals = pair.find('=');
    const std::string_view name = pair.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    params.push_back({uri_decode(name).value_or(std::string(name)),
                      uri_decode(value).value_or(std::string(value))});
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return params;
}

// Parses the suite's request format: a request line, "Name:value" headers
// with indented continuation lines, a blank line, then the body.
ParsedRequest parse_request(const std::string& text) {
  ParsedRequest parsed;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  const std::size_t method_end = line.find(' ');
  std::size_t target_end = line.rfind(" HTTP/");
  if (target_end == std::string::npos || target_end <= method_end) target_end = line.size();
  parsed.request.method = line.substr(0, method_end);
  const std::string target = line.substr(method_end + 1, target_end - method_end - 1);
  const std::size_t question = target.find('?');
  parsed.request.path = target.substr(0, question);
  if (question != std::string::npos) parsed.request.query = parse_query(target.substr(question + 1));

  while (std::getline(lines, line)) {
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !parsed.request.headers.empty()) {
      parsed.request.headers.back().value += "\n" + line;
      continue;
    }
    const std::size_t colon = line.find(':');
    Header header{line.substr(0, colon), line.substr(colon + 1)};
    if (header.name == "Authorization") {
      parsed.authorization = header.value.substr(header.value.find_first_not_of(' '));
    } else {
      parsed.request.headers.push_back(std::move(header));
    }
  }
  std::ostringstream body;
  body << lines.rdbuf();
  parsed.body = body.str();
  return parsed;
}

std::optional<std::string> take_header(SigningRequest& request, std::string_view name) {
  const auto found = std::find_if(request.headers.begin(), request.headers.end(),
                                  [&](const Header& header) { return header.name == name; });
  if (found == request.headers.end()) return std::nullopt;
  std::string value = found->value;
  request.headers.erase(found);
  return value;
}

std::string header_value(const SigningRequest& request, std::string_view lower_name) {
  for (const auto& header : request.headers) {
    std::string name = header.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    if (name == lower_name) return header.value;
  }
  return {};
}

// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, ..."
struct ExpectedCredential {
  std::string access_key_id;
  SigningScope scope;
};

ExpectedCredential parse_credential(std::string_view authorization) {
  const std::size_t start = authorization.find("Credential=") + 11;
  const std::string_view credential =
      authorization.substr(start, authorization.find_first_of(", &", start) - start);
  std::vector<std::string> parts;
  std::string current;
  for (const char c : credential) {
    if (c == '/') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  if (parts.size() < 4) return {};
  return {parts[0], {parts[1], parts[2], parts[3]}};
}

// The generic (non-S3) rules the suite is written for.
SignerOptions suite_options() {
  SignerOptions options;
  options.double_encode_path = true;
  options.normalize_path = true;
  return options;
}

// What one case checked, and what differed.
struct CaseReport {
  std::vector<std::string> checks;
  std::vector<std::string> failures;
  std::string skip_reason;

  void compare(const std::string& what, const std::string& expected, const std::string& actual) {
    checks.push_back(what);
    if (expected != actual) {
      failures.push_back(what + " differs.\nexpected:\n" + expected + "\nactual:\n" + actual);
    }
  }
};

std::string strip_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The header-signed cases: .req with some of .creq, .sts, .authz, .sreq.
void check_header_signed(const fs::path& dir, CaseReport& report) {
  const std::string name = dir.filename().string();
  ParsedRequest parsed = parse_request(*read_text(dir / (name + ".req")));
  const auto creq = read_text(dir / (name + ".creq"));
  const auto sts = read_text(dir / (name + ".sts"));
  const auto authz = read_text(dir / (name + ".authz"));
  const auto sreq_text = read_text(dir / (name + ".sreq"));
  std::optional<ParsedRequest> sreq;
  if (sreq_text) sreq = parse_request(*sreq_text);

  // The suite signs a form-encoded body as query parameters with an empty
  // payload, as the AWS Query protocol treats them.
  if (header_value(parsed.request, "content-type").starts_with("application/x-www-form-urlencoded") &&
      !parsed.body.empty()) {
    for (auto& param : parse_query(strip_trailing_newlines(parsed.body))) {
      parsed.request.query.push_back(std::move(param));
    }
    parsed.body.clear();
  }
  parsed.request.payload_hash = sha256_hex(parsed.body);

  Credentials credentials;
  SignerOptions options = suite_options();
  if (auto token = take_header(parsed.request, "X-Amz-Security-Token")) {
    credentials.session_token = *token;  // signed: the token is part of the request
  } else if (sreq) {
    if (auto after = take_header(sreq->request, "X-Amz-Security-Token")) {
      credentials.session_token = *after;  // added after signing
      options.sign_security_token = false;
    }
  }

  const std::string expected_authorization =
      authz ? strip_trailing_newlines(*authz) : (sreq ? sreq->authorization : std::string());
  if (expected_authorization.empty()) {
    report.skip_reason = "no .authz or signed .sreq to compare against";
    return;
  }
  const ExpectedCredential expected = parse_credential(expected_authorization);
  credentials.access_key_id = expected.access_key_id;
  credentials.secret_access_key = secret_for(expected.access_key_id);

  // A request without X-Amz-Date gets one from the expected string to sign,
  // as a signer adds it before signing.
  std::string amz_date = header_value(parsed.request, "x-amz-date");
  if (amz_date.empty() && sts) {
    const std::size_t start = sts->find('\n') + 1;
    amz_date = sts->substr(start, sts->find('\n', start) - start);
    parsed.request.headers.push_back({"X-Amz-Date", amz_date});
  }

  SigningRequest signing = parsed.request;
  if (!credentials.session_token.empty() && options.sign_security_token) {
    signing.headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  const CanonicalRequest canonical = canonical_request(signing, options);
  const std::string string_to_sign_text = string_to_sign(amz_date, expected.scope, canonical.text);

  // A .creq whose hash is not the one in its .sts is wrong in the suite; the
  // .sts and .authz decide.
  if (sts) {
    const std::string expected_sts = strip_trailing_newlines(*sts);
    const std::string sts_hash = expected_sts.substr(expected_sts.rfind('\n') + 1);
    if (creq && sha256_hex(strip_trailing_newlines(*creq)) == sts_hash) {
      report.compare(".creq", strip_trailing_newlines(*creq), canonical.text);
    }
    report.compare(".sts", expected_sts, string_to_sign_text);
  }

  const std::vector<Header> added =
      sign_request(parsed.request, credentials, expected.scope, amz_date, options);
  if (authz) report.compare(".authz", strip_trailing_newlines(*authz), added.back().value);
  if (sreq) report.compare(".sreq Authorization", sreq->authorization, added.back().value);
  if (!credentials.session_token.empty()) {
    report.compare("X-Amz-Security-Token header", credentials.session_token, added.front().value);
  }
}

// The query-signed case: a .qpsreq file contains the presigned form of a request.
void check_presigned(const fs::path& dir, const fs::path& qpsreq, CaseReport& report) {
  ParsedRequest parsed = parse_request(*read_text(qpsreq));
  std::vector<QueryParam> kept;
  std::string date, expires, expected_signature, credential;
  for (auto& param : parsed.request.query) {
    if (param.name == "X-Amz-Date") date = param.value;
    if (param.name == "X-Amz-Expires") expires = param.value;
    if (param.name == "X-Amz-Signature") expected_signature = param.value;
    if (param.name == "X-Amz-Credential") credential = param.value;
    if (!param.name.starts_with("X-Amz-")) kept.push_back(std::move(param));
  }
  parsed.request.query = kept;
  parsed.request.payload_hash = sha256_hex(std::string_view());
  const ExpectedCredential expected = parse_credential("Credential=" + credential + ",");
  const Credentials credentials{expected.access_key_id, secret_for(expected.access_key_id), ""};

  const std::string query = presign_query(parsed.request, credentials, expected.scope, date,
                                          std::chrono::seconds(std::stol(expires)), suite_options());
  const std::string actual = query.substr(query.rfind("X-Amz-Signature=") + 16);
  report.compare(qpsreq.filename().string() + " X-Amz-Signature", expected_signature, actual);
  (void)dir;
}

// The smithy-rs variant of a header-signed request, without a .req.
void check_modified_sreq(const fs::path& sreq_path, CaseReport& report) {
  ParsedRequest parsed = parse_request(*read_text(sreq_path));
  parsed.request.payload_hash = sha256_hex(parsed.body);
  const ExpectedCredential expected = parse_credential(parsed.authorization);
  const Credentials credentials{expected.access_key_id, secret_for(expected.access_key_id), ""};
  const std::vector<Header> added =
      sign_request(parsed.request, credentials, expected.scope,
                   header_value(parsed.request, "x-amz-date"), suite_options());
  report.compare(sreq_path.filename().string() + " Authorization", parsed.authorization,
                 added.back().value);
}

CaseReport check_case(const fs::path& dir) {
  CaseReport report;
  const std::string name = dir.filename().string();
  if (fs::exists(dir / (name + ".req"))) check_header_signed(dir, report);
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.ends_with(".qpsreq")) check_presigned(dir, entry.path(), report);
    if (file.ends_with(".smithy-modified.sreq")) check_modified_sreq(entry.path(), report);
  }
  if (report.checks.empty() && report.skip_reason.empty()) {
    report.skip_reason = "holds no request to sign (only a string to sign with no expected signature)";
  }
  return report;
}

// Every folder holding a file of the suite's formats is one case.
std::vector<fs::path> discover_cases() {
  std::vector<fs::path> cases;
  const fs::path root = suite_dir();
  if (!fs::is_directory(root)) return cases;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(entry.path())) {
      const std::string ext = file.path().extension().string();
      if (ext == ".req" || ext == ".creq" || ext == ".qpsreq" || ext == ".sreq") {
        cases.push_back(entry.path());
        break;
      }
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class SigV4SuiteCase : public testing::TestWithParam<fs::path> {};

TEST_P(SigV4SuiteCase, MatchesExpectedSignature) {
  const CaseReport report = check_case(GetParam());
  if (!report.skip_reason.empty() && report.checks.empty()) GTEST_SKIP() << report.skip_reason;
  for (const auto& failure : report.failures) ADD_FAILURE() << failure;
  std::cout << "[ case ] " << GetParam().filename().string() << ": " << report.checks.size()
            << " checks, " << report.failures.size() << " failed\n";
}

std::string case_test_name(const testing::TestParamInfo<fs::path>& info) {
  // Relative paths keep the smithy-rs variants apart from the upstream cases.
  std::string name = fs::relative(info.param, suite_dir()).string();
  if (name.starts_with("_non-upstream-smithy-rs-additions")) name.replace(0, 33, "smithy");
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Suite, SigV4SuiteCase, testing::ValuesIn(discover_cases()),
                         case_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SigV4SuiteCase);

TEST(SigV4Suite, EveryCasePasses) {
  const std::vector<fs::path> cases = discover_cases();
  if (cases.empty()) GTEST_SKIP() << "Signature V4 suite not found at " << suite_dir();
  int passed = 0;
  int skipped = 0;
  for (const auto& dir : cases) {
    const CaseReport report = check_case(dir);
    if (report.checks.empty()) {
      ++skipped;
      std::cout << "[ skip ] " << dir.filename().string() << ": " << report.skip_reason << "\n";
    } else if (report.failures.empty()) {
      ++passed;
      std::cout << "[ pass ] " << dir.filename().string() << " (" << report.checks.size()
                << " checks)\n";
    } else {
      ADD_FAILURE() << dir.filename().string() << ": " << report.failures.front();
    }
  }
  std::cout << "Signature V4 suite: " << passed << " of " << cases.size() << " cases pass, "
            << skipped << " without an expected signature\n";
  EXPECT_EQ(passed + skipped, static_cast<int>(cases.size()));
}

}  // namespace
}  // namespace exifscrub::s3
