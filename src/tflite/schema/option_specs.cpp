#include "tflite/schema/option_specs.hpp"

namespace tinyfit::tflite::codec {

namespace {

using S = schema::BuiltinOptions;
namespace sc = schema;

const Field kConv2D[] = {
    {"padding", sc::Conv2DOptions::VT_PADDING, &OpOptions::padding},
    {"stride_w", sc::Conv2DOptions::VT_STRIDE_W, &OpOptions::stride_w},
    {"stride_h", sc::Conv2DOptions::VT_STRIDE_H, &OpOptions::stride_h},
    {"fused_activation_function", sc::Conv2DOptions::VT_FUSED_ACTIVATION_FUNCTION, &OpOptions::activation},
    {"dilation_w_factor", sc::Conv2DOptions::VT_DILATION_W_FACTOR, &OpOptions::dilation_w, 1},
    {"dilation_h_factor", sc::Conv2DOptions::VT_DILATION_H_FACTOR, &OpOptions::dilation_h, 1},
};
const Field kDepthwise[] = {
    {"padding", sc::DepthwiseConv2DOptions::VT_PADDING, &OpOptions::padding},
    {"stride_w", sc::DepthwiseConv2DOptions::VT_STRIDE_W, &OpOptions::stride_w},
    {"stride_h", sc::DepthwiseConv2DOptions::VT_STRIDE_H, &OpOptions::stride_h},
    {"depth_multiplier", sc::DepthwiseConv2DOptions::VT_DEPTH_MULTIPLIER, &OpOptions::depth_multiplier},
    {"fused_activation_function", sc::DepthwiseConv2DOptions::VT_FUSED_ACTIVATION_FUNCTION,
     &OpOptions::activation},
    {"dilation_w_factor", sc::DepthwiseConv2DOptions::VT_DILATION_W_FACTOR, &OpOptions::dilation_w, 1},
    {"dilation_h_factor", sc::DepthwiseConv2DOptions::VT_DILATION_H_FACTOR, &OpOptions::dilation_h, 1},
};
const Field kPool2D[] = {
    {"padding", sc::Pool2DOptions::VT_PADDING, &OpOptions::padding},
    {"stride_w", sc::Pool2DOptions::VT_STRIDE_W, &OpOptions::stride_w},
    {"stride_h", sc::Pool2DOptions::VT_STRIDE_H, &OpOptions::stride_h},
    {"filter_width", sc::Pool2DOptions::VT_FILTER_WIDTH, &OpOptions::filter_w},
    {"filter_height", sc::Pool2DOptions::VT_FILTER_HEIGHT, &OpOptions::filter_h},
    {"fused_activation_function", sc::Pool2DOptions::VT_FUSED_ACTIVATION_FUNCTION, &OpOptions::activation},
};
const Field kFullyConnected[] = {
    {"fused_activation_function", sc::FullyConnectedOptions::VT_FUSED_ACTIVATION_FUNCTION,
     &OpOptions::activation},
    {"weights_format", sc::FullyConnectedOptions::VT_WEIGHTS_FORMAT, std::monostate{}},
    {"keep_num_dims", sc::FullyConnectedOptions::VT_KEEP_NUM_DIMS, &OpOptions::keep_dims},
    {"asymmetric_quantize_inputs", sc::FullyConnectedOptions::VT_ASYMMETRIC_QUANTIZE_INPUTS,
     &OpOptions::asymmetric_quantize_inputs},
};
const Field kSoftmax[] = {{"beta", sc::SoftmaxOptions::VT_BETA, &OpOptions::beta}};
const Field kConcatenation[] = {
    {"axis", sc::ConcatenationOptions::VT_AXIS, &OpOptions::axis},
    {"fused_activation_function", sc::ConcatenationOptions::VT_FUSED_ACTIVATION_FUNCTION,
     &OpOptions::activation},
};
const Field kAdd[] = {
    {"fused_activation_function", sc::AddOptions::VT_FUSED_ACTIVATION_FUNCTION, &OpOptions::activation}};
const Field kMul[] = {
    {"fused_activation_function", sc::MulOptions::VT_FUSED_ACTIVATION_FUNCTION, &OpOptions::activation}};
const Field kSub[] = {
    {"fused_activation_function", sc::SubOptions::VT_FUSED_ACTIVATION_FUNCTION, &OpOptions::activation}};
const Field kReshape[] = {{"new_shape", sc::ReshapeOptions::VT_NEW_SHAPE, &OpOptions::new_shape}};
const Field kReducer[] = {{"keep_dims", sc::ReducerOptions::VT_KEEP_DIMS, &OpOptions::keep_dims}};
const Field kSqueeze[] = {{"squeeze_dims", sc::SqueezeOptions::VT_SQUEEZE_DIMS, &OpOptions::squeeze_dims}};
const Field kStridedSlice[] = {
    {"begin_mask", sc::StridedSliceOptions::VT_BEGIN_MASK, &OpOptions::begin_mask},
    {"end_mask", sc::StridedSliceOptions::VT_END_MASK, &OpOptions::end_mask},
    {"ellipsis_mask", sc::StridedSliceOptions::VT_ELLIPSIS_MASK, &OpOptions::ellipsis_mask},
    {"new_axis_mask", sc::StridedSliceOptions::VT_NEW_AXIS_MASK, &OpOptions::new_axis_mask},
    {"shrink_axis_mask", sc::StridedSliceOptions::VT_SHRINK_AXIS_MASK, &OpOptions::shrink_axis_mask},
    {"offset", sc::StridedSliceOptions::VT_OFFSET, std::monostate{}},
};
const Field kPack[] = {
    {"values_count", sc::PackOptions::VT_VALUES_COUNT, &OpOptions::values_count},
    {"axis", sc::PackOptions::VT_AXIS, &OpOptions::axis},
};
const Field kShape[] = {{"out_type", sc::ShapeOptions::VT_OUT_TYPE, &OpOptions::out_type}};

const TableSpec kSpecs[] = {
    {S::Conv2DOptions, kConv2D},
    {S::DepthwiseConv2DOptions, kDepthwise},
    {S::Pool2DOptions, kPool2D},
    {S::FullyConnectedOptions, kFullyConnected},
    {S::SoftmaxOptions, kSoftmax},
    {S::ConcatenationOptions, kConcatenation},
    {S::AddOptions, kAdd, true},
    {S::MulOptions, kMul},
    {S::SubOptions, kSub, true},
    {S::ReshapeOptions, kReshape},
    {S::ReducerOptions, kReducer},
    {S::SqueezeOptions, kSqueeze},
    {S::StridedSliceOptions, kStridedSlice},
    {S::PackOptions, kPack},
    {S::ShapeOptions, kShape},
    // Tables without fields: known so that files carrying them are not "mismatched"; never written.
    {S::PadOptions, {}},
    {S::TransposeOptions, {}},
    {S::DequantizeOptions, {}},
    {S::ExpandDimsOptions, {}},
    {S::QuantizeOptions, {}},
};

// The table the schema pairs with each op tinyfit knows; ops not listed carry no options.
struct OpTable {
  BuiltinOp op;
  schema::BuiltinOptions type;
};
constexpr OpTable kOpTables[] = {
    {BuiltinOp::Add, S::AddOptions},
    {BuiltinOp::AveragePool2D, S::Pool2DOptions},
    {BuiltinOp::Concatenation, S::ConcatenationOptions},
    {BuiltinOp::Conv2D, S::Conv2DOptions},
    {BuiltinOp::DepthwiseConv2D, S::DepthwiseConv2DOptions},
    {BuiltinOp::Dequantize, S::DequantizeOptions},
    {BuiltinOp::FullyConnected, S::FullyConnectedOptions},
    {BuiltinOp::MaxPool2D, S::Pool2DOptions},
    {BuiltinOp::Mul, S::MulOptions},
    {BuiltinOp::Reshape, S::ReshapeOptions},
    {BuiltinOp::Softmax, S::SoftmaxOptions},
    {BuiltinOp::Pad, S::PadOptions},
    {BuiltinOp::Transpose, S::TransposeOptions},
    {BuiltinOp::Mean, S::ReducerOptions},
    {BuiltinOp::Sub, S::SubOptions},
    {BuiltinOp::Squeeze, S::SqueezeOptions},
    {BuiltinOp::StridedSlice, S::StridedSliceOptions},
    {BuiltinOp::ExpandDims, S::ExpandDimsOptions},
    {BuiltinOp::Shape, S::ShapeOptions},
    {BuiltinOp::Pack, S::PackOptions},
    {BuiltinOp::Quantize, S::QuantizeOptions},
};

}  // namespace

schema::BuiltinOptions options_type_of(int32_t opcode) {
  for (const auto& t : kOpTables) {
    if (static_cast<int32_t>(t.op) == opcode) return t.type;
  }
  return S::NONE;
}

const TableSpec* spec_of(schema::BuiltinOptions type) {
  for (const auto& s : kSpecs) {
    if (s.type == type) return &s;
  }
  return nullptr;
}

}  // namespace tinyfit::tflite::codec
