#include "core/atomic_file.hpp"

#include <fstream>
#include <random>
#include <system_error>

#include "core/error.hpp"

namespace tinyfit {
namespace fs = std::filesystem;

namespace {
fs::path temp_path_for(const fs::path& path) {
  std::random_device rd;
  return path.parent_path() / (path.filename().string() + ".tmp" + std::to_string(rd()));
}
}  // namespace

void write_file_atomic(const fs::path& path, const std::function<void(std::ostream&)>& fill) {
  if (!path.parent_path().empty()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error(path.parent_path().string() + ": cannot create directory: " + ec.message());
  }
  const fs::path tmp = temp_path_for(path);
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw Error(path.string() + ": cannot open for writing");
      fill(out);
      out.flush();
      if (!out) throw Error(path.string() + ": write failed");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) throw Error(path.string() + ": cannot rename temporary file: " + ec.message());
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void write_file_atomic(const fs::path& path, std::span<const uint8_t> bytes) {
  write_file_atomic(path, [&](std::ostream& out) {
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  });
}

void write_file_atomic(const fs::path& path, std::string_view text) {
  write_file_atomic(path, [&](std::ostream& out) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  });
}

std::vector<uint8_t> read_file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open (missing or unreadable)");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(path.string() + ": read failed");
  return bytes;
}

}  // namespace tinyfit
