#include "models/forecast_net.hpp"

#include <cmath>

#include <torch/nn/functional/activation.h>
#include <torch/nn/init.h>

#include "core/error.hpp"
#include "data/forecast_windows.hpp"

namespace tinyfit::models {

namespace {

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Rounds to the int8 grid of scale and zero point, gradient passed straight through.
torch::Tensor fake_quant(const torch::Tensor& x, double scale, double zero_point) {
  const torch::Tensor q = (torch::round(x / scale) + zero_point).clamp(-128, 127);
  return x + ((q - zero_point) * scale - x).detach();
}

// One symmetric scale for the tensor, as the exporter's per-tensor int8 weights.
torch::Tensor fake_quant_weights(const torch::Tensor& w) {
  const double m = w.detach().abs().max().item<double>();
  return m > 0.0 ? fake_quant(w, m / 127.0, 0.0) : w;
}

std::pair<double, double> grid(float lo, float hi) {
  const Int8Grid g = int8_grid(lo, hi);
  return {g.scale, static_cast<double>(g.zero_point)};
}

}  // namespace

std::string ForecastWeights::describe() const {
  const std::string layers =
      conv_filters > 0 ? "CNN-1D " + std::to_string(conv_filters) + " filters x " + std::to_string(conv_kernel) +
                             " steps (unfolded " + std::to_string(inputs()) + "-" + std::to_string(hidden) + ")-"
      : hidden > 0     ? "MLP " + std::to_string(inputs()) + "-" + std::to_string(hidden) + "-"
                       : "linear " + std::to_string(inputs()) + "-";
  return layers + std::to_string(outputs()) + (skip ? " + last-step skip" : "");
}

ForecastNetImpl::ForecastNetImpl(const ForecastNetOptions& options) : options_(options) {
  if (options_.hidden() < 0 || options_.in_steps() < 1 || options_.out_steps() < 1)
    throw Error("forecast net: the hidden width must be >= 0 and the step counts positive");
  const int in = options_.in_steps() * data::kWeatherFeatures;
  const int out = options_.out_steps() * data::kWeatherFeatures;
  const int positions = options_.in_steps() - options_.kernel() + 1;
  int units = options_.hidden();
  if (options_.filters() > 0) {
    if (options_.kernel() < 1 || positions < 1)
      throw Error("forecast net: the CNN kernel must be 1.." + std::to_string(options_.in_steps()) + " steps");
    conv_ = register_module("conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(data::kWeatherFeatures, options_.filters(),
                                                                               options_.kernel())));
    units = positions * options_.filters();
  } else if (units > 0) {
    fc1_ = register_module("fc1", torch::nn::Linear(in, units));
  }
  fc2_ = register_module("fc2", torch::nn::Linear(torch::nn::LinearOptions(units > 0 ? units : in, out)
                                                       .bias(options_.step_bias())));
  if (!options_.step_bias()) feature_bias_ = register_parameter("feature_bias", torch::zeros({data::kWeatherFeatures}));
  // Start close to the skip path alone (persistence): a small correction layer, no offset.
  {
    torch::NoGradGuard no_grad;
    fc2_->weight.mul_(options_.skip() ? 0.1 : 1.0);
    if (options_.step_bias()) torch::nn::init::zeros_(fc2_->bias);
  }
  const ForecastNorm& n = options_.norm();
  scale_ = register_buffer("scale", torch::tensor({n.std[0] + data::kNormEpsilon, n.std[1] + data::kNormEpsilon}));
  offset_ = register_buffer("offset", torch::tensor({n.mean[0], n.mean[1]}));
}

torch::Tensor ForecastNetImpl::hidden(const torch::Tensor& flat, const torch::Tensor& x) {
  const bool fq = quant_.enabled;
  if (conv_) {
    // As a matmul over the windows (x.unfold: [B, P, 2, kernel]) with the kernel as [F, 2 * kernel]:
    // the same sums as conv1d, many times faster for kernels this small. Output [B, P * F].
    const torch::Tensor w = fq ? fake_quant_weights(conv_->weight) : conv_->weight;
    const int64_t positions = x.size(1) - options_.kernel() + 1;
    const torch::Tensor windows = x.unfold(1, options_.kernel(), 1).reshape({x.size(0), positions, -1});
    return torch::relu(torch::linear(windows, w.reshape({w.size(0), -1}), conv_->bias)).reshape({x.size(0), -1});
  }
  if (fc1_) return torch::relu(torch::linear(flat, fq ? fake_quant_weights(fc1_->weight) : fc1_->weight, fc1_->bias));
  return flat;
}

