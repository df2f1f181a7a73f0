#include "report/gnuplot.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/spawn.hpp"
#include "report/svg_markers.hpp"

namespace tinyfit::report {

namespace fs = std::filesystem;

std::string num(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  for (char& c : s) {
    if (c == ',') c = '.';  // a decimal comma from a user locale would break gnuplot's parser
  }
  return s;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string gnuplot_script(const FigureSpec& spec) {
  std::ostringstream s;
  // One look for every figure: light grid behind the data, open axes, outward tics, DejaVu Sans
  // (the report's font; installed with gnuplot and weasyprint on Debian).
  s << "set terminal svg size " << spec.width_px << "," << spec.height_px
    << " noenhanced font \"DejaVu Sans,11\" background rgb \"white\"\n"
    << "set output " << quoted(spec.name + ".svg") << "\n"
    << "set encoding utf8\n"
    << "set border 3 lw 1 lc rgb \"#555555\"\n"
    << "set tics nomirror out scale 0.5 textcolor rgb \"#333333\"\n"
    << "set grid back lw 1 lc rgb \"#e6e6e6\"\n"
    << "set key noautotitle box lc rgb \"#cccccc\" opaque samplen 2 spacing 1.1\n"
    << "set datafile separator whitespace\n"
    << spec.body;
  if (spec.body.empty() || spec.body.back() != '\n') s << "\n";
  s << "unset output\n";
  return s.str();
}

Gnuplot::Gnuplot(std::optional<fs::path> program, fs::path scratch_dir)
    : program_(std::move(program)), scratch_(std::move(scratch_dir)) {}

std::string Gnuplot::render(const FigureSpec& spec) const {
  if (!program_) throw Error("gnuplot is not installed (figure " + spec.name + ")");
  const fs::path dir = scratch_ / spec.name;
  fs::create_directories(dir);
  for (const auto& [file, text] : spec.data) write_file_atomic(dir / file, text);
  const std::string script_name = spec.name + ".gp";
  write_file_atomic(dir / script_name, gnuplot_script(spec));
  const SpawnResult r = run_program(*program_, {script_name}, dir);
  if (r.exit_code != 0) {
    throw Error("gnuplot failed on figure " + spec.name + " (" + (dir / script_name).string() +
                "): " + first_line(r.err));
  }
  std::ifstream in(dir / (spec.name + ".svg"), std::ios::binary);
  std::stringstream svg;
  svg << in.rdbuf();
  if (svg.str().find("<svg") == std::string::npos) {
    throw Error("gnuplot wrote no SVG for figure " + spec.name + ": " + first_line(r.err));
  }
  return inline_point_markers(svg.str());
}

}  // namespace tinyfit::report
