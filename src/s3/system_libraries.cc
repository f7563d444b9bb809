// dlopen and dlsym of the S3 code's system libraries. RTLD_LOCAL keeps their
// symbols out of the global namespace, so nothing else in the process binds
// to them by accident; RTLD_NOW reports a missing dependency here, with its
// name, rather than at the first call.
#include "s3/system_libraries.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace exifscrub::s3 {
namespace {

struct Library {
  const char* soname;
  const char* package;  // what provides it, for the error message
};

constexpr Library kCurl{"libcurl.so.4", "libcurl4 on Debian, libcurl on Amazon Linux"};
constexpr Library kCrypto{"libcrypto.so.3", "libssl3 on Debian, openssl-libs on Amazon Linux"};
constexpr Library kZlib{"libz.so.1", "zlib1g on Debian, zlib on Amazon Linux"};

// Resolves one symbol into a typed function pointer. Converting the void*
// from dlsym to a function pointer is conditionally supported by C++ and
// required by POSIX, which is what dlsym's interface relies on.
template <typename Function>
bool resolve(void* handle, const char* name, Function& out, std::string& error) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    if (error.empty()) error = std::string("symbol ") + name + " is missing from its library";
    return false;
  }
  out = reinterpret_cast<Function>(symbol);
  return true;
}

void* open_library(const Library& library, std::string& error) {
  void* handle = dlopen(library.soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr && error.empty()) {
    const char* detail = dlerror();
    error = std::string("cannot load ") + library.soname + " (" +
            (detail != nullptr ? detail : "no detail") + "); the S3 support needs it: install " +
            library.package;
  }
  return handle;
}

void load_curl(SystemLibraries& out) {
  void* handle = open_library(kCurl, out.error);
  if (handle == nullptr) return;
  CurlFunctions& f = out.curl;
  std::string& error = out.error;
  resolve(handle, "curl_global_init", f.global_init, error);
  resolve(handle, "curl_easy_init", f.easy_init, error);
  resolve(handle, "curl_easy_cleanup", f.easy_cleanup, error);
  resolve(handle, "curl_easy_reset", f.easy_reset, error);
  resolve(handle, "curl_easy_setopt", f.easy_setopt, error);
  resolve(handle, "curl_easy_perform", f.easy_perform, error);
  resolve(handle, "curl_easy_strerror", f.easy_strerror, error);
  resolve(handle, "curl_slist_append", f.slist_append, error);
  resolve(handle, "curl_slist_free_all", f.slist_free_all, error);
}

void load_crypto(SystemLibraries& out) {
  void* handle = open_library(kCrypto, out.error);
  if (handle == nullptr) return;
  CryptoFunctions& f = out.crypto;
  std::string& error = out.error;
  resolve(handle, "EVP_MD_CTX_new", f.md_ctx_new, error);
  resolve(handle, "EVP_MD_CTX_free", f.md_ctx_free, error);
  resolve(handle, "EVP_DigestInit_ex", f.digest_init_ex, error);
  resolve(handle, "EVP_DigestUpdate", f.digest_update, error);
  resolve(handle, "EVP_DigestFinal_ex", f.digest_final_ex, error);
  resolve(handle, "EVP_md5", f.md5, error);
  resolve(handle, "EVP_sha256", f.sha256, error);
  resolve(handle, "HMAC", f.hmac, error);
}

void load_zlib(SystemLibraries& out) {
  void* handle = open_library(kZlib, out.error);
  if (handle == nullptr) return;
  resolve(handle, "crc32_z", out.zlib.crc32_z, out.error);
}

SystemLibraries load() {
  SystemLibraries libraries;
  load_crypto(libraries);
  load_zlib(libraries);
  load_curl(libraries);
  if (libraries.ok()) {
    // curl_global_init is not thread-safe in libcurl 7.88; the function-local
    // static in system_libraries() makes this run exactly once.
    const CURLcode code = libraries.curl.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
      libraries.error = std::string("curl_global_init failed: ") + libraries.curl.easy_strerror(code);
    }
  }
  // The handles stay open for the life of the process: the resolved
  // pointers must stay valid, and libcurl cannot be unloaded safely.
  return libraries;
}

}  // namespace

const SystemLibraries& system_libraries() {
  static const SystemLibraries libraries = load();
  return libraries;
}

std::optional<Error> missing_system_libraries() {
  const SystemLibraries& libraries = system_libraries();
  if (libraries.ok()) return std::nullopt;
  return make_error(ErrorKind::InvalidConfiguration, "LIBRARY", libraries.error);
}

const SystemLibraries& loaded_system_libraries() {
  const SystemLibraries& libraries = system_libraries();
  if (!libraries.ok()) {
    std::fprintf(stderr, "exifscrub: error: %s\n", libraries.error.c_str());
    std::abort();
  }
  return libraries;
}

}  // namespace exifscrub::s3
