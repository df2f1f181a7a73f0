#include "tflite/metadata.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "tflite/reader.hpp"
#include "tflite/writer.hpp"

namespace tinyfit::tflite {

TEST(Metadata, RoundTripsThroughAWrittenFile) {
  ModelDef model;
  model.tensors.push_back(TensorDef{.type = DType::Float32, .shape = {1, 4}});
  model.tensors.push_back(TensorDef{.type = DType::Float32, .shape = {1, 4}});
  model.operators.push_back(OperatorDef{.opcode = static_cast<int32_t>(BuiltinOp::Relu), .inputs = {0}, .outputs = {1}});
  model.inputs = {0};
  model.outputs = {1};
  ModelMetadata m;
  m.task = "kws";
  dsp::FeatureOptions f;
  f.sample_rate = 8000;
  f.frame_length = 240;
  f.frame_step = 120;
  m.features = f;
  m.labels = {"down", "go"};
  set_metadata(model, m);
  set_metadata(model, m);  // replaces, never duplicates
  ASSERT_EQ(model.metadata.size(), 1u);

  const ModelDef back = read_model(write_model(model, WriteOptions{}), "memory");
  const auto got = find_metadata(back, "memory");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->task, "kws");
  ASSERT_TRUE(got->features.has_value());
  EXPECT_EQ(got->features->sample_rate, 8000);
  EXPECT_EQ(got->features->frame_length, 240);
  EXPECT_EQ(got->features->frame_step, 120);
  EXPECT_EQ(got->features->num_mel_bins, 40);
  EXPECT_EQ(got->labels, (std::vector<std::string>{"down", "go"}));
  EXPECT_FALSE(got->mean.has_value());
}

TEST(Metadata, ForecastNormalisation) {
  ModelMetadata m;
  m.task = "forecast";
  m.mean = std::array<float, 2>{14.75f, 79.75f};
  m.std = std::array<float, 2>{6.46f, 17.53f};
  const ModelMetadata back = metadata_from_json(metadata_to_json(m), "x");
  EXPECT_EQ(back.mean, m.mean);
  EXPECT_EQ(back.std, m.std);
  EXPECT_FALSE(back.features.has_value());
}

TEST(Metadata, MalformedJsonNamesTheSource) {
  try {
    metadata_from_json("{\"task\": 3", "model.tflite");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.tflite"), std::string::npos);
  }
  EXPECT_THROW(metadata_from_json("{\"labels\": 5}", "m"), Error);
}

TEST(Metadata, AbsentInConverterOutput) {
  ModelDef model;
  EXPECT_FALSE(find_metadata(model, "m").has_value());
}

}  // namespace tinyfit::tflite
