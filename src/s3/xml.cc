// pugixml readers for S3 responses. Every reader rejects a document whose
// root element is not the expected one, so an HTML error page from a proxy
// is reported as InvalidResponse rather than read as an empty list.
#include "s3/xml.h"

#include <charconv>
#include <sstream>

#include <pugixml.hpp>

#include "s3/uri.h"

namespace exifscrub::s3 {
namespace {

Error invalid(std::string what) {
  return make_error(ErrorKind::InvalidResponse, "InvalidXml", std::move(what));
}

Result<pugi::xml_node> load_root(pugi::xml_document& doc, std::string_view xml, const char* root) {
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return invalid(std::string("response is not XML; expected <") + root + ">");
  }
  pugi::xml_node node = doc.child(root);
  if (!node) return invalid(std::string("response lacks the <") + root + "> element");
  return node;
}

}  // namespace

Result<ListPage> parse_list_objects_v2(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load_root(doc, xml, "ListBucketResult");
  if (!root) return std::move(root).error();
  const bool url_encoded = std::string_view(root->child_value("EncodingType")) == "url";
  const auto decode = [&](const char* text) -> std::optional<std::string> {
    return url_encoded ? uri_decode(text) : std::optional<std::string>(text);
  };

  ListPage page;
  page.is_truncated = std::string_view(root->child_value("IsTruncated")) == "true";
  page.next_continuation_token = root->child_value("NextContinuationToken");
  for (pugi::xml_node contents : root->children("Contents")) {
    ObjectSummary summary;
    auto key = decode(contents.child_value("Key"));
    if (!key) return invalid("ListObjectsV2 key has a malformed percent escape");
    summary.key = std::move(*key);
    const std::string_view size = contents.child_value("Size");
    std::from_chars(size.data(), size.data() + size.size(), summary.size);
    summary.etag = contents.child_value("ETag");
    summary.last_modified = contents.child_value("LastModified");
    page.objects.push_back(std::move(summary));
  }
  for (pugi::xml_node prefix : root->children("CommonPrefixes")) {
    auto decoded = decode(prefix.child_value("Prefix"));
    if (!decoded) return invalid("ListObjectsV2 prefix has a malformed percent escape");
    page.common_prefixes.push_back(std::move(*decoded));
  }
  if (page.is_truncated && page.next_continuation_token.empty()) {
    return invalid("ListObjectsV2 page is truncated but has no NextContinuationToken");
  }
  return page;
}

Result<std::string> parse_upload_id(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load_root(doc, xml, "InitiateMultipartUploadResult");
  if (!root) return std::move(root).error();
  std::string upload_id = root->child_value("UploadId");
  if (upload_id.empty()) return invalid("InitiateMultipartUploadResult has no UploadId");
  return upload_id;
}

std::string build_complete_multipart(const std::vector<CompletedPart>& parts) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (const auto& part : parts) {
    pugi::xml_node node = root.append_child("Part");
    node.append_child("PartNumber").text() = part.part_number;
    node.append_child("ETag").text() = part.etag.c_str();
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

Result<std::string> parse_complete_multipart(std::string_view xml, const std::string& request_id,
                                             const std::string& resource) {
  pugi::xml_document doc;
  if (doc.load_buffer(xml.data(), xml.size()) && doc.child("Error")) {
    return error_from_response(200, xml, request_id, resource);
  }
  auto root = load_root(doc, xml, "CompleteMultipartUploadResult");
  if (!root) return std::move(root).error();
  return std::string(root->child_value("ETag"));
}

Result<std::vector<UploadSummary>> parse_list_multipart_uploads(std::string_view xml) {
  pugi::xml_document doc;
  auto root = load_root(doc, xml, "ListMultipartUploadsResult");
  if (!root) return std::move(root).error();
  std::vector<UploadSummary> uploads;
  for (pugi::xml_node upload : root->children("Upload")) {
    uploads.push_back({upload.child_value("Key"), upload.child_value("UploadId")});
  }
  return uploads;
}

}  // namespace exifscrub::s3
