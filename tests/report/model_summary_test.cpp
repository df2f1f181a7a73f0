// The layer table and size breakdown of a .tflite agree with the file and with `tinyfit inspect`.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "core/error.hpp"
#include "report/model_summary.hpp"
#include "report/report_test_support.hpp"

namespace tinyfit::test {

// `tinyfit inspect --json MODEL` as JSON (the command whose counts the report must agree with).
nlohmann::json inspect_json(const fs::path& model) {
  const std::string cmd = std::string(TINYFIT_BINARY) + " --json inspect " + model.string();
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
  std::string out;
  char buf[4096];
  while (pipe && std::fgets(buf, sizeof buf, pipe.get())) out += buf;
  return nlohmann::json::parse(out);
}

TEST(ModelSummary, KwsModelMatchesInspectAndItsRunJson) {
  const fs::path model = fixture_runs() / "kws_b.tflite.zlib";
  const report::ModelSummary s = report::summarize_model_file(model);
  const nlohmann::json inspected = inspect_json(model);
  EXPECT_EQ(s.parameters, inspected["parameters"].get<int64_t>());
  EXPECT_EQ(s.parameters, read_json(fixture_runs() / "kws_b.json")["parameters"].get<int64_t>());
  EXPECT_EQ(s.layers.size(), inspected["operators"].size());
  EXPECT_TRUE(s.size.compressed);
  EXPECT_EQ(s.size.file, fs::file_size(model));
  EXPECT_EQ(s.size.flatbuffer, inspected["flatbuffer_bytes"].get<size_t>());
  // The buckets add up to the flatbuffer, and the constants to what inspect calls weights.
  const report::SizeBreakdown& b = s.size;
  EXPECT_EQ(b.weights + b.biases + b.other_constants + b.quantization + b.metadata + b.graph, b.flatbuffer);
  EXPECT_EQ(b.weights + b.biases + b.other_constants, inspected["bytes"]["weights"].get<size_t>());
  EXPECT_GT(b.weights, b.biases);
  EXPECT_EQ(s.input_shape, (std::vector<int32_t>{1, 49, 10, 1}));
}

TEST(ModelSummary, FullyConnectedLayersCountTheirMacs) {
  const report::ModelSummary s = report::summarize_model_file(fixture_runs() / "th_a.tflite");
  EXPECT_FALSE(s.size.compressed);
  EXPECT_EQ(s.size.file, 1200u);
  bool saw_fc = false;
  int64_t total = 0;
  for (const report::LayerRow& l : s.layers) {
    if (l.op != "FULLY_CONNECTED") continue;
    saw_fc = true;
    EXPECT_GT(l.macs, 0);
    EXPECT_GT(l.parameters, 0);
    // Every output element of an FC layer costs the same number of MACs (its input width).
    int64_t outputs = 1;
    for (int32_t d : l.output_shape) outputs *= d;
    EXPECT_EQ(l.macs % outputs, 0) << l.macs << " MACs for " << outputs << " outputs";
    total += l.macs;
  }
  EXPECT_EQ(total, s.macs);
  EXPECT_TRUE(saw_fc);
}

TEST(ModelSummary, NotAModelIsAnErrorNamingTheFile) {
  const fs::path dir = scratch("not_a_model");
  write_text(dir / "bad.tflite", "definitely not a flatbuffer");
  try {
    report::summarize_model_file(dir / "bad.tflite");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.tflite"), std::string::npos) << e.what();
  }
}

}  // namespace tinyfit::test
