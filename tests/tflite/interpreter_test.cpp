// Interpreter: a hand-built model (conv+relu -> depthwise -> avgpool -> FC, plus a constant branch
// that folds), checked against the ops run one by one; arena reuse; construction errors; the memory
// planner on its own; and, once the reader exists, every peer model (real converter output).
#include "tflite/interpreter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/error.hpp"
#include "tflite/memory_plan.hpp"
#include "tflite/op_runner.hpp"
#include "tflite/op_table.hpp"
#include "tflite/ops/ops.hpp"

#if __has_include("tflite/reader.hpp")
#include "tflite/reader.hpp"
#define TINYFIT_HAVE_READER 1
#endif

namespace tinyfit::tflite {
namespace {

// Builds a ModelDef tensor by tensor.
struct ModelBuilder {
  ModelDef m;

  int tensor(DType type, std::vector<int32_t> shape, Quantization q = {}) {
    TensorDef t;
    t.type = type;
    t.shape = std::move(shape);
    t.quant = std::move(q);
    t.name = "t";  // appended: GCC 12 warns falsely (-Wrestrict) on "t" + std::to_string(...)
    t.name += std::to_string(m.tensors.size());
    m.tensors.push_back(std::move(t));
    return static_cast<int>(m.tensors.size() - 1);
  }
  template <class T>
  int constant(DType type, std::vector<int32_t> shape, const std::vector<T>& values) {
    const int index = tensor(type, std::move(shape));
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    m.buffers.push_back(std::move(bytes));
    m.tensors.back().buffer = static_cast<int>(m.buffers.size() - 1);
    return index;
  }
  void op(BuiltinOp code, std::vector<int> inputs, std::vector<int> outputs, OpOptions options = {}) {
    OperatorDef op;
    op.opcode = static_cast<int32_t>(code);
    op.inputs = std::move(inputs);
    op.outputs = std::move(outputs);
    op.options = std::move(options);
    m.operators.push_back(std::move(op));
  }
};

OpOptions same_conv(Activation act = Activation::None) {
  OpOptions o;
  o.padding = Padding::Same;
  o.activation = act;
  return o;
}
OpOptions pool2x2() {
  OpOptions o;
  o.padding = Padding::Valid;
  o.filter_h = o.filter_w = o.stride_h = o.stride_w = 2;
  return o;
}

// The test model's data.
struct Weights {
  std::vector<float> input = test::random_floats(64, -1, 1, 11);
  std::vector<float> w1 = test::random_floats(36, -1, 1, 12), b1 = test::random_floats(4, -0.5f, 0.5f, 13);
  std::vector<float> w2 = test::random_floats(36, -1, 1, 14), b2 = test::random_floats(4, -0.5f, 0.5f, 15);
  std::vector<float> w3 = test::random_floats(192, -1, 1, 16), b3 = test::random_floats(3, -0.5f, 0.5f, 17);
  std::vector<float> folded_in = test::random_floats(16, -1, 1, 18);
};

// Node 0 CONV_2D 3x3 SAME + RELU [1,8,8,1] -> [1,8,8,4]; node 1 DEPTHWISE 3x3 SAME -> [1,8,8,4];
// node 2 AVERAGE_POOL 2x2/2 -> [1,4,4,4]; node 3 FULLY_CONNECTED -> [1,3].
// Node 4 MAX_POOL and node 5 AVERAGE_POOL on a constant [1,4,4,1]: folded; output 1.
ModelDef test_model(const Weights& w, int* activation_tensors = nullptr) {
  ModelBuilder b;
  const int x = b.tensor(DType::Float32, {-1, 8, 8, 1});  // dynamic batch: treated as 1
  const int w1 = b.constant(DType::Float32, {4, 3, 3, 1}, w.w1), b1 = b.constant(DType::Float32, {4}, w.b1);
  const int t1 = b.tensor(DType::Float32, {1, 8, 8, 4});
  const int w2 = b.constant(DType::Float32, {1, 3, 3, 4}, w.w2), b2 = b.constant(DType::Float32, {4}, w.b2);
  const int t2 = b.tensor(DType::Float32, {1, 8, 8, 4});
  const int t3 = b.tensor(DType::Float32, {1, 4, 4, 4});
  const int w3 = b.constant(DType::Float32, {3, 64}, w.w3), b3 = b.constant(DType::Float32, {3}, w.b3);
  const int y = b.tensor(DType::Float32, {1, 3});
  const int c = b.constant(DType::Float32, {1, 4, 4, 1}, w.folded_in);
  const int f1 = b.tensor(DType::Float32, {1, 2, 2, 1});
  const int f2 = b.tensor(DType::Float32, {1, 1, 1, 1});
  b.op(BuiltinOp::Conv2D, {x, w1, b1}, {t1}, same_conv(Activation::Relu));
  b.op(BuiltinOp::DepthwiseConv2D, {t1, w2, b2}, {t2}, same_conv());
  b.op(BuiltinOp::AveragePool2D, {t2}, {t3}, pool2x2());
  b.op(BuiltinOp::FullyConnected, {t3, w3, b3}, {y});
  b.op(BuiltinOp::MaxPool2D, {c}, {f1}, pool2x2());
  b.op(BuiltinOp::AveragePool2D, {f1}, {f2}, pool2x2());
  b.m.inputs = {x};
  b.m.outputs = {y, f2};
  if (activation_tensors) *activation_tensors = 5;  // x, t1, t2, t3, y
  return b.m;
}

// The same computation with each op run on its own (reference kernels).
std::vector<float> expected_output(const Weights& w) {
  test::OpRunner conv(ops::register_conv_2d(), same_conv(Activation::Relu));
  conv.add_input(DType::Float32, {1, 8, 8, 1}, w.input);
  conv.add_constant(DType::Float32, {4, 3, 3, 1}, w.w1);
  conv.add_constant(DType::Float32, {4}, w.b1);
  conv.add_output(DType::Float32);
  conv.run();
  test::OpRunner dw(ops::register_depthwise_conv_2d(), same_conv());
  dw.add_input(DType::Float32, {1, 8, 8, 4}, conv.output_values<float>(0));
  dw.add_constant(DType::Float32, {1, 3, 3, 4}, w.w2);
  dw.add_constant(DType::Float32, {4}, w.b2);
  dw.add_output(DType::Float32);
  dw.run();
  test::OpRunner pool(ops::register_average_pool_2d(), pool2x2());
  pool.add_input(DType::Float32, {1, 8, 8, 4}, dw.output_values<float>(0));
  pool.add_output(DType::Float32);
  pool.run();
  test::OpRunner fc(ops::register_fully_connected());
  fc.add_input(DType::Float32, {1, 4, 4, 4}, pool.output_values<float>(0));
  fc.add_constant(DType::Float32, {3, 64}, w.w3);
  fc.add_constant(DType::Float32, {3}, w.b3);
  fc.add_output(DType::Float32);
  fc.run();
  return fc.output_values<float>(0);
}

std::vector<float> values(const Tensor& t) { return std::vector<float>(t.as<float>(), t.as<float>() + t.num_elements()); }

TEST(Interpreter, RunsHandBuiltModel) {
  const Weights w;
  Interpreter it(test_model(w), InterpreterOptions{.reference_only = true});
  ASSERT_EQ(it.num_inputs(), 1u);
  ASSERT_EQ(it.num_outputs(), 2u);
  EXPECT_EQ(it.input(0).shape, (std::vector<int32_t>{1, 8, 8, 1}));
  EXPECT_EQ(it.tensors()[3].shape, (std::vector<int32_t>{1, 8, 8, 4}));
  EXPECT_EQ(it.output(0).shape, (std::vector<int32_t>{1, 3}));
  std::copy(w.input.begin(), w.input.end(), it.input(0).as<float>());
  it.invoke();
  EXPECT_EQ(values(it.output(0)), expected_output(w));
  // Invoking again on the same input gives the same answer; a new input gives a new one.
  it.invoke();
  EXPECT_EQ(values(it.output(0)), expected_output(w));
  std::fill_n(it.input(0).as<float>(), 64, 0.25f);
  it.invoke();
  EXPECT_NE(values(it.output(0)), expected_output(w));
}

TEST(Interpreter, FoldsConstantBranch) {
  const Weights w;
  Interpreter it(test_model(w));
  for (size_t i = 0; i < 4; ++i) EXPECT_FALSE(it.node_folded(i)) << i;
  EXPECT_TRUE(it.node_folded(4));
  EXPECT_TRUE(it.node_folded(5));  // folds because node 4's output became a constant
  const Tensor& folded = it.output(1);
  EXPECT_TRUE(folded.is_constant);
  // max over each 2x2 block, then the mean of the four maxima.
  float expected = 0;
  for (int by = 0; by < 2; ++by)
    for (int bx = 0; bx < 2; ++bx) {
      float m = -1e30f;
      for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x) m = std::max(m, w.folded_in[(by * 2 + y) * 4 + bx * 2 + x]);
      expected += m;
    }
  EXPECT_FLOAT_EQ(folded.as<float>()[0], expected / 4);
}

TEST(Interpreter, ArenaReusesDeadTensors) {
  const Weights w;
  int activations = 0;
  Interpreter it(test_model(w, &activations));
  size_t sum = 0;
  for (const Tensor& t : it.tensors())
    if (!t.is_constant && t.data) sum += t.bytes;
  // x 256 + t1 1024 + t2 1024 + t3 256 + y 12 bytes; t3 and y can reuse t1's space.
  EXPECT_EQ(sum, 2572u);
  EXPECT_LT(it.arena_bytes(), sum);
  EXPECT_EQ(it.arena_bytes(), 2304u);
  // Every arena tensor is 64-byte aligned.
  for (const Tensor& t : it.tensors())
    if (!t.is_constant && t.data) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data) % 64, 0u) << t.name;
    }
}

