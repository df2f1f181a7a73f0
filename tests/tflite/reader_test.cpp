// The reader on real converter output (expectations written from flatc --json dumps of the peer
// models) and on malformed / hostile input, which must throw Error and never crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "tflite/model_bytes.hpp"
#include "tflite/reader.hpp"
#include "tflite/writer.hpp"
#include "tflite/model_check.hpp"
#include "tflite/model_file_util.hpp"

namespace tinyfit::tflite {
namespace {

using test_files::have_peer_models;
using test_files::peer_model_dir;

struct PeerExpectation {
  const char* file;
  bool compressed;
  size_t raw_bytes;
  std::vector<std::string> ops;
  size_t tensors;
  size_t buffers;  // canonical: distinct non-empty tensor data + the sentinel
  std::vector<int32_t> input_shape, output_shape;
  std::string min_runtime_version;
};

const std::vector<std::string> kG3Ops = {"QUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D",
                                         "CONV_2D", "MEAN", "FULLY_CONNECTED", "DEQUANTIZE"};
const std::vector<std::string> kG7KwsOps = {"CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "DEPTHWISE_CONV_2D",
                                            "CONV_2D", "MEAN", "FULLY_CONNECTED"};
const std::vector<std::string> kG7ThOps = {"EXPAND_DIMS", "CONV_2D", "SQUEEZE", "ADD", "RESHAPE", "FULLY_CONNECTED",
                                           "FULLY_CONNECTED", "SHAPE", "STRIDED_SLICE", "PACK", "RESHAPE"};

const PeerExpectation kPeers[] = {
    {"g3_22_kws_a.tflite", false, 123368, kG3Ops, 23, 13, {1, 49, 10, 1}, {1, 8}, "1.14.0"},
    {"g3_22_kws_c.tflite", false, 24704, kG3Ops, 23, 13, {1, 49, 10, 1}, {1, 8}, "1.14.0"},
    {"g5_th_a.tflite.zlib", true, 6896, {"RESHAPE", "FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED", "RESHAPE"},
     14, 9, {1, 6, 2}, {1, 6, 2}, "1.5.0"},
    {"g5_th_b.tflite.zlib", true, 5072,
     {"RESHAPE", "CONV_2D", "RESHAPE", "ADD", "RESHAPE", "FULLY_CONNECTED", "FULLY_CONNECTED", "RESHAPE"}, 20, 12,
     {1, 6, 2}, {1, 6, 2}, "1.5.0"},
    {"g7_kws_a.tflite.zlib", true, 77248,
     {"CONV_2D", "DEQUANTIZE", "DEPTHWISE_CONV_2D", "CONV_2D", "DEQUANTIZE", "DEPTHWISE_CONV_2D", "CONV_2D", "MEAN",
      "FULLY_CONNECTED"},
     22, 13, {1, 49, 10, 1}, {1, 8}, "1.6.0"},
    {"g7_kws_b.tflite.zlib", true, 26960, kG7KwsOps, 20, 13, {1, 49, 10, 1}, {1, 8}, "1.6.0"},
    {"g7_kws_c.tflite.zlib", true, 40320, kG7KwsOps, 20, 13, {1, 32, 32, 1}, {1, 8}, "1.6.0"},
    {"g7_th_a.tflite.zlib", true, 5264, kG7ThOps, 25, 14, {1, 6, 2}, {1, 6, 2}, "1.11.0"},
    {"g7_th_b.tflite.zlib", true, 4480, kG7ThOps, 25, 14, {1, 6, 2}, {1, 6, 2}, "1.11.0"},
};

std::vector<uint8_t> peer_bytes(const char* file) { return read_file_bytes(peer_model_dir() / file); }

TEST(Reader, PeerModelsMatchTheirFlatcDumps) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  for (const PeerExpectation& e : kPeers) {
    SCOPED_TRACE(e.file);
    const std::vector<uint8_t> stored = peer_bytes(e.file);
    const ModelBytes unpacked = unpack_model_bytes(stored, e.file);
    EXPECT_EQ(unpacked.compressed, e.compressed);
    EXPECT_EQ(unpacked.flatbuffer.size(), e.raw_bytes);
    const ModelDef m = read_model(stored, e.file);
    std::vector<std::string> ops;
    for (const auto& op : m.operators) ops.push_back(builtin_op_name(op.opcode));
    EXPECT_EQ(ops, e.ops);
    EXPECT_EQ(m.tensors.size(), e.tensors);
    EXPECT_EQ(m.buffers.size(), e.buffers);
    ASSERT_EQ(m.inputs.size(), 1u);
    ASSERT_EQ(m.outputs.size(), 1u);
    const TensorDef& in = m.tensors[static_cast<size_t>(m.inputs[0])];
    const TensorDef& out = m.tensors[static_cast<size_t>(m.outputs[0])];
    EXPECT_EQ(in.type, DType::Float32);
    EXPECT_EQ(out.type, DType::Float32);
    EXPECT_EQ(in.shape, e.input_shape);
    EXPECT_EQ(out.shape, e.output_shape);
    EXPECT_EQ(m.description, "MLIR Converted.");
    ASSERT_EQ(m.metadata.size(), 1u);
    EXPECT_EQ(m.metadata[0].first, "min_runtime_version");
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.metadata[0].second.data())), e.min_runtime_version);
    // Names survive reading (the converter writes one per tensor).
    for (const auto& t : m.tensors) EXPECT_FALSE(t.name.empty());
  }
}

