#include "models/kws_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

#include "core/error.hpp"
#include "data/speech_commands.hpp"
#include "tflite/metadata.hpp"

namespace tinyfit::models {

namespace {

using tflite::BuiltinOp;
using tflite::DType;
using tflite::ModelDef;

// Operator-code versions as TFLite's op_version.cc assigns them (checked against converter output in
// ../shared/peer_models: CONV_2D 3, DEPTHWISE_CONV_2D 3, MEAN 2, FULLY_CONNECTED 4 for int8).
struct Versions {
  int conv, depthwise, add, mean, dense;
};
constexpr Versions kFloatVersions{1, 1, 1, 1, 1};
constexpr Versions kInt8Versions{3, 3, 2, 2, 4};
constexpr int kQuantizeVersion = 1;
constexpr int kDequantizeVersion = 2;

// Which weight index belongs to which output channel: [out][...] (conv, dense) or [...][channels]
// (depthwise, TFLite's quantized_dimension 3).
size_t channel_of(const FoldedLayer& l, size_t i) {
  if (l.kind == LayerKind::Depthwise) return i % static_cast<size_t>(l.out_channels);
  return i / (l.weights.size() / static_cast<size_t>(l.out_channels));
}

}  // namespace

float short_scale(float scale) {
  if (!(scale > 0.0f) || !std::isfinite(scale)) return scale;
  uint32_t bits = 0;
  std::memcpy(&bits, &scale, sizeof bits);
  constexpr uint32_t kDropped = (1u << 16) - 1;  // the 16 low mantissa bits: 23 - 7 kept
  if (bits & kDropped) bits = (bits | kDropped) + 1;  // round up (a carry into the exponent is still exact)
  float out = 0.0f;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

namespace {

// Symmetric scales max|w| / 127 (made short: short_scale), per output channel or one for the tensor (FULLY_CONNECTED, as the
// converter does). All-zero channels get scale 1 (any scale represents them exactly).
std::vector<float> weight_scales(const FoldedLayer& l, bool per_channel) {
  std::vector<float> max_abs(per_channel ? static_cast<size_t>(l.out_channels) : 1, 0.0f);
  for (size_t i = 0; i < l.weights.size(); ++i) {
    float& m = max_abs[per_channel ? channel_of(l, i) : 0];
    m = std::max(m, std::fabs(l.weights[i]));
  }
  for (float& m : max_abs) m = m > 0.0f ? short_scale(m / 127.0f) : 1.0f;
  return max_abs;
}

// A channel whose bias would need more than 2^28 steps of in_scale * weight scale (a few tiny weights
// left by pruning next to a large bias) gets a larger weight scale, as TFLite's converter does, so the
// int32 bias stays well in range (interpreters bound it so that accumulation cannot overflow; tinyfit's
// refuses more than 2^29): those weights lose precision, but they are small against the bias anyway.
std::vector<float> bias_safe_scales(const FoldedLayer& l, std::vector<float> scales, float in_scale) {
  constexpr double kMaxSteps = 268435456.0;  // 2^28
  for (size_t c = 0; c < l.bias.size(); ++c) {
    float& s = scales[scales.size() == 1 ? 0 : c];
    const double needed = std::fabs(static_cast<double>(l.bias[c])) / (static_cast<double>(in_scale) * kMaxSteps);
    if (needed > s) s = short_scale(static_cast<float>(needed));
  }
  return scales;
}

std::vector<int8_t> quantize(const FoldedLayer& l, const std::vector<float>& scales) {
  std::vector<int8_t> q(l.weights.size());
  for (size_t i = 0; i < q.size(); ++i) {
    const float s = scales[scales.size() == 1 ? 0 : channel_of(l, i)];
    q[i] = static_cast<int8_t>(std::clamp(std::nearbyint(l.weights[i] / s), -127.0f, 127.0f));
  }
  return q;
}

bool per_channel(const FoldedLayer& l) { return l.kind != LayerKind::Dense; }

class Builder {
 public:
  explicit Builder(ModelDef& m) : m_(m) {}
  template <class T>
  int constant(DType type, std::vector<int32_t> shape, const std::vector<T>& values, tflite::Quantization q = {}) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    m_.buffers.push_back(std::move(bytes));
    return tensor(type, std::move(shape), std::move(q), static_cast<int>(m_.buffers.size() - 1));
  }
  int tensor(DType type, std::vector<int32_t> shape, tflite::Quantization q = {}, int buffer = 0) {
    m_.tensors.push_back({.name = "", .type = type, .shape = std::move(shape), .quant = std::move(q), .buffer = buffer});
    return static_cast<int>(m_.tensors.size() - 1);
  }
  void op(BuiltinOp code, int version, std::vector<int> inputs, int output, tflite::OpOptions o = {}) {
    m_.operators.push_back({.opcode = static_cast<int32_t>(code), .version = version, .inputs = std::move(inputs),
                            .outputs = {output}, .options = std::move(o)});
  }

 private:
  ModelDef& m_;
};

tflite::Quantization per_tensor(const ActivationQuant& q) { return {.scale = {q.scale}, .zero_point = {q.zero_point}}; }

// Output shape of every activation (NHWC without the batch; Mean and Dense: [channels]).
std::vector<std::vector<int32_t>> activation_shapes(const FoldedKws& net) {
  std::vector<std::vector<int32_t>> s{{net.rows, net.cols, 1}};
  for (const FoldedLayer& l : net.layers) {
    const std::vector<int32_t>& in = s.at(static_cast<size_t>(l.inputs.at(0)));
    switch (l.kind) {
      case LayerKind::Conv:
      case LayerKind::Depthwise: {
        if (in.size() != 3 || in[2] != l.in_channels) throw Error("kws export: a convolution's input channels do not match");
        auto out = [&](int n, int k, int stride) { return l.same_padding ? (n + stride - 1) / stride : (n - k) / stride + 1; };
        s.push_back({out(in[0], l.kh, l.stride_h), out(in[1], l.kw, l.stride_w), l.out_channels});
        break;
      }
      case LayerKind::Add: s.push_back(in); break;
      case LayerKind::Mean: s.push_back({in.at(2)}); break;
      case LayerKind::Dense: s.push_back({l.out_channels}); break;
    }
  }
  return s;
}

}  // namespace

ActivationQuant activation_quant(ActivationRange r) {
  const float lo = std::min(r.min, 0.0f), hi = std::max(r.max, 0.0f);
  ActivationQuant q;
  q.scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  q.zero_point = static_cast<int>(std::clamp(std::nearbyint(-128.0f - lo / q.scale), -128.0f, 127.0f));
  return q;
}

FoldedKws quantize_weights(const FoldedKws& net) {
  FoldedKws q = net;
  for (FoldedLayer& l : q.layers) {
    if (l.weights.empty()) continue;
    const std::vector<float> scales = weight_scales(l, per_channel(l));
    const std::vector<int8_t> w = quantize(l, scales);
    for (size_t i = 0; i < w.size(); ++i) l.weights[i] = w[i] * scales[scales.size() == 1 ? 0 : channel_of(l, i)];
  }
  return q;
}

tflite::ModelDef export_kws(const FoldedKws& net, const dsp::FeatureOptions& features, KwsWeightFormat format,
                            const std::vector<ActivationRange>& ranges) {
  const bool int8 = format == KwsWeightFormat::Int8;
  const auto shapes = activation_shapes(net);
  if (int8 && ranges.size() != shapes.size())
    throw Error("kws export: " + std::to_string(ranges.size()) + " activation ranges for " +
                std::to_string(shapes.size()) + " activations");
  const Versions& v = int8 ? kInt8Versions : kFloatVersions;
  const DType act_type = int8 ? DType::Int8 : DType::Float32;
  ModelDef m;
  Builder b(m);
  auto batch = [](std::vector<int32_t> s) {
    s.insert(s.begin(), 1);
    return s;
  };
  auto quant_of = [&](size_t a) { return int8 ? per_tensor(activation_quant(ranges[a])) : tflite::Quantization{}; };

  const int input = b.tensor(DType::Float32, batch(shapes[0]));
  m.inputs = {input};
  std::vector<int> act{input};
  if (int8) {
    act[0] = b.tensor(DType::Int8, batch(shapes[0]), quant_of(0));
    b.op(BuiltinOp::Quantize, kQuantizeVersion, {input}, act[0]);
  }
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const FoldedLayer& l = net.layers[i];
    const int in = act.at(static_cast<size_t>(l.inputs.at(0)));
    const int out = b.tensor(act_type, batch(shapes[i + 1]), quant_of(i + 1));
    tflite::OpOptions o;
    o.activation = l.relu ? tflite::Activation::Relu : tflite::Activation::None;
    if (l.kind == LayerKind::Add) {
      b.op(BuiltinOp::Add, v.add, {in, act.at(static_cast<size_t>(l.inputs.at(1)))}, out, o);
    } else if (l.kind == LayerKind::Mean) {
      const int axes = b.constant(DType::Int32, {2}, std::vector<int32_t>{1, 2});
      b.op(BuiltinOp::Mean, v.mean, {in, axes}, out);
    } else {
      std::vector<int32_t> wshape = l.kind == LayerKind::Conv        ? std::vector<int32_t>{l.out_channels, l.kh, l.kw, l.in_channels}
                                    : l.kind == LayerKind::Depthwise ? std::vector<int32_t>{1, l.kh, l.kw, l.out_channels}
                                                                     : std::vector<int32_t>{l.out_channels, l.in_channels};
      if (l.weights.size() != static_cast<size_t>(std::accumulate(wshape.begin(), wshape.end(), 1, std::multiplies<int>())) ||
          l.bias.size() != static_cast<size_t>(l.out_channels))
        throw Error("kws export: layer " + std::to_string(i) + " has weights or biases of the wrong size");
      int w = 0, bias = 0;
      if (!int8) {
        w = b.constant(DType::Float32, wshape, l.weights);
        bias = b.constant(DType::Float32, {l.out_channels}, l.bias);
      } else {
        const float in_scale = activation_quant(ranges[static_cast<size_t>(l.inputs[0])]).scale;
        const std::vector<float> ws = bias_safe_scales(l, weight_scales(l, per_channel(l)), in_scale);
        const int axis = l.kind == LayerKind::Depthwise ? 3 : 0;
        w = b.constant(DType::Int8, wshape, quantize(l, ws),
                       {.scale = ws, .zero_point = std::vector<int64_t>(ws.size(), 0), .axis = axis});
        std::vector<float> bs(ws.size());
        std::vector<int32_t> qb(l.bias.size());
        for (size_t c = 0; c < qb.size(); ++c) {
          const float s = in_scale * ws[ws.size() == 1 ? 0 : c];
          if (c < bs.size()) bs[c] = s;
          qb[c] = static_cast<int32_t>(std::clamp(std::nearbyint(static_cast<double>(l.bias[c]) / s), -2147483647.0, 2147483647.0));
        }
        bias = b.constant(DType::Int32, {l.out_channels}, qb,
                          {.scale = bs, .zero_point = std::vector<int64_t>(bs.size(), 0), .axis = 0});
      }
      if (l.kind == LayerKind::Dense) {
        b.op(BuiltinOp::FullyConnected, v.dense, {in, w, bias}, out, o);
      } else {
        o.padding = l.same_padding ? tflite::Padding::Same : tflite::Padding::Valid;
        o.stride_h = l.stride_h;
        o.stride_w = l.stride_w;
        const bool dw = l.kind == LayerKind::Depthwise;
        if (dw) o.depth_multiplier = 1;
        b.op(dw ? BuiltinOp::DepthwiseConv2D : BuiltinOp::Conv2D, dw ? v.depthwise : v.conv, {in, w, bias}, out, o);
      }
    }
    act.push_back(out);
  }
  int output = act.back();
  if (int8) {
    output = b.tensor(DType::Float32, batch(shapes.back()));
    b.op(BuiltinOp::Dequantize, kDequantizeVersion, {act.back()}, output);
  }
  m.outputs = {output};

  tflite::ModelMetadata meta;
  meta.task = "kws";
  meta.features = features;
  for (const auto& k : data::kKeywords) meta.labels.emplace_back(k);
  tflite::set_metadata(m, meta);
  return m;
}

}  // namespace tinyfit::models