TEST(Interpreter, FastMatchesReference) {
  const Weights w;
  Interpreter ref(test_model(w), InterpreterOptions{.reference_only = true});
  Interpreter fast(test_model(w));
  std::copy(w.input.begin(), w.input.end(), ref.input(0).as<float>());
  std::copy(w.input.begin(), w.input.end(), fast.input(0).as<float>());
  ref.invoke();
  fast.invoke();
  const auto a = values(ref.output(0)), b = values(fast.output(0));
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5f * std::max(1.0f, std::abs(a[i])));
}

// `convs` int8 3x3 SAME convolutions in a row on [1, 6, 5, 8] (one filter and bias for all).
ModelDef int8_conv_chain(int convs) {
  ModelBuilder b;
  int x = b.tensor(DType::Int8, {1, 6, 5, 8}, test::quant(0.05f, 3));
  b.m.inputs = {x};
  const int w = b.constant(DType::Int8, {8, 3, 3, 8}, test::random_ints<int8_t>(8 * 9 * 8, -127, 127, 5));
  b.m.tensors[static_cast<size_t>(w)].quant = test::quant(0.02f);
  const int bias = b.constant(DType::Int32, {8}, test::random_ints<int32_t>(8, -300, 300, 6));
  b.m.tensors[static_cast<size_t>(bias)].quant = test::quant(0.05f * 0.02f);
  for (int i = 0; i < convs; ++i) {
    const int y = b.tensor(DType::Int8, {1, 6, 5, 8}, test::quant(0.05f, 3));
    b.op(BuiltinOp::Conv2D, {x, w, bias}, {y}, same_conv(Activation::Relu));
    x = y;
  }
  b.m.outputs = {x};
  return b.m;
}