TEST(Reader, FullInt8PeerDetails) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  const ModelDef m = read_model_file(peer_model_dir() / "g3_22_kws_a.tflite");
  // Operator 1: CONV_2D v3, inputs [14, 2, 3] -> [15], VALID, stride_w 1, stride_h 2, RELU.
  const OperatorDef& conv = m.operators[1];
  EXPECT_EQ(conv.version, 3);
  EXPECT_EQ(conv.inputs, (std::vector<int>{14, 2, 3}));
  EXPECT_EQ(conv.outputs, (std::vector<int>{15}));
  EXPECT_EQ(conv.options.padding, Padding::Valid);
  EXPECT_EQ(conv.options.stride_w, 1);
  EXPECT_EQ(conv.options.stride_h, 2);
  EXPECT_EQ(conv.options.dilation_w, 1);
  EXPECT_EQ(conv.options.activation, Activation::Relu);
  EXPECT_EQ(m.operators[2].options.depth_multiplier, 1);
  EXPECT_EQ(m.operators[7].version, 4);  // FULLY_CONNECTED
  // Conv weights int8 [204,3,3,1], per-channel along axis 0; depthwise weights along axis 3.
  const TensorDef& w = m.tensors[2];
  EXPECT_EQ(w.type, DType::Int8);
  EXPECT_EQ(w.shape, (std::vector<int32_t>{204, 3, 3, 1}));
  EXPECT_EQ(w.quant.scale.size(), 204u);
  EXPECT_EQ(w.quant.axis, 0);
  EXPECT_EQ(m.buffers[static_cast<size_t>(w.buffer)].size(), 204u * 9u);
  EXPECT_EQ(m.tensors[3].type, DType::Int32);  // bias
  EXPECT_EQ(m.tensors[4].quant.axis, 3);
  EXPECT_EQ(m.tensors[4].quant.scale.size(), 204u);
  // Activations are int8 with one scale and a zero point; the input is float32 and unquantized.
  EXPECT_EQ(m.tensors[14].type, DType::Int8);
  EXPECT_EQ(m.tensors[14].quant.scale.size(), 1u);
  EXPECT_TRUE(m.tensors[0].quant.empty());
}

TEST(Reader, ShapeArithmeticPeerDetails) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  const ModelDef m = read_model_file(peer_model_dir() / "g7_th_a.tflite.zlib");
  EXPECT_EQ(m.operators[2].options.squeeze_dims, (std::vector<int32_t>{-3}));
  EXPECT_EQ(m.operators[3].opcode, static_cast<int32_t>(BuiltinOp::Add));  // only deprecated_builtin_code = 0
  EXPECT_EQ(m.operators[3].options.activation, Activation::Relu);
  EXPECT_EQ(m.operators[7].options.out_type, DType::Int32);
  EXPECT_EQ(m.operators[8].inputs, (std::vector<int>{21, 12, 13, 13}));
  EXPECT_EQ(m.operators[8].options.shrink_axis_mask, 1);
  EXPECT_EQ(m.operators[9].options.values_count, 3);
  EXPECT_EQ(m.operators[9].options.axis, 0);
  EXPECT_TRUE(m.operators[4].options.new_shape.empty());  // RESHAPE takes its shape from input 1
}

