// KWS figures: training curves, accuracy against file size (with the published points and the
// limits), confusion matrices of the test split, latency split per stage.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "report/figures.hpp"
#include "report/narrative.hpp"
#include "report/published.hpp"

namespace tinyfit::report {

std::string version_colour(const std::string& version) {
  if (version == "a") return "#0072B2";  // blue
  if (version == "b") return "#D55E00";  // vermillion
  if (version == "c") return "#009E73";  // green
  return "#555555";
}

namespace {

std::string lc(const std::string& version) { return " lc rgb " + quoted(version_colour(version)); }

}  // namespace

std::optional<FigureSpec> kws_training_figure(const RunSet& runs) {
  if (runs.kws.empty()) return std::nullopt;
  FigureSpec f{.name = "kws_training", .width_px = 520, .height_px = 235};
  f.caption = "Training: loss and validation accuracy per epoch; ● = checkpoint kept (best validation accuracy).";
  std::ostringstream loss_plot, acc_plot;
  double lowest = 100, highest = 0;
  for (const auto& [v, run] : runs.kws) {
    std::ostringstream hist, best;
    for (const EpochRecord& e : run.training.history) {
      hist << e.epoch << " " << num(e.loss) << " " << num(e.metric[0], 4) << "\n";
      if (e.epoch == run.training.best_epoch) best << e.epoch << " " << num(e.loss) << " " << num(e.metric[0], 4) << "\n";
      // The first epochs (near chance) would squash the interesting range: scale from the second half.
      if (2 * e.epoch > static_cast<int>(run.training.history.size())) lowest = std::min(lowest, e.metric[0]);
      highest = std::max(highest, e.metric[0]);
    }
    f.data.emplace_back("h_" + v + ".dat", hist.str());
    f.data.emplace_back("b_" + v + ".dat", best.str());
    const std::string sep = loss_plot.tellp() > 0 ? ", " : "";
    loss_plot << sep << quoted("h_" + v + ".dat") << " u 1:2 w l lw 2" << lc(v) << " title " << quoted("kws_" + v);
    acc_plot << sep << quoted("h_" + v + ".dat") << " u 1:3 w l lw 2" << lc(v) << " title " << quoted("kws_" + v)
             << ", " << quoted("b_" + v + ".dat") << " u 1:3 w p pt 7 ps 1.1" << lc(v);
  }
  const double y0 = std::floor((lowest - 4) / 5) * 5, y1 = std::min(100.0, std::ceil((highest + 1) / 2) * 2);
  std::ostringstream s;
  s << "set multiplot layout 1,2 margins 0.08,0.99,0.18,0.9 spacing 0.09,0\n"
    << "set xlabel \"epoch\" offset 0,0.5\n"
    << "set title \"training loss\" offset 0,-0.6\n"
    << "unset key\n"
    << "plot " << loss_plot.str() << "\n"
    << "set key box\n"
    << "set title \"validation accuracy (%)\"\n"
    << "set yrange [" << num(y0, 0) << ":" << num(y1, 0) << "]\n"
    << "set key bottom right\n"
    << "plot " << acc_plot.str() << "\n"
    << "unset multiplot\n";
  f.body = s.str();
  return f;
}

std::optional<FigureSpec> kws_accuracy_size_figure(const RunSet& runs) {
  if (runs.kws.empty()) return std::nullopt;
  FigureSpec f{.name = "kws_accuracy_size", .width_px = 520, .height_px = 235};
  f.caption = "Test accuracy against file size: ours (filled, per version) and the published results (open); "
              "dashed: the course's limits.";
  std::ostringstream pub, ours;
  double lo = 90, hi = 93.5, xmax = 47;
  for (const PublishedKws& p : published_kws()) {
    pub << num(p.kbytes, 3) << " " << num(p.accuracy, 3) << " " << quoted(p.version) << "\n";
    hi = std::max(hi, p.accuracy);
  }
  std::ostringstream ours_plot;
  for (const auto& [v, run] : runs.kws) {
    const double kb = run.bytes / 1024.0;
    std::ostringstream d;
    d << num(kb, 3) << " " << num(run.accuracy, 3) << " " << quoted("kws_" + v) << "\n";
    f.data.emplace_back("o_" + v + ".dat", d.str());
    ours_plot << ", " << quoted("o_" + v + ".dat") << " u 1:2 w p pt 7 ps 1.4" << lc(v) << " title " << quoted("kws_" + v)
              << ", '' u 1:2:3 w labels left offset 0.9,0 font \",10\" tc rgb " << quoted(version_colour(v));
    lo = std::min(lo, run.accuracy);
    hi = std::max(hi, run.accuracy);
    xmax = std::max(xmax, kb + 4);
  }
  f.data.emplace_back("published.dat", pub.str());
  std::ostringstream s;
  s << "set xlabel \"file size (kB, 1 kB = 1024 B)\" offset 0,0.4\n"
    << "set ylabel \"test accuracy (%)\" offset 1.5,0\n"
    << "set xrange [10:" << num(xmax, 0) << "]\n"
    << "set yrange [" << num(std::floor(lo - 1), 0) << ":" << num(std::ceil(hi + 1), 0) << "]\n"
    << "set margins 8,2,3.2,1\n"
    << "set key bottom right\n";
  // Limits: size per version (vertical), accuracy for all (horizontal).
  for (const auto& [version, kb] : std::vector<std::pair<std::string, int>>{{"a", 25}, {"b", 35}, {"c", 45}}) {
    s << "set arrow from " << kb << ", graph 0 to " << kb << ", graph 1 nohead dt 2 lw 1 lc rgb \"#999999\"\n"
      << "set label " << quoted(version + " < " + std::to_string(kb) + " kB") << " at " << kb - 0.4
      << ", graph 0.97 right font \",9\" tc rgb \"#777777\"\n";
  }
  s << "set arrow from graph 0, first 90 to graph 1, first 90 nohead dt 2 lw 1 lc rgb \"#999999\"\n"
    << "set label \"> 90 %\" at graph 0.01, first 90 offset 0,0.6 font \",9\" tc rgb \"#777777\"\n"
    << "plot \"published.dat\" u 1:2 w p pt 6 ps 1.3 lw 1.5 lc rgb \"#666666\" title \"published\", "
    << "'' u 1:2:3 w labels right offset -0.9,0 font \",9\" tc rgb \"#666666\""
    << ours_plot.str() << "\n";
  f.body = s.str();
  return f;
}

std::optional<FigureSpec> kws_confusion_figure(const RunSet& runs) {
  // One matrix, of the most accurate version: several would not fit the page legibly.
  const KwsRun* best = nullptr;
  for (const auto& [v, run] : runs.kws) {
    if (!best || run.accuracy > best->accuracy) best = &run;
  }
  if (!best) return std::nullopt;
  const KwsRun& run = *best;
  const std::string& v = run.version;
  FigureSpec f{.name = "kws_confusion", .width_px = 360, .height_px = 275};
  f.caption = "Confusion matrix of kws_" + v + (runs.kws.size() > 1 ? " (the most accurate version)" : "") +
              " on the 800 test clips: rows true keyword, columns predicted; shade = share of the row.";
  const size_t k = run.labels.size();
  std::ostringstream d;
  for (size_t t = 0; t < k; ++t) {
    double row_total = 0;
    for (double c : run.confusion[t]) row_total += c;
    for (size_t p = 0; p < k; ++p) {
      const double share = row_total > 0 ? 100.0 * run.confusion[t][p] / row_total : 0;
      d << p << " " << t << " " << num(run.confusion[t][p], 0) << " " << num(share, 2) << "\n";
    }
    d << "\n";
  }
  f.data.emplace_back("confusion.dat", d.str());
  std::ostringstream tics;
  for (size_t i = 0; i < k; ++i) tics << (i ? ", " : "") << quoted(run.labels[i]) << " " << i;
  std::ostringstream s;
  s << "set palette defined (0 \"#ffffff\", 100 \"#1f5f99\")\n"
    << "unset key\nset cbrange [0:100]\nunset colorbox\nunset grid\nset border 15 lw 0.5 lc rgb \"#aaaaaa\"\n"
    << "set tics scale 0\nset size ratio -1\nset lmargin 7\nset rmargin 1\nset bmargin 3.8\nset tmargin 1.6\n"
    << "set xtics (" << tics.str() << ") rotate by 40 right offset 0.5,0\n"
    << "set ytics (" << tics.str() << ")\n"
    << "set xrange [-0.5:" << k - 0.5 << "]\nset yrange [" << k - 0.5 << ":-0.5]\n"
    << "set title " << quoted("kws_" + v + ": " + num(run.accuracy, 2) + " % of 800 clips") << " tc rgb "
    << quoted(version_colour(v)) << " offset 0,-0.6\n"
    << "set xlabel \"predicted\" offset 0,0.9\nset ylabel \"true\" offset 1.2,0\n"
    << "plot \"confusion.dat\" u 1:2:4 w image pixels, "
    << "'' u 1:2:($3 > 0 && $4 < 55 ? sprintf(\"%d\", $3) : \"\") w labels font \",10\" tc rgb \"#222222\", "
    << "'' u 1:2:($4 >= 55 ? sprintf(\"%d\", $3) : \"\") w labels font \",10\" tc rgb \"#ffffff\"\n";
  f.body = s.str();
  return f;
}

std::optional<FigureSpec> kws_latency_figure(const RunSet& runs) {
  std::vector<std::pair<std::string, const LatencyRun*>> measured;
  for (const auto& [v, run] : runs.kws) {
    if (run.latency) measured.emplace_back(v, &*run.latency);
  }
  if (measured.empty()) return std::nullopt;
  const int n = static_cast<int>(measured.size());
  FigureSpec f{.name = "kws_latency", .width_px = 700, .height_px = 100 + 38 * n};
  f.caption = kws_latency_caption(runs);
  // Stage -> legend name and colour; the feature stage is MFCC or resize depending on the model.
  const std::vector<std::tuple<std::string, std::string, std::string>> stages{
      {"resample", "resample", "#9ecae1"}, {"stft", "STFT", "#4292c6"},       {"mel_log_dct", "mel + log + DCT", "#08519c"},
      {"resize", "resize", "#08519c"},     {"copy_in", "copy in", "#bdbdbd"}, {"invoke", "invoke", "#D55E00"}};
  std::ostringstream d, totals, s;
  double xmax = 0;
  std::ostringstream ytics;
  for (int row = 0; row < n; ++row) {
    const auto& [v, lat] = measured[static_cast<size_t>(row)];
    double x = 0;
    for (size_t i = 0; i < stages.size(); ++i) {
      for (const auto& [name, ms] : lat->stages) {
        if (name != std::get<0>(stages[i])) continue;
        d << row << " " << num(x, 5) << " " << num(x + ms, 5) << " " << i + 1 << "\n";
        x += ms;
      }
    }
    totals << num(x, 5) << " " << row << " "
           << quoted(num(lat->total_mean, 3) + " ms total, inference " + num(lat->inference_mean, 3) + " ms") << "\n";
    xmax = std::max(xmax, x);
    ytics << (row ? ", " : "") << quoted("kws_" + v) << " " << row;
  }
  f.data.emplace_back("stages.dat", d.str());
  f.data.emplace_back("totals.dat", totals.str());
  for (size_t i = 0; i < stages.size(); ++i) {
    s << "set linetype " << 20 + i + 1 << " lc rgb " << quoted(std::get<2>(stages[i])) << "\n";
  }
  s << "set xlabel \"ms\" offset 0,0.5\nset ytics (" << ytics.str() << ")\nset grid noytics\n"
    << "set yrange [" << n - 0.5 << ":-0.5]\nset xrange [0:" << num(xmax * 1.55, 4) << "]\n"
    << "set key outside top center horizontal maxrows 1 font \",9\" samplen 1.2\nset style fill solid 1 border rgb \"white\"\n"
    << "set margins 9,2,3,2.2\n"
    << "plot \"stages.dat\" u (($2+$3)/2):1:2:3:($1-0.3):($1+0.3):($4+20) w boxxyerror lc variable";
  // Legend: only the stages that appear in some measurement.
  for (size_t i = 0; i < stages.size(); ++i) {
    bool used = false;
    for (const auto& m : measured) {
      for (const auto& st : m.second->stages) used = used || st.first == std::get<0>(stages[i]);
    }
    if (used) s << ", NaN w boxes lt " << 20 + i + 1 << " title " << quoted(std::get<1>(stages[i]));
  }
  s << ", \"totals.dat\" u 1:2:3 w labels left offset 0.6,0 font \",9\" tc rgb \"#333333\"\n";
  f.body = s.str();
  return f;
}

}  // namespace tinyfit::report
