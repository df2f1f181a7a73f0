// Test helpers for TFLite files: the peer models (real converter output) and a flatbuffers JSON
// bridge through tinyfit's own schema, to craft hostile files and to look inside written ones.
#pragma once

#include <flatbuffers/idl.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinyfit::tflite::test_files {

inline std::filesystem::path peer_model_dir() {
  return std::filesystem::path(TINYFIT_DEFAULT_DATA) / ".." / "peer_models";
}

// The peer model files (tests that need them skip when the folder is absent).
inline const char* const kPeerModels[] = {
    "g3_22_kws_a.tflite",   "g3_22_kws_c.tflite",   "g5_th_a.tflite.zlib",
    "g5_th_b.tflite.zlib",  "g7_kws_a.tflite.zlib", "g7_kws_b.tflite.zlib",
    "g7_kws_c.tflite.zlib", "g7_th_a.tflite.zlib",  "g7_th_b.tflite.zlib",
};

inline bool have_peer_models() { return std::filesystem::is_directory(peer_model_dir()); }

// A flatbuffers parser loaded with src/tflite/schema/tflite.fbs.
inline flatbuffers::Parser& schema_parser() {
  static flatbuffers::Parser* parser = [] {
    const auto path =
        std::filesystem::path(TINYFIT_TESTDATA) / ".." / ".." / "src" / "tflite" / "schema" / "tflite.fbs";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    flatbuffers::IDLOptions opts;
    opts.strict_json = true;
    auto* p = new flatbuffers::Parser(opts);
    if (!p->Parse(text.str().c_str())) throw std::runtime_error("schema: " + p->error_);
    return p;
  }();
  return *parser;
}

// A TFLite flatbuffer from JSON in flatc's form (field names as in the schema).
inline std::vector<uint8_t> flatbuffer_from_json(const std::string& json) {
  flatbuffers::Parser& p = schema_parser();
  if (!p.ParseJson(json.c_str())) throw std::runtime_error("json: " + p.error_);
  return {p.builder_.GetBufferPointer(), p.builder_.GetBufferPointer() + p.builder_.GetSize()};
}

// What flatc --json prints for a (raw) TFLite flatbuffer.
inline std::string json_from_flatbuffer(const std::vector<uint8_t>& bytes) {
  std::string json;
  if (!flatbuffers::GenerateText(schema_parser(), bytes.data(), &json)) throw std::runtime_error("GenerateText failed");
  return json;
}

}  // namespace tinyfit::tflite::test_files
