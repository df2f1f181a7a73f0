// The writer: read → write → read is the identity, written files are smaller than the converter's,
// hold what the runtime needs in the layout the schema asks for, and bad ModelDefs are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <tuple>
#include <unistd.h>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "tflite/model_bytes.hpp"
#include "tflite/model_file_util.hpp"
#include "tflite/reader.hpp"
#include "tflite/writer.hpp"

namespace tinyfit::tflite {
namespace {

using test_files::have_peer_models;
using test_files::kPeerModels;
using test_files::peer_model_dir;

auto tie_options(const OpOptions& o) {
  return std::tie(o.padding, o.stride_w, o.stride_h, o.dilation_w, o.dilation_h, o.filter_w, o.filter_h,
                  o.depth_multiplier, o.activation, o.keep_dims, o.asymmetric_quantize_inputs, o.axis, o.values_count,
                  o.new_shape, o.squeeze_dims, o.begin_mask, o.end_mask, o.ellipsis_mask, o.new_axis_mask,
                  o.shrink_axis_mask, o.beta, o.out_type);
}

struct Kept {
  bool names = true, description = true, converter_metadata = true;
};

// Field-by-field equality of everything a ModelDef holds; `kept` says what `b` is expected to have
// lost (names / description / converter metadata dropped by the writer's defaults).
void expect_same_model(const ModelDef& a, const ModelDef& b, Kept kept = {}) {
  EXPECT_EQ(a.buffers, b.buffers);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    SCOPED_TRACE("tensor " + std::to_string(i));
    const TensorDef &x = a.tensors[i], &y = b.tensors[i];
    EXPECT_EQ(y.name, kept.names ? x.name : "");
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.shape, y.shape);
    EXPECT_EQ(x.buffer, y.buffer);
    EXPECT_EQ(x.quant.scale, y.quant.scale);
    EXPECT_EQ(x.quant.zero_point, y.quant.zero_point);
    EXPECT_EQ(x.quant.axis, y.quant.axis);
  }
  ASSERT_EQ(a.operators.size(), b.operators.size());
  for (size_t i = 0; i < a.operators.size(); ++i) {
    SCOPED_TRACE("operator " + std::to_string(i));
    const OperatorDef &x = a.operators[i], &y = b.operators[i];
    EXPECT_EQ(x.opcode, y.opcode);
    EXPECT_EQ(x.version, y.version);
    EXPECT_EQ(x.inputs, y.inputs);
    EXPECT_EQ(x.outputs, y.outputs);
    EXPECT_TRUE(tie_options(x.options) == tie_options(y.options));
  }
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.outputs, b.outputs);
  EXPECT_EQ(b.description, kept.description ? a.description : "");
  auto expected_metadata = a.metadata;
  if (!kept.converter_metadata) {
    std::erase_if(expected_metadata, [](const auto& m) { return m.first == "min_runtime_version"; });
  }
  EXPECT_EQ(expected_metadata, b.metadata);
}

const WriteOptions kKeepAll{.keep_names = true, .keep_description = true, .keep_converter_metadata = true};

TEST(Writer, PeerModelsRoundTrip) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  for (const char* file : kPeerModels) {
    SCOPED_TRACE(file);
    const ModelDef original = read_model_file(peer_model_dir() / file);
    expect_same_model(original, read_model(write_model(original, kKeepAll), "kept"));
    expect_same_model(original, read_model(write_model(original), "default"), {false, false, false});
    const WriteOptions zlib{.zlib = true};
    expect_same_model(original, read_model(write_model(original, zlib), "zlib"), {false, false, false});
  }
}

TEST(Writer, SmallerThanTheConverter) {
  if (!have_peer_models()) GTEST_SKIP() << "peer models not found at " << peer_model_dir();
  std::printf("%-22s %10s %10s %10s %10s\n", "model", "conv raw", "ours raw", "conv zlib", "ours zlib");
  for (const char* file : kPeerModels) {
    SCOPED_TRACE(file);
    const std::vector<uint8_t> stored = read_file_bytes(peer_model_dir() / file);
    const ModelBytes converter = unpack_model_bytes(stored, file);
    // Raw peers were never compressed by their authors: compare with the same zlib level 9.
    const size_t converter_zlib = converter.compressed ? stored.size() : zlib_deflate(converter.flatbuffer).size();
    const ModelDef model = read_model(stored, file);
    const size_t ours_raw = write_model(model).size();
    const size_t ours_zlib = write_model(model, {.zlib = true}).size();
    std::printf("%-22s %10zu %10zu %10zu %10zu\n", file, converter.flatbuffer.size(), ours_raw, converter_zlib,
                ours_zlib);
    EXPECT_LT(ours_raw, converter.flatbuffer.size());
    EXPECT_LT(ours_zlib, converter_zlib);
  }
}

