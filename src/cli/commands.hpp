// Every subcommand: one file each (cmd_<name>.cpp) with an Args struct, add_<name>_command and run_<name>.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/output.hpp"

namespace tinyfit::cli {

void add_features_command(CLI::App& app, const GlobalOptions& global);
void add_inspect_command(CLI::App& app, const GlobalOptions& global);
void add_eval_command(CLI::App& app, const GlobalOptions& global);
void add_latency_command(CLI::App& app, const GlobalOptions& global);
void add_data_command(CLI::App& app, const GlobalOptions& global);  // data fetch
void add_report_command(CLI::App& app, const GlobalOptions& global);
void add_forecast_command(CLI::App& app, const GlobalOptions& global);  // only with TINYFIT_HAVE_TRAINING
void add_kws_command(CLI::App& app, const GlobalOptions& global);       // only with TINYFIT_HAVE_TRAINING

}  // namespace tinyfit::cli
