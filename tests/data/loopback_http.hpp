// A one-shot HTTP server on 127.0.0.1 for download tests: answers the first request with a fixed
// response and stops. It gives up waiting after a few seconds, so a test that never connects cannot hang.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace tinyfit::test {

class OneShotHttpServer {
 public:
  // Serves `body` with `status`. A `content_length` above body.size() announces more than is sent
  // (a transfer cut off by the server).
  OneShotHttpServer(int status, std::string body, std::optional<size_t> content_length = std::nullopt)
      : status_(status), body_(std::move(body)), content_length_(content_length.value_or(body_.size())) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // any free port
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotHttpServer() {
    thread_.join();
    ::close(fd_);
  }
  OneShotHttpServer(const OneShotHttpServer&) = delete;
  OneShotHttpServer& operator=(const OneShotHttpServer&) = delete;

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + std::string(path);
  }

 private:
  static bool wait_readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1;
  }

  void serve() {
    if (!wait_readable(fd_, 10000)) return;
    const int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos && wait_readable(client, 5000)) {
      const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      request.append(buffer, static_cast<size_t>(got));
    }
    const std::string reason = status_ == 200 ? "OK" : status_ == 404 ? "Not Found" : "Error";
    const std::string response =
        "HTTP/1.1 " + std::to_string(status_) + " " + reason +
        "\r\nContent-Type: application/zip\r\nContent-Length: " + std::to_string(content_length_) +
        "\r\nConnection: close\r\n\r\n" + body_;
    for (size_t sent = 0; sent < response.size();) {
      const ssize_t n = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    ::shutdown(client, SHUT_RDWR);
    ::close(client);
  }

  int status_;
  std::string body_;
  size_t content_length_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// Deterministic CSV-like text of about `bytes` bytes that deflate cannot shrink to nothing, so a
// cut through its zip lands inside the compressed data.
inline std::string fixture_csv(size_t bytes) {
  std::string text = "\"Date Time\",\"T (degC)\",\"rh (%)\"\n";
  uint32_t state = 12345;
  while (text.size() < bytes) {
    state = state * 1664525u + 1013904223u;
    text += "01.01.2009 00:10:00," + std::to_string(state % 4000) + "," + std::to_string(state >> 20) + "\n";
  }
  return text;
}

}  // namespace tinyfit::test