// A small hand-built model touching every option kind the writer encodes.
ModelDef hand_built() {
  ModelDef m;
  auto add_buffer = [&](std::vector<uint8_t> bytes) {
    m.buffers.push_back(std::move(bytes));
    return static_cast<int>(m.buffers.size() - 1);
  };
  auto add_tensor = [&](DType type, std::vector<int32_t> shape, int buffer = 0) {
    TensorDef t;
    t.type = type;
    t.shape = std::move(shape);
    t.buffer = buffer;
    m.tensors.push_back(t);
    return static_cast<int>(m.tensors.size() - 1);
  };
  std::vector<uint8_t> weights(4 * 6);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<uint8_t>(i * 7 + 3);
  const int in = add_tensor(DType::Int8, {1, 6});
  m.tensors[static_cast<size_t>(in)].quant = {{0.5f}, {-3}, 0};
  const int w = add_tensor(DType::Int8, {4, 6}, add_buffer(weights));
  m.tensors[static_cast<size_t>(w)].quant = {{0.1f, 0.2f, 0.3f, 0.4f}, {0, 0, 0, 0}, 0};
  std::vector<uint8_t> bias(16);
  for (size_t i = 0; i < bias.size(); ++i) bias[i] = static_cast<uint8_t>(200 - i);
  const int b = add_tensor(DType::Int32, {4}, add_buffer(bias));
  const int fc = add_tensor(DType::Int8, {1, 4});
  m.tensors[static_cast<size_t>(fc)].quant = {{0.25f}, {1}, 0};
  const int shape = add_tensor(DType::Int32, {2}, add_buffer({1, 0, 0, 0, 4, 0, 0, 0}));
  const int reshaped = add_tensor(DType::Int8, {1, 4});
  const int sm = add_tensor(DType::Int8, {1, 4});
  m.tensors[static_cast<size_t>(sm)].quant = {{1.0f / 256}, {-128}, 0};

  OperatorDef op;
  op.opcode = static_cast<int32_t>(BuiltinOp::FullyConnected);
  op.version = 4;
  op.inputs = {in, w, b};
  op.outputs = {fc};
  op.options.activation = Activation::Relu6;
  op.options.keep_dims = true;
  m.operators.push_back(op);
  op = {};
  op.opcode = static_cast<int32_t>(BuiltinOp::Reshape);
  op.inputs = {fc, shape};
  op.outputs = {reshaped};
  op.options.new_shape = {1, 4};
  m.operators.push_back(op);
  op = {};
  op.opcode = static_cast<int32_t>(BuiltinOp::Softmax);
  op.version = 2;
  op.inputs = {reshaped};
  op.outputs = {sm};
  op.options.beta = 0.5f;
  m.operators.push_back(op);
  m.inputs = {in};
  m.outputs = {sm};
  const std::string params = R"({"sample_rate":16000,"frame_length":640})";
  m.metadata.emplace_back("tinyfit", std::vector<uint8_t>(params.begin(), params.end()));
  return m;
}

TEST(Writer, HandBuiltModelRoundTrips) {
  const ModelDef m = hand_built();
  const std::vector<uint8_t> bytes = write_model(m);
  EXPECT_TRUE(has_tflite_identifier(bytes));
  expect_same_model(m, read_model(bytes, "hand-built"));
  std::printf("hand-built 3-op model: %zu bytes\n", bytes.size());
}

