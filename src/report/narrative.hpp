// Sentences generated from the numbers, one list per section. Each sentence states a measured value
// and what it is compared with (a limit, the published result, the float model); nothing else.
#pragma once

#include <string>
#include <vector>

#include "report/runs.hpp"

namespace tinyfit::report {

std::vector<std::string> kws_summary(const RunSet& runs);
std::vector<std::string> kws_design_notes(const RunSet& runs);
std::vector<std::string> forecast_summary(const RunSet& runs);
std::vector<std::string> forecast_design_notes(const RunSet& runs);

// Table cells and captions made of numbers: the kept checkpoint, the latency split.
std::string kws_training_cell(const KwsRun& run);
std::string forecast_training_cell(const ForecastRun& run);
std::string kws_latency_caption(const RunSet& runs);
std::string stage_name(const std::string& stage);  // "mel_log_dct" -> "mel + log + DCT"

}  // namespace tinyfit::report
