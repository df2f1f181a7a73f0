#include "data/git_blob.hpp"

#include <openssl/evp.h>

#include <memory>

#include "core/error.hpp"

namespace tinyfit::data {

std::string git_blob_id(std::span<const uint8_t> content) {
  const std::string header = "blob " + std::to_string(content.size());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // The header's terminating NUL is part of the hashed bytes (size() + 1).
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), header.c_str(), header.size() + 1) != 1 ||
      EVP_DigestUpdate(ctx.get(), content.data(), content.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1)
    throw Error("SHA-1 is unavailable in this OpenSSL build (needed for the git blob id check)");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace tinyfit::data
