// libcurl, OpenSSL's libcrypto and zlib, opened with dlopen the first time
// the S3 code needs them instead of by the dynamic loader at program start.
//
// Why: the local CLI and the Lambda start-up never talk to S3, and loading
// libcurl with its TLS, Kerberos, LDAP and SSH dependencies (about 35 shared
// libraries on Debian 12) costs more CPU than scrubbing a 4 MB photo. Only the
// functions below are resolved, by name, from the sonames the project builds
// against: libcurl.so.4, libcrypto.so.3 and libz.so.1. The headers still come
// from the -dev packages, so types and constants are checked at compile time.
// ldd cannot see these libraries, so scripts/package-lambda.sh bundles them
// by name.
//
// Loading happens once per process and its outcome never changes afterwards.
// That outcome is the only process-wide state of the S3 library, and it is
// immutable once set.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "s3/error.h"

namespace exifscrub::s3 {

struct CurlFunctions {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  void (*easy_reset)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
};

struct CryptoFunctions {
  EVP_MD_CTX* (*md_ctx_new)();
  void (*md_ctx_free)(EVP_MD_CTX* context);
  int (*digest_init_ex)(EVP_MD_CTX* context, const EVP_MD* type, ENGINE* engine);
  int (*digest_update)(EVP_MD_CTX* context, const void* data, std::size_t size);
  int (*digest_final_ex)(EVP_MD_CTX* context, unsigned char* out, unsigned int* size);
  const EVP_MD* (*md5)();
  const EVP_MD* (*sha256)();
  unsigned char* (*hmac)(const EVP_MD* type, const void* key, int key_size,
                         const unsigned char* data, std::size_t data_size, unsigned char* out,
                         unsigned int* out_size);
};

struct ZlibFunctions {
  unsigned long (*crc32_z)(unsigned long crc, const unsigned char* data, std::size_t size);
};

struct SystemLibraries {
  CurlFunctions curl{};
  CryptoFunctions crypto{};
  ZlibFunctions zlib{};
  std::string error;  // empty when every library and function was found

  bool ok() const { return error.empty(); }
};

// Opens the three libraries and resolves every function above, on the first
// call only (thread-safe); curl_global_init runs once after a successful
// load. Later calls return the same object. On failure, error names the
// library or symbol and the Debian/Amazon Linux package that provides it, and
// every function pointer may be null.
const SystemLibraries& system_libraries();

// Returns std::nullopt when system_libraries() loaded, and otherwise an
// Error of kind InvalidConfiguration (code "LIBRARY") with its message.
// Every s3::Client operation checks it before computing a digest.
std::optional<Error> missing_system_libraries();

// Returns system_libraries() when it loaded, and otherwise prints its error
// to stderr and aborts. It serves code that cannot report an error, such as
// the digest functions, which are reached only after the check above or
// from tests of the digests themselves.
const SystemLibraries& loaded_system_libraries();

}  // namespace exifscrub::s3