TEST(Interpreter, OpsShareOneScratchBlock) {
  // The fast kernels lay their work arrays over one block the interpreter shares among its ops
  // (OpContext::request_scratch): a second identical convolution needs no more of it, and reusing what
  // the first left there changes no result (equal to the reference kernels, which use none).
  Interpreter one(int8_conv_chain(1)), three(int8_conv_chain(3));
  EXPECT_GT(one.scratch_bytes(), 0u);
  EXPECT_EQ(three.scratch_bytes(), one.scratch_bytes());
  Interpreter ref(int8_conv_chain(3), InterpreterOptions{.reference_only = true});
  EXPECT_EQ(ref.scratch_bytes(), 0u);
  const auto input = test::random_ints<int8_t>(6 * 5 * 8, -128, 127, 7);
  for (Interpreter* it : {&three, &ref}) {
    std::copy(input.begin(), input.end(), it->input(0).as<int8_t>());
    it->invoke();
  }
  const int8_t* a = three.output(0).as<int8_t>();
  const int8_t* r = ref.output(0).as<int8_t>();
  EXPECT_TRUE(std::equal(a, a + 6 * 5 * 8, r));
  EXPECT_FALSE(std::all_of(r, r + 6 * 5 * 8, [&](int8_t v) { return v == r[0]; }));  // not all clamped
}

