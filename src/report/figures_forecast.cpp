// Forecast figures: training curves, MAE per horizon step against persistence, a stretch of the
// test split (predicted against true).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "report/figures.hpp"

namespace tinyfit::report {

namespace {

std::string lc(const std::string& version) { return " lc rgb " + quoted(version_colour(version)); }

}  // namespace

std::optional<FigureSpec> forecast_training_figure(const RunSet& runs) {
  if (runs.forecast.empty()) return std::nullopt;
  FigureSpec f{.name = "forecast_training", .width_px = 520, .height_px = 240};
  f.caption = "Training: loss and validation MAE per epoch (T solid, RH dashed, right axis); ● = checkpoint kept.";
  std::ostringstream loss_plot, mae_plot;
  int last_epoch = 0;
  for (const auto& [v, run] : runs.forecast) {
    std::ostringstream hist, best;
    for (const EpochRecord& e : run.training.history) {
      last_epoch = std::max(last_epoch, e.epoch);
      const std::string row = std::to_string(e.epoch) + " " + num(e.loss) + " " + num(e.metric[0]) + " " + num(e.metric[1]) + "\n";
      hist << row;
      if (e.epoch == run.training.best_epoch) best << row;
    }
    f.data.emplace_back("h_" + v + ".dat", hist.str());
    f.data.emplace_back("b_" + v + ".dat", best.str());
    const std::string sep = loss_plot.tellp() > 0 ? ", " : "";
    const std::string h = quoted("h_" + v + ".dat"), b = quoted("b_" + v + ".dat");
    loss_plot << sep << h << " u 1:2 w l lw 2" << lc(v) << " title " << quoted("th_" + v);
    mae_plot << sep << h << " u 1:3 w l lw 1.3" << lc(v) << " title " << quoted("th_" + v + " T") << ", " << h
             << " u 1:4 axes x1y2 w l lw 1.3 dt 2" << lc(v) << " title " << quoted("th_" + v + " RH") << ", " << b
             << " u 1:3 w p pt 7 ps 1" << lc(v) << ", " << b << " u 1:4 axes x1y2 w p pt 7 ps 1" << lc(v);
  }
  std::ostringstream s;
  s << "set multiplot layout 1,2 margins 0.08,0.92,0.18,0.9 spacing 0.09,0\n"
    << "set xlabel \"epoch\" offset 0,0.5\n"
    // The first epochs are far above the rest: start the axes at the 3rd epoch, when there is more
    // to show (gnuplot stops with an error on a plot with no point in range).
    << "set title \"training loss\" offset 0,-0.6\nset key top right\nset xrange [" << (last_epoch > 5 ? "3" : "*") << ":*]\n"
    << "plot " << loss_plot.str() << "\n"
    << "set title \"validation MAE: T (°C, left), RH (%, right)\"\nset key top right font \",9\"\n"
    << "set ytics nomirror\nset y2tics out scale 0.5\n"
    << "set autoscale y\nset autoscale y2\n"
    << "plot " << mae_plot.str() << "\n"
    << "unset multiplot\n";
  f.body = s.str();
  return f;
}

std::optional<FigureSpec> forecast_steps_figure(const RunSet& runs) {
  const SeriesPair* persistence = nullptr;
  bool any = false;
  for (const auto& [v, run] : runs.forecast) {
    any = any || run.mae_per_step.has_value();
    if (!persistence && run.persistence_per_step) persistence = &*run.persistence_per_step;
  }
  if (!any) return std::nullopt;
  FigureSpec f{.name = "forecast_steps", .width_px = 520, .height_px = 240};
  f.caption = "Test MAE per horizon step (10 to 60 minutes ahead) against persistence (repeat the last input).";
  std::ostringstream t_plot, rh_plot;
  if (persistence) {
    std::ostringstream d;
    for (size_t i = 0; i < persistence->T.size() && i < persistence->RH.size(); ++i) {
      d << (i + 1) * 10 << " " << num(persistence->T[i]) << " " << num(persistence->RH[i]) << "\n";
    }
    f.data.emplace_back("persistence.dat", d.str());
    t_plot << "\"persistence.dat\" u 1:2 w lp lw 1.5 dt 2 pt 6 ps 0.8 lc rgb \"#777777\" title \"persistence\"";
    rh_plot << "\"persistence.dat\" u 1:3 w lp lw 1.5 dt 2 pt 6 ps 0.8 lc rgb \"#777777\" title \"persistence\"";
  }
  for (const auto& [v, run] : runs.forecast) {
    if (!run.mae_per_step) continue;
    std::ostringstream d;
    for (size_t i = 0; i < run.mae_per_step->T.size() && i < run.mae_per_step->RH.size(); ++i) {
      d << (i + 1) * 10 << " " << num(run.mae_per_step->T[i]) << " " << num(run.mae_per_step->RH[i]) << "\n";
    }
    f.data.emplace_back("s_" + v + ".dat", d.str());
    const std::string sep = t_plot.tellp() > 0 ? ", " : "";
    t_plot << sep << quoted("s_" + v + ".dat") << " u 1:2 w lp lw 2 pt 7 ps 0.8" << lc(v) << " title " << quoted("th_" + v);
    rh_plot << sep << quoted("s_" + v + ".dat") << " u 1:3 w lp lw 2 pt 7 ps 0.8" << lc(v) << " title " << quoted("th_" + v);
  }
  std::ostringstream s;
  s << "set multiplot layout 1,2 margins 0.08,0.99,0.18,0.9 spacing 0.09,0\n"
    << "set xlabel \"minutes ahead\" offset 0,0.5\nset xtics 10\nset xrange [5:65]\nset key top left font \",9\"\n"
    << "set yrange [0:*]\n"
    << "set title \"T: MAE (°C)\" offset 0,-0.6\nplot " << t_plot.str() << "\n"
    << "set title \"RH: MAE (%)\"\nplot " << rh_plot.str() << "\n"
    << "unset multiplot\n";
  f.body = s.str();
  return f;
}

std::optional<FigureSpec> forecast_sample_figure(const RunSet& runs) {
  std::vector<std::pair<std::string, const ForecastSample*>> samples;
  for (const auto& [v, run] : runs.forecast) {
    if (run.sample && !run.sample->T_true.empty()) samples.emplace_back(v, &*run.sample);
  }
  if (samples.empty()) return std::nullopt;
  FigureSpec f{.name = "forecast_sample", .width_px = 1040, .height_px = 230};
  const ForecastSample& first = *samples.front().second;
  const int ahead = static_cast<int>(std::lround(first.horizon_steps * first.step_minutes));
  const std::string from = first.first_window_start.empty() ? "" : ", hours after the window starting " + first.first_window_start;
  f.caption = "A stretch of the test split" + from + ": true values and the forecast " + std::to_string(ahead) +
              " minutes ahead, one window every " + num(first.step_minutes, 0) + " minutes.";
  // True values are the same for every version: draw them once, from the first sample.
  std::ostringstream truth;
  for (size_t i = 0; i < first.T_true.size() && i < first.RH_true.size(); ++i) {
    truth << num(i * first.step_minutes / 60.0, 4) << " " << num(first.T_true[i], 4) << " " << num(first.RH_true[i], 4) << "\n";
  }
  f.data.emplace_back("true.dat", truth.str());
  std::ostringstream t_plot, rh_plot;
  t_plot << "\"true.dat\" u 1:2 w l lw 2.5 lc rgb \"#222222\" title \"true\"";
  rh_plot << "\"true.dat\" u 1:3 w l lw 2.5 lc rgb \"#222222\" title \"true\"";
  for (const auto& [v, sample] : samples) {
    std::ostringstream d;
    for (size_t i = 0; i < sample->T_pred.size() && i < sample->RH_pred.size(); ++i) {
      d << num(i * sample->step_minutes / 60.0, 4) << " " << num(sample->T_pred[i], 4) << " " << num(sample->RH_pred[i], 4) << "\n";
    }
    f.data.emplace_back("p_" + v + ".dat", d.str());
    t_plot << ", " << quoted("p_" + v + ".dat") << " u 1:2 w l lw 1.5" << lc(v) << " title " << quoted("th_" + v);
    rh_plot << ", " << quoted("p_" + v + ".dat") << " u 1:3 w l lw 1.5" << lc(v) << " title " << quoted("th_" + v);
  }
  std::ostringstream s;
  s << "set multiplot layout 1,2 margins 0.045,0.995,0.16,0.9 spacing 0.05,0\n"
    << "set key bottom left horizontal font \",10\"\nset xtics 6\n"
    << "set xlabel \"hours from the first window of the stretch\" offset 0,0.5\n"
    << "set title \"T (°C)\" offset 0,-0.6\nplot " << t_plot.str() << "\n"
    << "set title \"RH (%)\"\nplot " << rh_plot.str() << "\n"
    << "unset multiplot\n";
  f.body = s.str();
  return f;
}

}  // namespace tinyfit::report
