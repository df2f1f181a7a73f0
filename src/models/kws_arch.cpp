#include "models/kws_arch.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace tinyfit::models {

KwsFamily parse_kws_family(const std::string& name) {
  if (name == "dscnn") return KwsFamily::DsCnn;
  if (name == "residual") return KwsFamily::Residual;
  throw Error("unknown model family '" + name + "' (use dscnn or residual)");
}

const char* kws_family_name(KwsFamily family) { return family == KwsFamily::DsCnn ? "dscnn" : "residual"; }

KwsArch ds_cnn(double width, int rows, int cols, int blocks) {
  KwsArch a;
  a.family = KwsFamily::DsCnn;
  a.rows = rows;
  a.cols = cols;
  a.channels = static_cast<int>(std::lround(64.0 * width));
  a.blocks = blocks;
  a.expansion = 1;
  return a;
}

std::string KwsArch::describe() const {
  std::ostringstream s;
  if (family == KwsFamily::DsCnn)
    s << "DS-CNN " << blocks << "x" << channels;
  else
    s << "residual IB " << blocks << "x" << channels << " (x" << expansion << ")";
  s << ", stem " << stem_kh << "x" << stem_kw << "/" << stem_stride_h << "x" << stem_stride_w << ", input " << rows
    << "x" << cols;
  return s.str();
}

void KwsArch::validate() const {
  auto bad = [](const std::string& field, int v) {
    throw Error("invalid kws model option " + field + ": " + std::to_string(v) + " must be positive");
  };
  if (channels < 1) bad("channels", channels);
  if (blocks < 0) bad("blocks", blocks);
  if (expansion < 1) bad("expansion", expansion);
  if (classes < 1) bad("classes", classes);
  if (stem_kh < 1 || stem_kw < 1) bad("stem kernel", std::min(stem_kh, stem_kw));
  if (stem_stride_h < 1 || stem_stride_w < 1) bad("stem stride", std::min(stem_stride_h, stem_stride_w));
  if (rows < stem_kh || cols < stem_kw)
    throw Error("kws model: the " + std::to_string(stem_kh) + "x" + std::to_string(stem_kw) + " stem does not fit a " +
                std::to_string(rows) + "x" + std::to_string(cols) + " input");
}

int64_t FoldedKws::parameters() const {
  int64_t n = 0;
  for (const FoldedLayer& l : layers) n += static_cast<int64_t>(l.weights.size() + l.bias.size());
  return n;
}

}  // namespace tinyfit::models