std::string construction_error(ModelDef m) {
  try {
    Interpreter it(std::move(m));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Interpreter, ConstructionErrors) {
  const Weights w;
  {
    ModelDef m = test_model(w);
    m.operators[2].opcode = 23;  // RESIZE_BILINEAR
    EXPECT_EQ(construction_error(m), "model: node 2: unsupported op RESIZE_BILINEAR");
  }
  {
    ModelDef m = test_model(w);
    m.buffers[static_cast<size_t>(m.tensors[1].buffer)].pop_back();  // conv weights one byte short
    EXPECT_NE(construction_error(m).find("buffer of 143 bytes, expected 144"), std::string::npos)
        << construction_error(m);
  }
  {
    ModelDef m = test_model(w);
    m.tensors[0].type = DType::Int32;  // graph input of a type CONV_2D does not take
    const std::string e = construction_error(m);
    EXPECT_NE(e.find("node 0 (CONV_2D)"), std::string::npos) << e;
  }
  {
    ModelDef m = test_model(w);
    m.tensors[0].shape = {1, 8, 8, 2};  // input channels do not match the filter
    EXPECT_NE(construction_error(m).find("CONV_2D"), std::string::npos);
  }
  {
    ModelDef m = test_model(w);
    std::swap(m.operators[1], m.operators[2]);  // pool reads the depthwise output before it exists
    EXPECT_NE(construction_error(m).find("computed by an earlier node"), std::string::npos) << construction_error(m);
  }
  {
    ModelDef m = test_model(w);
    m.operators[0].inputs = {0, 1};  // missing inputs are fine (bias optional) ...
    EXPECT_EQ(construction_error(m), "");
    m.operators[0].inputs = {0};  // ... but not the filter
    EXPECT_NE(construction_error(m).find("CONV_2D"), std::string::npos);
    m.operators[0].inputs = {0, 1, 2, 2};  // nor an extra input
    EXPECT_NE(construction_error(m).find("CONV_2D"), std::string::npos);
  }
}

TEST(MemoryPlan, NoOverlapBetweenLiveBuffers) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<BufferRequest> requests(1 + rng() % 30);
    for (auto& r : requests) {
      r.bytes = rng() % 5000;
      r.first_use = static_cast<int>(rng() % 20);
      r.last_use = r.first_use + static_cast<int>(rng() % 6);
    }
    const MemoryPlan plan = plan_memory(requests, 64);
    size_t peak = 0;
    for (int step = 0; step < 26; ++step) {
      size_t live = 0;
      for (const auto& r : requests)
        if (r.first_use <= step && step <= r.last_use) live += (std::max<size_t>(r.bytes, 1) + 63) / 64 * 64;
      peak = std::max(peak, live);
    }
    EXPECT_GE(plan.arena_bytes, peak);
    for (size_t i = 0; i < requests.size(); ++i) {
      EXPECT_EQ(plan.offsets[i] % 64, 0u);
      EXPECT_LE(plan.offsets[i] + requests[i].bytes, plan.arena_bytes);
      for (size_t j = i + 1; j < requests.size(); ++j) {
        const bool same_time = requests[i].first_use <= requests[j].last_use && requests[j].first_use <= requests[i].last_use;
        const bool same_bytes = plan.offsets[i] < plan.offsets[j] + std::max<size_t>(requests[j].bytes, 1) &&
                                plan.offsets[j] < plan.offsets[i] + std::max<size_t>(requests[i].bytes, 1);
        EXPECT_FALSE(same_time && same_bytes) << i << " " << j;
      }
    }
  }
}

