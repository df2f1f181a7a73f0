#include "models/forecast_net.hpp"

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

}  // namespace

std::string ForecastWeights::describe() const {
  const std::string layers = hidden > 0 ? "MLP " + std::to_string(inputs()) + "-" + std::to_string(hidden) + "-"
                                         : "linear " + std::to_string(inputs()) + "-";
  return layers + std::to_string(outputs()) + (skip ? " + last-step skip" : "");
}

ForecastNetImpl::ForecastNetImpl(const ForecastNetOptions& options) : options_(options) {
  if (options_.hidden() < 0 || options_.in_steps() < 1 || options_.out_steps() < 1)
    throw Error("forecast net: the hidden width must be >= 0 and the step counts positive");
  const int in = options_.in_steps() * data::kWeatherFeatures;
  const int out = options_.out_steps() * data::kWeatherFeatures;
  if (options_.hidden() > 0) fc1_ = register_module("fc1", torch::nn::Linear(in, options_.hidden()));
  fc2_ = register_module("fc2", torch::nn::Linear(torch::nn::LinearOptions(options_.hidden() > 0 ? options_.hidden() : in, out)
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

torch::Tensor ForecastNetImpl::forward(const torch::Tensor& x) {
  const int64_t batch = x.size(0);
  const torch::Tensor flat = x.reshape({batch, -1});
  torch::Tensor y = fc2_(fc1_ ? torch::relu(fc1_(flat)) : flat)
                        .reshape({batch, options_.out_steps(), data::kWeatherFeatures});
  if (!options_.step_bias()) y = y + feature_bias_;
  if (options_.skip()) y = y + x.select(1, options_.in_steps() - 1).unsqueeze(1);
  return y * scale_ + offset_;
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
  w.w2 = to_vector(fc2_->weight);
  if (options_.step_bias()) {
    w.b2 = to_vector(fc2_->bias);
  } else {  // the same two values at every step
    const std::vector<float> b = to_vector(feature_bias_);
    for (int s = 0; s < options_.out_steps(); ++s) w.b2.insert(w.b2.end(), b.begin(), b.end());
  }
  w.norm = options_.norm();
  return w;
}

}  // namespace tinyfit::models
