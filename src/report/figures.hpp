// The report's figures as gnuplot scripts + data (FigureSpec), built from the runs. A figure whose
// data is absent (no latency file, no per-step MAE) is not made: the functions return nothing.
#pragma once

#include <optional>
#include <string>

#include "report/gnuplot.hpp"
#include "report/runs.hpp"

namespace tinyfit::report {

// One colour per version, the same in every figure and table (Okabe-Ito, colour-blind safe).
std::string version_colour(const std::string& version);

std::optional<FigureSpec> kws_training_figure(const RunSet& runs);
std::optional<FigureSpec> kws_accuracy_size_figure(const RunSet& runs);
std::optional<FigureSpec> kws_confusion_figure(const RunSet& runs);
std::optional<FigureSpec> kws_latency_figure(const RunSet& runs);

std::optional<FigureSpec> forecast_training_figure(const RunSet& runs);
std::optional<FigureSpec> forecast_steps_figure(const RunSet& runs);
std::optional<FigureSpec> forecast_sample_figure(const RunSet& runs);

}  // namespace tinyfit::report