TEST(Reader, HybridPeerKeepsInt8Weights) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  const ModelDef m = read_model_file(peer_model_dir() / "g7_kws_a.tflite.zlib");
  const OperatorDef& deq = m.operators[1];
  EXPECT_EQ(deq.opcode, static_cast<int32_t>(BuiltinOp::Dequantize));
  const TensorDef& w = m.tensors[static_cast<size_t>(deq.inputs[0])];
  EXPECT_EQ(w.type, DType::Int8);
  EXPECT_EQ(w.quant.scale.size(), 1u);
  EXPECT_FALSE(m.buffers[static_cast<size_t>(w.buffer)].empty());
}

// ---- malformed input ----

void expect_rejected(const std::vector<uint8_t>& bytes, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_THROW(read_model(bytes, what), Error);
}

TEST(Reader, RejectsTinyAndEmptyInput) {
  expect_rejected({}, "empty");
  expect_rejected({0x78, 0x9c, 0x01}, "3 bytes");
  expect_rejected({0, 0, 0, 0, 'T', 'F', 'L', '3'}, "identifier only");
}

TEST(Reader, RejectsTruncatedPeerModels) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  for (const char* file : {"g7_th_a.tflite.zlib", "g3_22_kws_c.tflite"}) {
    const std::vector<uint8_t> stored = peer_bytes(file);
    const std::vector<uint8_t> raw = unpack_model_bytes(stored, file).flatbuffer;
    for (const double cut : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
      for (const auto* whole : {&stored, &raw}) {
        const auto n = static_cast<size_t>(static_cast<double>(whole->size()) * cut);
        expect_rejected({whole->begin(), whole->begin() + static_cast<std::ptrdiff_t>(n)},
                        std::string(file) + " cut at " + std::to_string(n));
      }
    }
  }
}

TEST(Reader, RejectsRandomBytesWithIdentifier) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<uint8_t> bytes(8 + rng() % 512);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    std::copy_n("TFL3", 4, bytes.begin() + 4);
    try {
      read_model(bytes, "random");
    } catch (const Error&) {
    }
  }
}

TEST(Reader, RejectsCorruptZlib) {
  std::vector<uint8_t> bytes = zlib_deflate(std::vector<uint8_t>(1000, 42));
  bytes[bytes.size() / 2] ^= 0xff;
  expect_rejected(bytes, "flipped byte in zlib");
  expect_rejected(zlib_deflate(std::vector<uint8_t>(1000, 42)), "zlib without TFL3 inside");
  std::vector<uint8_t> trailing = zlib_deflate(std::vector<uint8_t>(16, 1));
  trailing.push_back(0);
  EXPECT_THROW(zlib_inflate(trailing, "trailing"), Error);
}

TEST(Reader, RefusesZipBombs) {
  const std::vector<uint8_t> bomb = zlib_deflate(std::vector<uint8_t>(kMaxModelBytes + 1, 0));
  EXPECT_LT(bomb.size(), 100'000u);
  try {
    read_model(bomb, "bomb");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("inflates to more than"), std::string::npos) << e.what();
  }
}

// ---- structurally hostile flatbuffers, crafted as JSON through tinyfit's schema ----

const std::string kInt8Tensor = "{\"shape\": [4], \"type\": \"INT8\", \"buffer\": 1}";
const std::string kBuffers = "{}, {\"data\": [1, 2, 3, 4]}";
std::string relu_op() { return "\"opcode_index\": 0, \"inputs\": [0], \"outputs\": [1]"; }

