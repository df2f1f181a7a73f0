// `tinyfit data fetch jena`: downloads a data set that is not shipped with the shared data (the course's
// Jena CSV), checks it against its known size and git blob id, and writes it into the data directory.
#include <memory>

#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "core/progress.hpp"
#include "data/data_dir.hpp"
#include "data/fetch.hpp"

namespace tinyfit::cli {

namespace {

struct FetchArgs {
  std::string dataset;
  std::string url;
  std::string data_dir;
  // Hidden: let tests fetch a small stand-in file through the real code path.
  uint64_t expect_size = 0;
  std::string expect_blob;
};

// Download progress in kB; the bar starts once the server has said how big the file is.
class DownloadMeter {
 public:
  DownloadMeter(std::string label, bool quiet) : label_(std::move(label)), quiet_(quiet) {}
  void operator()(uint64_t received, uint64_t total) {
    if (quiet_ || total == 0) return;
    if (!bar_) bar_ = std::make_unique<Progress>(label_, total / 1024);
    bar_->update(received / 1024);
  }
  void finish() {
    if (bar_) bar_->finish();
  }

 private:
  std::string label_;
  bool quiet_;
  std::unique_ptr<Progress> bar_;
};

int run_fetch(const FetchArgs& args, const GlobalOptions& global) {
  data::ZippedFile file = data::jena_climate_2009_2016();
  if (!args.url.empty()) file.url = args.url;
  if (args.expect_size != 0) file.size = args.expect_size;
  if (!args.expect_blob.empty()) file.blob_id = args.expect_blob;
  // Fetching fills the data directory, so a --data-dir that does not exist yet is created.
  const std::filesystem::path dir =
      args.data_dir.empty() ? data::resolve_data_dir("") : std::filesystem::path(args.data_dir);

  DownloadMeter meter("download " + file.member + ".zip (kB)", global.quiet || global.json);
  const data::FetchResult r =
      data::fetch_zipped_file(file, dir, {}, [&](uint64_t received, uint64_t total) { meter(received, total); });
  meter.finish();

  const nlohmann::json result = {{"dataset", args.dataset},
                                 {"path", r.path.string()},
                                 {"size", r.size},
                                 {"blob_id", r.blob_id},
                                 {"url", file.url},
                                 {"downloaded_bytes", r.downloaded_bytes},
                                 {"already_present", r.already_present}};
  emit(global, result, [&] {
    if (r.already_present)
      std::printf("%s already present and verified (%llu bytes, git blob %s)\n", r.path.c_str(),
                  static_cast<unsigned long long>(r.size), r.blob_id.c_str());
    else
      std::printf("wrote %s (%llu bytes, git blob %s; downloaded %llu bytes)\n", r.path.c_str(),
                  static_cast<unsigned long long>(r.size), r.blob_id.c_str(),
                  static_cast<unsigned long long>(r.downloaded_bytes));
  });
  return 0;
}

}  // namespace

void add_data_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* data = app.add_subcommand("data", "Data sets that are not shipped with the shared data");
  data->require_subcommand(1);
  auto args = std::make_shared<FetchArgs>();
  CLI::App* fetch = data->add_subcommand(
      "fetch", "Download a data set, check its size and git blob id, write it into the data directory");
  fetch->add_option("dataset", args->dataset, "Data set to fetch: jena (jena_climate_2009_2016.csv)")
      ->required()
      ->check(CLI::IsMember({"jena"}));
  fetch->add_option("--url", args->url, "Where to download the zip from (http, https or file://)")
      ->default_str(data::jena_climate_2009_2016().url);
  add_data_dir_flag(*fetch, args->data_dir);
  fetch->add_option("--expect-size", args->expect_size, "Expected size of the member (tests)")->group("");
  fetch->add_option("--expect-blob", args->expect_blob, "Expected git blob id of the member (tests)")->group("");
  fetch->callback([args, &global] { run_fetch(*args, global); });
}

}  // namespace tinyfit::cli
