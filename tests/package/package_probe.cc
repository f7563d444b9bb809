// A stand-in for the exifscrub binary in the packaging tests. It links the
// same libraries as exifscrub (libcurl with OpenSSL, libcrypto, libturbojpeg,
// pugixml, libstdc++) and exercises the parts of them that read the host at
// run time: name resolution through glibc, TLS with a CA bundle, OpenSSL's
// configuration. Packaged like the real bootstrap and run in an empty root,
// it shows that the bundle does not depend on the build host, independently
// of what exifscrub itself does.
//
// Does not scrub anything and is not shipped.
//
// Usage:
//   package_probe versions             library versions, one per line
//   package_probe resolve HOST         IPv4 addresses of HOST via getaddrinfo
//   package_probe fetch URL CA_FILE    GET URL verifying TLS against CA_FILE,
//                                      prints the status code and body size
//   package_probe next                 GET the Lambda Runtime API's next
//                                      invocation from AWS_LAMBDA_RUNTIME_API
// Exit codes: 0 success, 1 the operation failed, 2 usage error.

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include <turbojpeg.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace {

int print_versions() {
  std::printf("curl %s\n", curl_version());
  std::printf("openssl %s\n", OpenSSL_version(OPENSSL_VERSION));
  pugi::xml_document document;
  if (!document.load_string("<ListBucketResult><Name>photos</Name></ListBucketResult>")) {
    std::fprintf(stderr, "package_probe: pugixml failed to parse a fixed document\n");
    return 1;
  }
  std::printf("pugixml %d %s\n", PUGIXML_VERSION,
              document.child("ListBucketResult").child("Name").text().get());

  // Creating a handle runs libturbojpeg's initialisation, which a bare
  // version query would not.
  tjhandle handle = tjInitCompress();
  if (handle == nullptr) {
    std::fprintf(stderr, "package_probe: tjInitCompress failed: %s\n", tjGetErrorStr2(nullptr));
    return 1;
  }
  tjDestroy(handle);
  std::printf("turbojpeg ok\n");
  return 0;
}

int resolve(const char* host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  const int status = getaddrinfo(host, nullptr, &hints, &results);
  if (status != 0) {
    std::fprintf(stderr, "package_probe: resolving %s failed: %s\n", host, gai_strerror(status));
    return 1;
  }

  for (const addrinfo* entry = results; entry != nullptr; entry = entry->ai_next) {
    sockaddr_in address{};
    std::memcpy(&address, entry->ai_addr, sizeof address);
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
    std::printf("%s\n", text);
  }
  freeaddrinfo(results);
  return 0;
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Performs one GET with certificate and host name verification on, and
// prints "status <code> bytes <n>".
int fetch(const char* url, const char* ca_file) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    std::fprintf(stderr, "package_probe: curl_easy_init failed\n");
    return 1;
  }
  std::string body;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url);
  if (ca_file != nullptr) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
  }
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    std::fprintf(stderr, "package_probe: GET %s failed: %s\n", url,
                 error[0] != '\0' ? error : curl_easy_strerror(code));
    return 1;
  }
  std::printf("status %ld bytes %zu\n", status, body.size());
  return 0;
}

int fetch_next_invocation() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) {
    std::fprintf(stderr, "package_probe: AWS_LAMBDA_RUNTIME_API is not set\n");
    return 2;
  }
  const std::string url = std::string("http://") + api + "/2018-06-01/runtime/invocation/next";
  return fetch(url.c_str(), nullptr);
}

int usage() {
  std::fprintf(stderr,
               "usage: package_probe versions | resolve HOST | fetch URL CA_FILE | next\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    return usage();
  }
  const std::string_view command = argv[1];
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fprintf(stderr, "package_probe: curl_global_init failed\n");
    return 1;
  }

  int status = 2;
  if (command == "versions" && argc == 2) {
    status = print_versions();
  } else if (command == "resolve" && argc == 3) {
    status = resolve(argv[2]);
  } else if (command == "fetch" && argc == 4) {
    status = fetch(argv[2], argv[3]);
  } else if (command == "next" && argc == 2) {
    status = fetch_next_invocation();
  } else {
    status = usage();
  }
  curl_global_cleanup();
  return status;
}
