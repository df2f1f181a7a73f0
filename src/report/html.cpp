#include "report/html.hpp"

#include <cmath>
#include <cstdio>

namespace tinyfit::report {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string grouped(double value) {
  const long long n = std::llround(value);
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string s;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return n < 0 ? "−" + s : s;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (!s.empty() && s[0] == '-') s = "−" + s.substr(1);  // a real minus sign in the report's text
  return s;
}

std::string bytes_text(double bytes) { return grouped(bytes) + " B"; }

std::string kbytes_text(double bytes) { return fixed(bytes / 1024.0, 1) + " kB"; }

std::string percent_of(double part, double whole) {
  return whole > 0 ? fixed(100.0 * part / whole, 0) + " %" : "–";
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string svg_data_uri(std::string_view svg) { return "data:image/svg+xml;base64," + base64(svg); }

std::string verdict(bool ok) {
  return ok ? "<span class=\"pass\">✓ pass</span>" : "<span class=\"fail\">✗ fail</span>";
}

std::string figure_html(const Figures& figures, const std::string& name) {
  const auto it = figures.find(name);
  if (it == figures.end()) return "";
  return "<figure><img src=\"" + svg_data_uri(it->second.svg) + "\" alt=\"" + escape(it->second.caption) +
         "\"><figcaption>" + escape(it->second.caption) + "</figcaption></figure>\n";
}

std::string figure_row(const Figures& figures, const std::vector<FigureCell>& cells) {
  // A single full-width figure needs no table (and weasyprint sizes a plain block more tightly).
  if (cells.size() == 1 && cells[0].width_percent == 100) {
    return figures.count(cells[0].name) ? figure_html(figures, cells[0].name) + cells[0].extra_html : "";
  }
  std::string row;
  int used = 0;
  for (const FigureCell& c : cells) {
    if (!figures.count(c.name)) continue;
    row += "<td style=\"width:" + std::to_string(c.width_percent) + "%\">" + figure_html(figures, c.name) + c.extra_html + "</td>";
    used += c.width_percent;
  }
  if (row.empty()) return "";
  if (used < 100) row += "<td style=\"width:" + std::to_string(100 - used) + "%\"></td>";  // keep the others' widths
  return "<table class=\"figrow\"><tr>" + row + "</tr></table>\n";
}

}  // namespace tinyfit::report
