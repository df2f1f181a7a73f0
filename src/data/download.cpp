#include "data/download.hpp"

#include <curl/curl.h>

#include <exception>
#include <memory>
#include <mutex>

#include "core/error.hpp"

namespace tinyfit::data {

namespace {

struct Transfer {
  std::vector<uint8_t> body;
  uint64_t max_bytes;
  bool too_large = false;
  const DownloadProgress* progress;
  std::exception_ptr progress_error;  // must not unwind through curl's C frames: rethrown after it returns
};

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  t->body.insert(t->body.end(), data, data + n);
  return n;
}

int on_progress(void* user, curl_off_t total, curl_off_t received, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  try {
    if (*t->progress) (*t->progress)(static_cast<uint64_t>(received), static_cast<uint64_t>(total));
  } catch (...) {
    t->progress_error = std::current_exception();
    return 1;  // aborts the transfer
  }
  return 0;
}

void init_curl_once() {
  static std::once_flag once;
  static CURLcode status = CURLE_OK;
  std::call_once(once, [] { status = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (status != CURLE_OK) throw Error(std::string("cannot initialise libcurl: ") + curl_easy_strerror(status));
}

}  // namespace

std::vector<uint8_t> download(const std::string& url, const DownloadOptions& options,
                              const DownloadProgress& progress) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw Error("cannot initialise libcurl");
  Transfer t{{}, options.max_bytes, false, &progress, nullptr};
  char reason[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  // Only what a data set is served over: no scp, ftp, ... even if a redirect asks for it.
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);  // a 404 page is an error, not a body
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options.low_speed_time_s);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe in threaded programs
  curl_easy_setopt(c, CURLOPT_USERAGENT, "tinyfit");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, reason);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, progress ? 0L : 1L);

  const CURLcode status = curl_easy_perform(c);
  if (t.progress_error) std::rethrow_exception(t.progress_error);
  if (status == CURLE_OK) return std::move(t.body);
  long http = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
  if (status == CURLE_HTTP_RETURNED_ERROR)
    throw Error("cannot download " + url + ": HTTP " + std::to_string(http) + " from the server");
  if (t.too_large || status == CURLE_FILESIZE_EXCEEDED)
    throw Error("cannot download " + url + ": larger than " + std::to_string(options.max_bytes) +
                " bytes, not the expected file");
  const std::string why = reason[0] != '\0' ? reason : curl_easy_strerror(status);
  const bool unreachable = status == CURLE_COULDNT_RESOLVE_HOST || status == CURLE_COULDNT_RESOLVE_PROXY ||
                           status == CURLE_COULDNT_CONNECT || status == CURLE_OPERATION_TIMEDOUT;
  throw Error("cannot download " + url + ": " + why +
              (unreachable ? " (no network here? give a local copy with --url file:///PATH)" : ""));
}

}  // namespace tinyfit::data
