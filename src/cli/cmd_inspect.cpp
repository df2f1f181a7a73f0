// `tinyfit inspect MODEL`: what a TFLite file holds and where its bytes go.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "tflite/model_bytes.hpp"
#include "tflite/model_stats.hpp"
#include "tflite/reader.hpp"

namespace tinyfit::cli {

namespace {

using nlohmann::json;
using namespace tinyfit::tflite;

struct InspectArgs {
  std::string model;
};

// tinyfit's own metadata entry (feature parameters as JSON).
constexpr const char* kTinyfitMetadata = "tinyfit";

json quantization_json(const Quantization& q) {
  if (q.empty()) return nullptr;
  if (!q.per_channel()) return {{"scale", q.scale[0]}, {"zero_point", q.zero_point[0]}};
  const auto [lo, hi] = std::minmax_element(q.scale.begin(), q.scale.end());
  return {{"per_channel", q.scale.size()}, {"axis", q.axis}, {"scale_min", *lo}, {"scale_max", *hi}};
}

// Metadata as JSON when it is JSON (tinyfit's entry), as text when printable (converter versions
// are NUL-padded strings), else just its size.
json metadata_value(const std::string& name, const std::vector<uint8_t>& bytes) {
  std::string text(bytes.begin(), bytes.end());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  if (name == kTinyfitMetadata) {
    json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  for (unsigned char c : text) {
    if (!std::isprint(c) && !std::isspace(c)) return nullptr;
  }
  return text;
}

json inspect(const std::string& path) {
  const std::vector<uint8_t> stored = read_file_bytes(path);
  const ModelBytes unpacked = unpack_model_bytes(stored, path);
  const ModelDef model = read_model(unpacked.flatbuffer, path);

  json out;
  out["file"] = path;
  out["file_bytes"] = stored.size();
  out["compressed"] = unpacked.compressed;
  out["flatbuffer_bytes"] = unpacked.flatbuffer.size();
  out["description"] = model.description;
  out["operators"] = json::array();
  for (size_t i = 0; i < model.operators.size(); ++i) {
    const OperatorDef& op = model.operators[i];
    out["operators"].push_back({{"index", i}, {"name", builtin_op_name(op.opcode)}, {"code", op.opcode},
                                {"version", op.version}, {"inputs", op.inputs}, {"outputs", op.outputs}});
  }
  out["tensors"] = json::array();
  size_t weights = 0;
  for (const auto& b : model.buffers) weights += b.size();
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const TensorDef& t = model.tensors[i];
    const size_t data = model.buffers[static_cast<size_t>(t.buffer)].size();
    out["tensors"].push_back({{"index", i}, {"name", t.name}, {"dtype", dtype_name(t.type)}, {"shape", t.shape},
                              {"constant", data > 0}, {"data_bytes", data},
                              {"quantization", quantization_json(t.quant)}});
  }
  out["inputs"] = model.inputs;
  out["outputs"] = model.outputs;
  out["parameters"] = count_parameters(model);
  out["bytes"] = {{"weights", weights}, {"overhead", unpacked.flatbuffer.size() - weights}};
  out["metadata"] = json::array();
  for (const auto& [name, bytes] : model.metadata) {
    out["metadata"].push_back({{"name", name}, {"bytes", bytes.size()}, {"value", metadata_value(name, bytes)}});
  }
  return out;
}

// ---- text form ----

std::string group(uint64_t n) {  // 123456 -> "123,456"
  const std::string digits = std::to_string(n);
  std::string s;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

std::string list_text(const json& values, const char* prefix) {
  std::string s;
  for (const auto& v : values) s += (s.empty() ? "" : " ") + (v.get<int>() < 0 ? std::string("-") : prefix + v.dump());
  return s;
}

std::string tensor_text(const json& t) { return t["dtype"].get<std::string>() + " " + t["shape"].dump(); }

std::string quantization_text(const json& q) {
  char buf[128] = "";
  if (q.contains("per_channel")) {
    std::snprintf(buf, sizeof buf, "per-channel x%d axis %d, scale %.3g..%.3g", q["per_channel"].get<int>(),
                  q["axis"].get<int>(), q["scale_min"].get<double>(), q["scale_max"].get<double>());
  } else if (!q.is_null()) {
    std::snprintf(buf, sizeof buf, "scale %.6g zp %lld", q["scale"].get<double>(),
                  static_cast<long long>(q["zero_point"].get<int64_t>()));
  }
  return buf;
}

std::string indent(const std::string& text, const std::string& by) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += by;
  }
  return out;
}

void print_text(const json& r) {
  std::printf("%s: %s bytes", r["file"].get<std::string>().c_str(), group(r["file_bytes"].get<uint64_t>()).c_str());
  if (r["compressed"].get<bool>()) {
    std::printf(", zlib (%s bytes inflated)\n", group(r["flatbuffer_bytes"].get<uint64_t>()).c_str());
  } else {
    std::printf(", not compressed\n");
  }
  if (!r["description"].get<std::string>().empty()) {
    std::printf("description: %s\n", r["description"].get<std::string>().c_str());
  }
  std::printf("operators (%zu):\n", r["operators"].size());
  for (const auto& op : r["operators"]) {
    std::printf("  %3d  %-18s v%-2d %s -> %s\n", op["index"].get<int>(), op["name"].get<std::string>().c_str(),
                op["version"].get<int>(), list_text(op["inputs"], "t").c_str(), list_text(op["outputs"], "t").c_str());
  }
  std::printf("tensors (%zu):  index, type and shape, constant data, quantization, name\n", r["tensors"].size());
  for (const auto& t : r["tensors"]) {
    const std::string constant = t["constant"].get<bool>() ? group(t["data_bytes"].get<uint64_t>()) + " B" : "-";
    char line[512];
    std::snprintf(line, sizeof line, "  %3d  %-24s %9s  %-44s %s", t["index"].get<int>(), tensor_text(t).c_str(),
                  constant.c_str(), quantization_text(t["quantization"]).c_str(), t["name"].get<std::string>().c_str());
    std::string text = line;
    text.erase(text.find_last_not_of(' ') + 1);  // no trailing blanks when there is no name
    std::printf("%s\n", text.c_str());
  }
  for (const char* io : {"inputs", "outputs"}) {
    std::printf("%s:", io);
    for (const auto& i : r[io]) {
      const json& t = r["tensors"][i.get<size_t>()];
      const std::string q = quantization_text(t["quantization"]);
      std::printf(" t%d %s%s", i.get<int>(), tensor_text(t).c_str(), q.empty() ? "" : (" (" + q + ")").c_str());
    }
    std::printf("\n");
  }
  std::printf("parameters: %s\n", group(r["parameters"].get<uint64_t>()).c_str());
  const auto weights = r["bytes"]["weights"].get<uint64_t>(), overhead = r["bytes"]["overhead"].get<uint64_t>();
  const double total = static_cast<double>(weights + overhead);
  std::printf("bytes: weights %s (%.1f %%), container overhead %s (%.1f %%) of %s flatbuffer bytes\n",
              group(weights).c_str(), total > 0 ? 100.0 * weights / total : 0.0, group(overhead).c_str(),
              total > 0 ? 100.0 * overhead / total : 0.0, group(weights + overhead).c_str());
  std::printf("metadata (%zu):\n", r["metadata"].size());
  for (const auto& m : r["metadata"]) {
    const json& v = m["value"];
    const std::string shown = v.is_null() ? "<" + group(m["bytes"].get<uint64_t>()) + " bytes>"
                              : v.is_string() ? "\"" + v.get<std::string>() + "\""
                                              : indent(v.dump(2), "  ");
    std::printf("  %s: %s\n", m["name"].get<std::string>().c_str(), shown.c_str());
  }
}

void run_inspect(const InspectArgs& args, const GlobalOptions& global) {
  const json result = inspect(args.model);
  emit(global, result, [&] { print_text(result); });
}

}  // namespace

void add_inspect_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show a TFLite model: operators, tensors, parameters, bytes, metadata");
  cmd->add_option("model", args->model, "Model file (.tflite, or zlib-compressed .tflite.zlib)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([args, &global] { run_inspect(*args, global); });
}

}  // namespace tinyfit::cli
