// Whole-file downloads into memory through libcurl (http, https and file:// URLs), with timeouts,
// a size cap and a progress callback. The library never prints: the caller decides what to show.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tinyfit::data {

struct DownloadOptions {
  long connect_timeout_s = 30;
  // A transfer slower than low_speed_bytes per second for low_speed_time_s is abandoned (a stalled
  // connection), so no total time limit is needed for a slow but working link.
  long low_speed_bytes = 1024;
  long low_speed_time_s = 60;
  uint64_t max_bytes = uint64_t{1} << 30;  // refuse anything larger (a wrong URL, not a data set)
};

// Called as bytes arrive: (received, expected total or 0 when the server did not say).
using DownloadProgress = std::function<void(uint64_t received, uint64_t total)>;

// The body of `url`. Throws Error naming the URL for an HTTP status >= 400 ("HTTP 404"), a network
// or file error (curl's reason), a timeout, a cut-off transfer or a body over max_bytes.
std::vector<uint8_t> download(const std::string& url, const DownloadOptions& options = {},
                              const DownloadProgress& progress = {});

}  // namespace tinyfit::data