TEST(Writer, EveryOptionKindRoundTrips) {
  struct Case {
    BuiltinOp op;
    void (*set)(OpOptions&);
  };
  const Case cases[] = {
      {BuiltinOp::Conv2D, [](OpOptions& o) { o.padding = Padding::Valid, o.stride_h = 2, o.dilation_w = 3; }},
      {BuiltinOp::DepthwiseConv2D, [](OpOptions& o) { o.depth_multiplier = 2, o.activation = Activation::Relu; }},
      {BuiltinOp::AveragePool2D, [](OpOptions& o) { o.filter_w = 3, o.filter_h = 5, o.stride_w = 2; }},
      {BuiltinOp::MaxPool2D, [](OpOptions& o) { o.filter_w = 2, o.filter_h = 2; }},
      {BuiltinOp::FullyConnected, [](OpOptions& o) { o.asymmetric_quantize_inputs = true; }},
      {BuiltinOp::Concatenation, [](OpOptions& o) { o.axis = -1, o.activation = Activation::Tanh; }},
      {BuiltinOp::Add, [](OpOptions&) {}},
      {BuiltinOp::Sub, [](OpOptions& o) { o.activation = Activation::ReluN1To1; }},
      {BuiltinOp::Mul, [](OpOptions& o) { o.activation = Activation::SignBit; }},
      {BuiltinOp::Mean, [](OpOptions& o) { o.keep_dims = true; }},
      {BuiltinOp::Squeeze,
       [](OpOptions& o) {
         o.squeeze_dims = {1, -2};
       }},
      {BuiltinOp::StridedSlice,
       [](OpOptions& o) {
         o.begin_mask = 1, o.end_mask = 2, o.ellipsis_mask = 4, o.new_axis_mask = 8, o.shrink_axis_mask = 16;
       }},
      {BuiltinOp::Pack, [](OpOptions& o) { o.values_count = 3, o.axis = 1; }},
      {BuiltinOp::Shape, [](OpOptions& o) { o.out_type = DType::Int64; }},
      {BuiltinOp::Shape, [](OpOptions&) {}},
      {BuiltinOp::Quantize, [](OpOptions&) {}},
      {BuiltinOp::Relu, [](OpOptions&) {}},
  };
  ModelDef m;
  m.tensors.resize(1);
  m.tensors[0].shape = {1};
  for (const Case& c : cases) {
    OperatorDef op;
    op.opcode = static_cast<int32_t>(c.op);
    op.inputs = {0};
    op.outputs = {0};
    c.set(op.options);
    m.operators.push_back(op);
  }
  expect_same_model(m, read_model(write_model(m), "options"));
}

TEST(Writer, LayoutFollowsTheSchemaAndTheConverter) {
  ModelDef m = hand_built();
  m.tensors[0].name = "input";
  m.description = "dropped";
  m.metadata.emplace_back("min_runtime_version", std::vector<uint8_t>{'1', '.', '0', 0});
  OperatorDef big;  // a code past 127 travels in builtin_code, with 127 in the byte field
  big.opcode = 130;
  big.inputs = {0};
  big.outputs = {0};
  m.operators.push_back(big);
  const std::string json = test_files::json_from_flatbuffer(write_model(m));
  EXPECT_NE(json.find("\"version\": 3"), std::string::npos) << json;
  EXPECT_NE(json.find("\"deprecated_builtin_code\": 9,\n      \"version\": 4,\n      \"builtin_code\": 9"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"deprecated_builtin_code\": 127,\n      \"builtin_code\": 130"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"name\": \"input\""), std::string::npos);  // names dropped
  EXPECT_EQ(json.find("dropped"), std::string::npos);              // description dropped
  EXPECT_EQ(json.find("min_runtime_version"), std::string::npos);  // converter metadata dropped
  EXPECT_NE(json.find("\"name\": \"tinyfit\""), std::string::npos);
  EXPECT_EQ(json.find("shape_signature"), std::string::npos);
  EXPECT_EQ(read_model(write_model(m), "big code").operators.back().opcode, 130);
  // Buffer 0 is the empty sentinel: the buffers vector starts with an empty table.
  EXPECT_NE(json.find("\"buffers\": [\n    {\n    },"), std::string::npos) << json;
}

TEST(Writer, BufferDataIs16ByteAligned) {
  ModelDef m = hand_built();
  for (int shift = 0; shift < 5; ++shift) {  // vary what precedes the data
    m.metadata.emplace_back("pad" + std::to_string(shift), std::vector<uint8_t>(static_cast<size_t>(shift + 1), 9));
    const std::vector<uint8_t> bytes = write_model(m);
    for (size_t buffer = 1; buffer < m.buffers.size(); ++buffer) {
      const auto& data = m.buffers[buffer];
      // The last match: buffers are laid out last, and the same bytes may occur earlier (e.g. the
      // reshape shape {1, 4} is also RESHAPE's new_shape option).
      const auto at = std::find_end(bytes.begin(), bytes.end(), data.begin(), data.end());
      ASSERT_NE(at, bytes.end());
      EXPECT_EQ((at - bytes.begin()) % 16, 0) << "buffer " << buffer << " at " << (at - bytes.begin());
    }
  }
}