torch::Tensor ForecastNetImpl::forward(const torch::Tensor& input) {
  const int64_t batch = input.size(0);
  const bool fq = quant_.enabled;
  torch::Tensor x = input;
  if (fq && quant_.input) {  // the runtime sees the raw values on one int8 grid
    const auto [s, z] = grid(quant_.ranges.in_lo, quant_.ranges.in_hi);
    x = (fake_quant(x * scale_ + offset_, s, z) - offset_) / scale_;
  }
  const auto [hs, hz] = grid(0.0f, quant_.ranges.hidden_hi);
  torch::Tensor h = hidden(x.reshape({batch, -1}), x);
  if (fq && (fc1_ || conv_)) h = fake_quant(h, hs, hz);
  torch::Tensor y = torch::linear(h, fq ? fake_quant_weights(fc2_->weight) : fc2_->weight, fc2_->bias)
                        .reshape({batch, options_.out_steps(), data::kWeatherFeatures});
  if (!options_.step_bias()) y = y + feature_bias_;
  if (options_.skip()) {
    torch::Tensor last = x.select(1, options_.in_steps() - 1).unsqueeze(1);
    // The exported skip rides on hidden units relu(x_last + c), rounded with the other hidden units.
    if (fq && (fc1_ || conv_)) last = fake_quant(last + quant_.skip_offset, hs, hz) - quant_.skip_offset;
    y = y + last;
  }
  y = y * scale_ + offset_;
  if (fq) {
    const auto [os, oz] = grid(quant_.ranges.out_lo, quant_.ranges.out_hi);
    y = fake_quant(y, os, oz);
  }
  return y;
}

FakeQuant ForecastNetImpl::calibrate(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  const FakeQuant saved = quant_;
  quant_.enabled = false;
  FakeQuant q;
  const torch::Tensor raw = x * scale_ + offset_;
  q.ranges.in_lo = raw.min().item<float>();
  q.ranges.in_hi = raw.max().item<float>();
  const torch::Tensor y = forward(x);
  q.ranges.out_lo = y.min().item<float>();
  q.ranges.out_hi = y.max().item<float>();
  // Half a standard deviation below the lowest training value before the skip unit's ReLU clips.
  q.skip_offset = 0.5f - x.select(1, options_.in_steps() - 1).min().item<float>();
  float h = 0.0f;
  if (fc1_ || conv_) h = hidden(x.reshape({x.size(0), -1}), x).max().item<float>();
  if (options_.skip()) h = std::max(h, (x.select(1, options_.in_steps() - 1).max() + q.skip_offset).item<float>());
  q.ranges.hidden_hi = h;
  quant_ = saved;
  return q;
}

ForecastWeights ForecastNetImpl::weights() const {
  ForecastWeights w;
  w.in_steps = options_.in_steps();
  w.out_steps = options_.out_steps();
  w.hidden = options_.hidden();
  w.skip = options_.skip();
  if (fc1_) {
    w.w1 = to_vector(fc1_->weight);
    w.b1 = to_vector(fc1_->bias);
  }
  if (conv_) {  // unfolded: hidden unit p * F + f reads steps p .. p + kernel - 1
    const int filters = options_.filters(), kernel = options_.kernel(), in = w.inputs();
    const int positions = options_.in_steps() - kernel + 1;
    const std::vector<float> k = to_vector(conv_->weight);  // [F][2][kernel]
    const std::vector<float> b = to_vector(conv_->bias);
    w.conv_filters = filters;
    w.conv_kernel = kernel;
    w.hidden = positions * filters;
    w.w1.assign(static_cast<size_t>(w.hidden) * in, 0.0f);
    for (int p = 0; p < positions; ++p)
      for (int f = 0; f < filters; ++f) {
        w.b1.push_back(b[static_cast<size_t>(f)]);
        for (int c = 0; c < data::kWeatherFeatures; ++c)
          for (int t = 0; t < kernel; ++t)
            w.w1[static_cast<size_t>((p * filters + f) * in + (p + t) * data::kWeatherFeatures + c)] =
                k[static_cast<size_t>((f * data::kWeatherFeatures + c) * kernel + t)];
      }
  }
  w.w2 = to_vector(fc2_->weight);
  if (options_.step_bias()) {
    w.b2 = to_vector(fc2_->bias);
  } else {  // the same two values at every step
    const std::vector<float> b = to_vector(feature_bias_);
    for (int s = 0; s < options_.out_steps(); ++s) w.b2.insert(w.b2.end(), b.begin(), b.end());
  }
  w.norm = options_.norm();
  if (quant_.enabled) w.ranges = quant_.ranges;
  return w;
}

}  // namespace tinyfit::models