#ifdef TINYFIT_HAVE_READER
// Every peer model: build an Interpreter, run reference and fast kernels on a deterministic input.
// Skips (naming the op) while an op the model needs is not in the table.
TEST(Interpreter, RunsPeerModels) {
  const auto dir = std::filesystem::path(TINYFIT_DEFAULT_DATA) / ".." / "peer_models";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no peer models at " << dir;
  std::string missing;
  int ran = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tflite") == std::string::npos) continue;
    SCOPED_TRACE(name);
    ModelDef model = read_model_file(entry.path());
    bool runnable = true;
    for (const OperatorDef& op : model.operators)
      if (!find_op(op.opcode)) {
        missing += name + " needs " + builtin_op_name(op.opcode) + "; ";
        runnable = false;
        break;
      }
    if (!runnable) continue;
    Interpreter ref(model, InterpreterOptions{.reference_only = true});
    Interpreter fast(std::move(model));
    // Shape arithmetic (G7 forecasting: SHAPE -> STRIDED_SLICE -> PACK) and the dequantization of
    // constant weights (G7 KWS) are folded at construction; everything else runs in invoke().
    for (size_t i = 0; i < ref.num_nodes(); ++i) {
      const int32_t code = ref.model().operators[i].opcode;
      const bool shape_math = code == static_cast<int32_t>(BuiltinOp::Shape) ||
                              code == static_cast<int32_t>(BuiltinOp::StridedSlice) ||
                              code == static_cast<int32_t>(BuiltinOp::Pack);
      const bool heavy = code == static_cast<int32_t>(BuiltinOp::Conv2D) ||
                         code == static_cast<int32_t>(BuiltinOp::FullyConnected);
      if (shape_math) {
        EXPECT_TRUE(ref.node_folded(i)) << "node " << i;
      }
      if (heavy) {
        EXPECT_FALSE(ref.node_folded(i)) << "node " << i;
      }
    }
    ASSERT_EQ(ref.num_inputs(), 1u);
    Tensor& in = ref.input(0);
    ASSERT_EQ(in.type, DType::Float32);
    for (int64_t i = 0; i < in.num_elements(); ++i) in.as<float>()[i] = std::sin(0.37f * static_cast<float>(i));
    std::memcpy(fast.input(0).data, in.data, in.bytes);
    ref.invoke();
    fast.invoke();
    const Tensor& out = ref.output(0);
    ASSERT_EQ(out.type, DType::Float32);
    const bool kws = name.find("kws") != std::string::npos;
    const std::vector<int32_t> expected_shape = kws ? std::vector<int32_t>{1, 8} : std::vector<int32_t>{1, 6, 2};
    EXPECT_EQ(out.shape, expected_shape);
    for (int64_t i = 0; i < out.num_elements(); ++i) {
      const float a = out.as<float>()[i], b = fast.output(0).as<float>()[i];
      ASSERT_TRUE(std::isfinite(a)) << i;
      EXPECT_NEAR(a, b, 1e-4f * std::max(1.0f, std::abs(a))) << i;
    }
    ++ran;
  }
  if (!missing.empty()) GTEST_SKIP() << "ran " << ran << " models; missing ops: " << missing;
}
#endif

}  // namespace
}  // namespace tinyfit::tflite