TEST(Writer, DeduplicatesBuffersAndOperatorCodes) {
  ModelDef m = hand_built();
  m.buffers.push_back(m.buffers[static_cast<size_t>(m.tensors[1].buffer)]);  // same bytes again
  m.buffers.emplace_back();                                                   // another empty one
  TensorDef copy = m.tensors[1];
  copy.buffer = static_cast<int>(m.buffers.size() - 2);
  m.tensors.push_back(copy);
  m.tensors[3].buffer = static_cast<int>(m.buffers.size() - 1);
  m.operators.push_back(m.operators[0]);
  const ModelDef back = read_model(write_model(m), "dedup");
  EXPECT_EQ(back.buffers.size(), 4u);  // sentinel, weights, bias, shape
  EXPECT_EQ(back.tensors.back().buffer, back.tensors[1].buffer);
  EXPECT_EQ(back.tensors[3].buffer, 0);
  const std::string json = test_files::json_from_flatbuffer(write_model(m));
  size_t codes = 0;
  for (size_t at = json.find("builtin_code\": 9"); at != std::string::npos;
       at = json.find("builtin_code\": 9", at + 1)) {
    ++codes;
  }
  EXPECT_EQ(codes, 2u);  // one FULLY_CONNECTED code, both fields
}

TEST(Writer, RefusesBrokenModelDefs) {
  ModelDef m = hand_built();
  m.tensors[1].buffer = 42;
  EXPECT_THROW(read_model(write_model(m), "bad buffer"), Error);
  m = hand_built();
  m.operators[0].inputs.push_back(99);
  EXPECT_THROW(write_model(m), Error);
  m = hand_built();
  m.buffers[0] = {1};
  EXPECT_THROW(write_model(m), Error);
  m = hand_built();
  m.tensors[2].shape = {5};  // bias buffer holds 16 bytes = 4 int32
  EXPECT_THROW(write_model(m), Error);
  m = hand_built();
  m.operators[0].opcode = 32;  // CUSTOM: no custom code to write
  EXPECT_THROW(write_model(m), Error);
  m = hand_built();
  m.operators[0].options.activation = static_cast<Activation>(9);
  EXPECT_THROW(write_model(m), Error);
}

TEST(Writer, ZlibAndFiles) {
  const ModelDef m = hand_built();
  const std::vector<uint8_t> packed = write_model(m, {.zlib = true});
  EXPECT_TRUE(has_zlib_header(packed));
  EXPECT_EQ(zlib_inflate(packed, "packed"), write_model(m));
  const auto dir = std::filesystem::temp_directory_path() / ("tinyfit_writer_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  write_model_file(m, dir / "m.tflite.zlib", {.zlib = true});
  expect_same_model(m, read_model_file(dir / "m.tflite.zlib"));
  std::filesystem::remove_all(dir);
}

// The compact layout (4-byte buffer alignment, codes < 127 in the byte field only) reads back as the
// same model, is smaller, and keeps builtin_code for codes past 127.
TEST(Writer, CompactLayoutRoundTripsSmaller) {
  ModelDef m = hand_built();
  OperatorDef big;
  big.opcode = 130;
  big.inputs = {0};
  big.outputs = {0};
  m.operators.push_back(big);
  const WriteOptions compact{.buffer_alignment = 4, .both_code_fields = false};
  const std::vector<uint8_t> small = write_model(m, compact);
  EXPECT_LT(small.size(), write_model(m).size());
  expect_same_model(m, read_model(small, "compact"));
  const std::string json = test_files::json_from_flatbuffer(small);
  EXPECT_EQ(json.find("\"builtin_code\": 9"), std::string::npos) << json;
  EXPECT_NE(json.find("\"deprecated_builtin_code\": 127,\n      \"builtin_code\": 130"), std::string::npos) << json;
  for (size_t buffer = 1; buffer < m.buffers.size(); ++buffer) {
    const auto& data = m.buffers[buffer];
    const auto at = std::find_end(small.begin(), small.end(), data.begin(), data.end());
    ASSERT_NE(at, small.end());
    EXPECT_EQ((at - small.begin()) % 4, 0) << "buffer " << buffer;
  }
}

// ---- the tight layout (writer_tight.hpp) ----

// hand_built() without its SOFTMAX (the tight layout writes FULLY_CONNECTED and RESHAPE options only).
ModelDef forecast_like() {
  ModelDef m = hand_built();
  m.operators.pop_back();
  m.outputs = {m.operators.back().outputs[0]};
  m.tensors.pop_back();
  return m;
}

// The tight layout renumbers tensors; the operators keep their order, so their index lists give the
// renumbering. Everything else must be equal.
void expect_same_up_to_tensor_order(const ModelDef& a, const ModelDef& b) {
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  ASSERT_EQ(a.operators.size(), b.operators.size());
  std::vector<int> to(a.tensors.size(), -1);
  auto follow = [&to](const std::vector<int>& x, const std::vector<int>& y) {
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i] < 0) {
        EXPECT_EQ(y[i], x[i]);
        continue;
      }
      int& t = to[static_cast<size_t>(x[i])];
      EXPECT_TRUE(t == -1 || t == y[i]);
      t = y[i];
    }
  };
  follow(a.inputs, b.inputs);
  follow(a.outputs, b.outputs);
  for (size_t i = 0; i < a.operators.size(); ++i) {
    const OperatorDef &x = a.operators[i], &y = b.operators[i];
    EXPECT_EQ(x.opcode, y.opcode);
    EXPECT_EQ(x.version, y.version);
    EXPECT_TRUE(tie_options(x.options) == tie_options(y.options));
    follow(x.inputs, y.inputs);
    follow(x.outputs, y.outputs);
  }
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    SCOPED_TRACE("tensor " + std::to_string(i));
    ASSERT_GE(to[i], 0) << "tensor not used by the graph";
    const TensorDef &x = a.tensors[i], &y = b.tensors[static_cast<size_t>(to[i])];
    EXPECT_EQ(y.name, "");
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.shape, y.shape);
    EXPECT_EQ(a.buffers[static_cast<size_t>(x.buffer)], b.buffers[static_cast<size_t>(y.buffer)]);
    EXPECT_EQ(x.quant.scale, y.quant.scale);
    EXPECT_EQ(x.quant.zero_point, y.quant.zero_point);
    EXPECT_EQ(x.quant.axis, y.quant.axis);
  }
  EXPECT_EQ(a.metadata, b.metadata);
}