// A valid one-op model: t0 float [1,4] -> RELU -> t1, plus an int8 constant t2 in buffer 1.
std::string crafted(const std::string& op_fields = relu_op(), const std::string& extra_tensor = kInt8Tensor,
                    const std::string& buffers = kBuffers) {
  return R"({"version": 3, "operator_codes": [{"deprecated_builtin_code": 19, "builtin_code": 19}],
    "subgraphs": [{"tensors": [{"shape": [1, 4]}, {"shape": [1, 4]}, )" +
         extra_tensor + R"(], "inputs": [0], "outputs": [1], "operators": [{)" + op_fields +
         R"(}]}], "buffers": [)" + buffers + "]}";
}

ModelDef read_json(const std::string& json) {
  return read_model(test_files::flatbuffer_from_json(json), "crafted");
}

void expect_error(const std::string& json, const std::string& needle) {
  SCOPED_TRACE(needle);
  try {
    read_json(json);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Reader, CraftedValidModelReads) {
  const ModelDef m = read_json(crafted());
  ASSERT_EQ(m.operators.size(), 1u);
  EXPECT_EQ(m.operators[0].opcode, static_cast<int32_t>(BuiltinOp::Relu));
  EXPECT_EQ(m.buffers.size(), 2u);
  EXPECT_EQ(m.buffers[1], (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(Reader, RejectsOutOfRangeIndices) {
  expect_error(crafted("\"opcode_index\": 5, \"inputs\": [0], \"outputs\": [1]"), "opcode index 5");
  expect_error(crafted("\"opcode_index\": 0, \"inputs\": [7], \"outputs\": [1]"), "input 7");
  expect_error(crafted("\"opcode_index\": 0, \"inputs\": [0], \"outputs\": [-1]"), "output -1");
  expect_error(crafted(relu_op(), "{\"shape\": [4], \"type\": \"INT8\", \"buffer\": 9}"), "buffer index 9");
  std::string bad_input = crafted();
  bad_input.replace(bad_input.find("\"inputs\": [0], \"outputs\": [1], \"operators\""), 13, "\"inputs\": [3]");
  expect_error(bad_input, "model input 3");
}

TEST(Reader, RejectsBadMetadataBuffer) {
  std::string json = crafted();
  json.insert(json.size() - 1, R"(, "metadata": [{"name": "tinyfit", "buffer": 4}])");
  expect_error(json, "refers to buffer 4");
}

TEST(Reader, RejectsInconsistentTensors) {
  expect_error(crafted(relu_op(), "{\"shape\": [5], \"type\": \"INT8\", \"buffer\": 1}"), "holds 4 bytes");
  expect_error(crafted(relu_op(), "{\"shape\": [-1, 4], \"type\": \"INT8\"}"), "negative or larger");
  expect_error(crafted(relu_op(), "{\"shape\": [65536, 65536, 2], \"type\": \"INT8\"}"), "negative or larger");
  expect_error(crafted(relu_op(), "{\"shape\": [1, 1, 1, 1, 1, 1, 1, 1, 1], \"type\": \"INT8\"}"), "rank 9");
  expect_error(crafted(relu_op(), "{\"shape\": [4], \"type\": \"STRING\"}"), "STRING");
  expect_error(crafted(relu_op(), "{\"shape\": [4], \"type\": \"INT8\", \"is_variable\": true}"), "variable");
  expect_error(crafted(relu_op(), "{\"shape\": [4], \"type\": \"INT8\", \"sparsity\": {}}"), "sparse");
}

TEST(Reader, RejectsInconsistentQuantization) {
  auto tensor = [](const std::string& quant) {
    return "{\"shape\": [2, 4], \"type\": \"INT8\", \"quantization\": " + quant + "}";
  };
  expect_error(crafted(relu_op(), tensor(R"({"scale": [0.5, 0.5], "zero_point": [0]})")), "2 scales but 1 zero");
  expect_error(crafted(relu_op(), tensor(R"({"scale": [0.5]})")), "no zero points");
  expect_error(crafted(relu_op(), tensor(R"({"scale": [1, 2, 3], "zero_point": [0, 0, 0]})")), "per-channel");
  expect_error(crafted(relu_op(), tensor(R"({"scale": [1, 2], "zero_point": [0, 0], "quantized_dimension": 2})")),
               "axis 2");
  expect_error(crafted(relu_op(), tensor(R"({"scale": [1], "zero_point": [4294967296]})")), "outside int32");
  expect_error(crafted(relu_op(), tensor(R"({"details_type": "CustomQuantization", "details": {"custom": [1]}})")),
               "custom quantization");
  // Per-channel along axis 1 with matching counts is fine; min/max alone means "not quantized".
  EXPECT_NO_THROW(read_json(crafted(relu_op(), tensor(R"({"scale": [1, 2, 3, 4], "zero_point": [0, 0, 0, 0],
                                                             "quantized_dimension": 1})"))));
  EXPECT_TRUE(read_json(crafted(relu_op(), tensor(R"({"min": [0], "max": [1]})"))).tensors[2].quant.empty());
}

TEST(Reader, RejectsUnsupportedStructure) {
  std::string two = crafted();
  const auto sg = two.find("\"subgraphs\": [") + 14;
  const auto end = two.find("], \"buffers\"");
  two.insert(end, ", " + two.substr(sg, end - sg));
  expect_error(two, "2 subgraphs");
  expect_error(R"({"version": 3, "buffers": [{}]})", "0 subgraphs");
  std::string v2 = crafted();
  v2.replace(v2.find("\"version\": 3"), 12, "\"version\": 2");
  expect_error(v2, "schema version 2");
}

TEST(Reader, RejectsBadOperatorCodesAndOptions) {
  std::string neg = crafted();
  neg.replace(neg.find("\"deprecated_builtin_code\": 19, \"builtin_code\": 19"), 48,
              "\"deprecated_builtin_code\": -5, \"builtin_code\": -5");
  expect_error(neg, "negative");
  std::string v0 = crafted();
  v0.replace(v0.find("\"builtin_code\": 19}"), 19, "\"builtin_code\": 19, \"version\": 0}");
  expect_error(v0, "version 0");
  // CONV_2D carrying PackOptions; FULLY_CONNECTED with shuffled weights; STRIDED_SLICE with offset.
  auto with_code = [](int code, const std::string& options) {
    std::string j = crafted("\"opcode_index\": 0, \"inputs\": [0], \"outputs\": [1], " + options);
    const std::string from = "\"deprecated_builtin_code\": 19, \"builtin_code\": 19";
    j.replace(j.find(from), from.size(),
              "\"deprecated_builtin_code\": " + std::to_string(std::min(code, 127)) + ", \"builtin_code\": " +
                  std::to_string(code));
    return j;
  };
  expect_error(with_code(3, R"("builtin_options_type": "PackOptions", "builtin_options": {"axis": 1})"),
               "carries PackOptions but CONV_2D takes Conv2DOptions");
  expect_error(with_code(9, R"("builtin_options_type": "FullyConnectedOptions",
                               "builtin_options": {"weights_format": "SHUFFLED4x16INT8"})"),
               "weights_format");
  expect_error(with_code(45, R"("builtin_options_type": "StridedSliceOptions", "builtin_options": {"offset": true})"),
               "offset");
  // Unknown ops and ops without options keep defaults whatever they carry.
  EXPECT_NO_THROW(
      read_json(with_code(200, R"("builtin_options_type": "PackOptions", "builtin_options": {"axis": 1})")));
}

TEST(Reader, ReadsLargeModelBufferLayout) {
  // Buffers of >2 GB models live outside the flatbuffer at an offset from the file start.
  const auto bytes =
      test_files::flatbuffer_from_json(crafted(relu_op(), kInt8Tensor, "{}, {\"offset\": 8, \"size\": 4}"));
  const ModelDef m = read_model(bytes, "offset layout");
  EXPECT_EQ(m.buffers[1], (std::vector<uint8_t>(bytes.begin() + 8, bytes.begin() + 12)));
  expect_error(crafted(relu_op(), kInt8Tensor, "{}, {\"offset\": 100000, \"size\": 4}"), "points outside the file");
  expect_error(crafted(relu_op(), kInt8Tensor, "{}, {\"offset\": 8, \"size\": 18446744073709551615}"),
               "points outside the file");
}

TEST(Reader, SurvivesBitFlipsInARealModel) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  const std::vector<uint8_t> raw = unpack_model_bytes(peer_bytes("g7_th_b.tflite.zlib"), "g7_th_b").flatbuffer;
  std::mt19937 rng(11);
  int rejected = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> bytes = raw;
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips)
      bytes[rng() % bytes.size()] ^= 1u << (rng() % 8);
    try {
      read_model(bytes, "mutated");
    } catch (const Error&) {
      ++rejected;
    }
  }
  std::printf("bit flips: %d of 2000 mutated models rejected with an Error, the rest read\n", rejected);
}

}  // namespace
}  // namespace tinyfit::tflite
