// Flags that several commands share, bound in one place so they read the same everywhere.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "dsp/features.hpp"

namespace tinyfit::cli {

// --rate --length --stride --bins --coeff --lower --upper --resize
void add_feature_flags(CLI::App& cmd, dsp::FeatureOptions& options);
// --data-dir
void add_data_dir_flag(CLI::App& cmd, std::string& data_dir);

}  // namespace tinyfit::cli
