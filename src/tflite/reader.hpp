// Reads TFLite files (raw or zlib-compressed) into a ModelDef. Input may be hostile: every offset is
// verified by the flatbuffers Verifier and every index checked before use; problems throw Error
// naming the source and what is wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "tflite/model.hpp"

namespace tinyfit::tflite {

// The ModelDef is canonical, so that read → write → read is the identity: buffers[0] is the empty
// sentinel, every tensor without data points at it, identical data is stored once, and buffers are
// ordered by first use in tensor order. Metadata entries (all of them, converter ones included) are
// copied out by name; `description` is kept. Only single-subgraph models are supported.
ModelDef read_model(std::span<const uint8_t> bytes, const std::string& source_name);
ModelDef read_model_file(const std::filesystem::path& path);

}  // namespace tinyfit::tflite
