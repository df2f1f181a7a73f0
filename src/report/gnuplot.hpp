// Figures are drawn by gnuplot (Debian's gnuplot-nox): a figure is a script plus the data files it
// reads, written into a scratch folder; gnuplot writes one SVG there, which the report copies out.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tinyfit::report {

struct FigureSpec {
  std::string name;     // file stem: "kws_training" -> kws_training.svg
  std::string caption;  // one line under the figure in the report
  int width_px = 480, height_px = 300;  // gnuplot canvas; the report scales it to its column
  std::vector<std::pair<std::string, std::string>> data;  // file name -> whitespace-separated columns
  std::string body;     // gnuplot commands after the shared preamble (terminal, output, style)
};

// The full script gnuplot runs for `spec` (preamble with terminal and output file, then the body).
std::string gnuplot_script(const FigureSpec& spec);

class Gnuplot {
 public:
  // `program` empty: gnuplot is not installed and render() must not be called.
  Gnuplot(std::optional<std::filesystem::path> program, std::filesystem::path scratch_dir);
  bool available() const { return program_.has_value(); }
  // Runs the script; returns the SVG text. Throws Error naming the figure and gnuplot's first
  // error line when it fails or writes nothing.
  std::string render(const FigureSpec& spec) const;

 private:
  std::optional<std::filesystem::path> program_;
  std::filesystem::path scratch_;
};

// Number formatting for data files and scripts ("%.*f", C locale regardless of the user's).
std::string num(double value, int decimals = 6);
// A string as a gnuplot double-quoted literal (quotes and backslashes escaped).
std::string quoted(const std::string& text);

}  // namespace tinyfit::report