TEST(WriterTight, RoundTripsSmallerAndReproducibly) {
  const ModelDef m = forecast_like();
  const WriteOptions tight{.buffer_alignment = 4, .both_code_fields = false, .tight = true};
  const std::vector<uint8_t> bytes = write_model(m, tight);
  EXPECT_TRUE(has_tflite_identifier(bytes));
  EXPECT_EQ(bytes, write_model(m, tight));
  expect_same_up_to_tensor_order(m, read_model(bytes, "tight"));
  const WriteOptions compact{.buffer_alignment = 4, .both_code_fields = false};
  EXPECT_LT(bytes.size(), write_model(m, compact).size());
  // flatc's own text generator walks every table and vector of the file too.
  const std::string json = test_files::json_from_flatbuffer(bytes);
  EXPECT_NE(json.find("\"version\": 3"), std::string::npos) << json;
  std::printf("forecast-like 2-op model: tight %zu bytes, compact %zu bytes\n", bytes.size(),
              write_model(m, compact).size());
}

TEST(WriterTight, DataIsAlignedAndSharedObjectsAreWrittenOnce) {
  ModelDef m = forecast_like();
  // A second FULLY_CONNECTED with the same weights, bias and options: one buffer each, one options table.
  const int out = static_cast<int>(m.tensors.size());
  m.tensors.push_back(m.tensors[static_cast<size_t>(m.operators[0].outputs[0])]);
  OperatorDef again = m.operators[0];
  again.outputs = {out};
  m.operators.push_back(again);
  m.outputs.push_back(out);
  const std::vector<uint8_t> bytes = write_model(m, {.tight = true});
  const ModelDef back = read_model(bytes, "tight");
  expect_same_up_to_tensor_order(m, back);
  for (size_t buffer = 1; buffer < m.buffers.size(); ++buffer) {
    const auto& data = m.buffers[buffer];
    const auto at = std::search(bytes.begin(), bytes.end(), data.begin(), data.end());
    ASSERT_NE(at, bytes.end());
    EXPECT_EQ((at - bytes.begin()) % 4, 0) << "buffer " << buffer;
    if (data.size() >= 16) {  // short ones (a shape tensor's [1, 4]) also occur inside shape vectors
      EXPECT_EQ(std::search(at + 1, bytes.end(), data.begin(), data.end()), bytes.end()) << "buffer " << buffer;
    }
  }
}

TEST(WriterTight, RefusesOptionsItCannotWrite) {
  const std::string message = [] {
    try {
      write_model(hand_built(), {.tight = true});  // SOFTMAX beta 0.5
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  EXPECT_NE(message.find("SOFTMAX"), std::string::npos) << message;
  EXPECT_NE(message.find("compact"), std::string::npos) << message;
}

}  // namespace
}  // namespace tinyfit::tflite
