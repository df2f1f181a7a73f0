// Small helpers for writing the report's HTML by hand: escaping, number formatting, data URIs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tinyfit::report {

std::string escape(std::string_view text);                  // & < > " for text and attributes
std::string grouped(double value);                          // 27324 -> "27,324" (rounded)
std::string fixed(double value, int decimals);              // 0.32946 -> "0.329"
std::string bytes_text(double bytes);                       // "27,324 B"
std::string kbytes_text(double bytes);                      // "26.7 kB" (1 kB = 1024 B)
std::string percent_of(double part, double whole);          // "44 %"
std::string base64(std::string_view bytes);
std::string svg_data_uri(std::string_view svg);             // data:image/svg+xml;base64,...
std::string verdict(bool ok);                               // a pass/fail mark (span with a class)

// A rendered figure, embedded in the page by data URI so report.html stands alone.
struct Figure {
  std::string svg, caption;
};
using Figures = std::map<std::string, Figure>;  // by FigureSpec::name

// <figure> with the image and its caption, or an empty string when `name` was not drawn.
std::string figure_html(const Figures& figures, const std::string& name);

// One row of figures side by side, as a table (weasyprint 57 lays tables out reliably; floats and
// flex boxes it does not). `cells`: (figure name, width in %, extra HTML under the figure). Cells
// whose figure was not drawn are left out; an empty string when none was.
struct FigureCell {
  std::string name;
  int width_percent = 50;
  std::string extra_html;
};
std::string figure_row(const Figures& figures, const std::vector<FigureCell>& cells);

}  // namespace tinyfit::report
