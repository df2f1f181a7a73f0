#include "data/speech_commands.hpp"

#include <algorithm>
#include <atomic>
#include <unordered_set>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "data/audio.hpp"

namespace tinyfit::data {
namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

int label_index(std::string_view folder) {
  const auto it = std::find(kKeywords.begin(), kKeywords.end(), folder);
  return it == kKeywords.end() ? -1 : static_cast<int>(it - kKeywords.begin());
}

std::string keyword_list() {
  std::string out;
  for (std::string_view k : kKeywords) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

// One split-file line mapped to a clip; `where` is "<split file>:<line>" for messages.
ClipRef resolve_line(const fs::path& clips_dir, std::string_view line, const std::string& where) {
  const size_t slash = line.rfind('/');
  const size_t folder_start = slash == std::string_view::npos || slash == 0 ? std::string_view::npos
                                                                            : line.rfind('/', slash - 1);
  if (slash == std::string_view::npos || slash + 1 == line.size())
    throw Error(where + ": expected a path ending in <label>/<name>.wav, found '" + std::string(line) + "'");
  const std::string_view name = line.substr(slash + 1);
  const std::string_view folder =
      folder_start == std::string_view::npos ? line.substr(0, slash) : line.substr(folder_start + 1, slash - folder_start - 1);
  const int label = label_index(folder);
  if (label < 0)
    throw Error(where + ": unknown label folder '" + std::string(folder) + "' (expected one of " + keyword_list() + ")");

  const size_t dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot);
  const std::string stem(ext == ".wav" || ext == ".flac" ? name.substr(0, dot) : name);
  // The course lists .wav; the shared copy stores .flac. Try the listed extension first.
  const fs::path dir = clips_dir / std::string(folder);
  const fs::path wav = dir / (stem + ".wav"), flac = dir / (stem + ".flac");
  const fs::path& first = ext == ".flac" ? flac : wav;
  const fs::path& second = ext == ".flac" ? wav : flac;
  std::error_code ec;
  const fs::path* file = fs::is_regular_file(first, ec) ? &first : fs::is_regular_file(second, ec) ? &second : nullptr;
  if (file == nullptr)
    throw Error(where + ": clip not found: neither " + first.string() + " nor " + second.string() + " exists");
  return ClipRef{*file, label, std::string(folder) + "/" + stem};
}

// FNV-1a, 64-bit: small, stable across platforms and runs (std::hash is neither).
class Fnv1a {
 public:
  void add(std::string_view bytes) {
    add_raw(bytes);
    add(static_cast<uint64_t>(bytes.size()));  // length suffix keeps ("ab","c") apart from ("a","bc")
  }
  void add(uint64_t v) {
    char buf[8];
    for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));
    add_raw(std::string_view(buf, 8));
  }
  uint64_t value() const { return h_; }

 private:
  void add_raw(std::string_view bytes) {
    for (unsigned char c : bytes) h_ = (h_ ^ c) * 0x100000001b3ull;
  }
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace

Split parse_split(std::string_view name) {
  if (name == "train") return Split::Train;
  if (name == "val") return Split::Val;
  if (name == "test") return Split::Test;
  throw Error("unknown split '" + std::string(name) + "' (expected train, val or test)");
}

const char* split_name(Split split) {
  switch (split) {
    case Split::Train: return "train";
    case Split::Val: return "val";
    case Split::Test: return "test";
  }
  return "unknown";
}

fs::path split_file_path(const fs::path& root, Split split) {
  return root / "kws_splits" / (std::string("kws_") + split_name(split) + "_split.txt");
}

std::vector<ClipRef> read_split(const fs::path& root, Split split) {
  const fs::path list = split_file_path(root, split);
  const std::vector<uint8_t> bytes = read_file_bytes(list);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const fs::path clips_dir = root / "mini_speech_commands";

  std::vector<ClipRef> refs;
  std::unordered_set<std::string> seen;
  size_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = list.string() + ":" + std::to_string(line_no);
    ClipRef ref = resolve_line(clips_dir, line, where);
    if (!seen.insert(ref.key).second) throw Error(where + ": clip " + ref.key + " is listed twice");
    refs.push_back(std::move(ref));
  }
  if (refs.empty()) throw Error("split file " + list.string() + " lists no clips");
  return refs;
}

ClipSet load_clips(const std::vector<ClipRef>& refs, int threads, Progress* progress) {
  ClipSet set;
  set.samples.assign(refs.size() * kClipSamples, 0.0f);
  set.labels.reserve(refs.size());
  set.keys.reserve(refs.size());
  for (const ClipRef& r : refs) {
    if (r.label < 0 || r.label >= static_cast<int>(kKeywords.size()))
      throw Error("clip " + r.file.string() + " has invalid label " + std::to_string(r.label));
    set.labels.push_back(r.label);
    set.keys.push_back(r.key);
  }

  std::atomic<size_t> done{0};
  parallel_for(
      refs.size(),
      [&](size_t i) {
        const fs::path& file = refs[i].file;
        int rate = 0;
        const std::vector<int16_t> pcm = read_pcm16(file, &rate);
        if (rate != kClipSampleRate)
          throw Error("clip " + file.string() + " has sample rate " + std::to_string(rate) + " Hz, expected " +
                      std::to_string(kClipSampleRate) + " Hz");
        if (pcm.size() > kClipSamples)
          throw Error("clip " + file.string() + " has " + std::to_string(pcm.size()) + " samples, more than " +
                      std::to_string(kClipSamples));
        float* row = set.samples.data() + i * kClipSamples;  // the tail stays zero: end padding
        for (size_t j = 0; j < pcm.size(); ++j) row[j] = static_cast<float>(pcm[j]) / 32768.0f;
        if (progress != nullptr) progress->update(done.fetch_add(1) + 1);
      },
      threads);
  return set;
}

uint64_t split_fingerprint(const fs::path& root, Split split, const std::vector<ClipRef>& refs) {
  Fnv1a hash;
  const std::vector<uint8_t> list = read_file_bytes(split_file_path(root, split));
  hash.add(std::string_view(reinterpret_cast<const char*>(list.data()), list.size()));
  for (const ClipRef& r : refs) {
    std::error_code ec;
    const uintmax_t size = fs::file_size(r.file, ec);
    const auto mtime = ec ? fs::file_time_type{} : fs::last_write_time(r.file, ec);
    if (ec) throw Error("cannot read clip " + r.file.string() + ": " + ec.message());
    hash.add(r.key);
    hash.add(r.file.filename().string());
    hash.add(static_cast<uint64_t>(size));
    hash.add(static_cast<uint64_t>(mtime.time_since_epoch().count()));
  }
  return hash.value();
}

}  // namespace tinyfit::data
