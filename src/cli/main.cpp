// tinyfit entry point: registers the subcommands and is the one place that reports errors.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  using namespace tinyfit::cli;
  GlobalOptions global;
  CLI::App app{"tinyfit: train tiny networks under hard constraints and write TensorFlow-Lite models"};
  app.set_help_all_flag("--help-all", "Help for every command");
  app.add_flag("--json", global.json, "Print results as JSON on stdout");
  app.add_flag("-q,--quiet", global.quiet, "No progress output on stderr");
  app.require_subcommand(1);
  // Flag errors read like every other error: one line, prefixed, with a pointer to --help.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("tinyfit: ") + e.what() + " (see --help)\n";
  });
  app.fallthrough();

  add_features_command(app, global);
  add_inspect_command(app, global);
  add_eval_command(app, global);
  add_latency_command(app, global);
  add_data_command(app, global);
  add_report_command(app, global);
#ifdef TINYFIT_HAVE_TRAINING
  add_forecast_command(app, global);
  add_kws_command(app, global);
#endif

  try {
    app.parse(argc, argv);  // subcommand callbacks run here
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const tinyfit::Error& e) {
    std::fprintf(stderr, "tinyfit: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinyfit: internal error: %s\n", e.what());
    return 2;
  }
  return 0;
}
