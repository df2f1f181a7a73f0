#include "cli/common_options.hpp"

namespace tinyfit::cli {

void add_feature_flags(CLI::App& cmd, dsp::FeatureOptions& o) {
  cmd.add_option("--rate", o.sample_rate, "Sample rate the features are computed at (Hz)")->capture_default_str();
  cmd.add_option("--length", o.frame_length, "STFT frame length (samples)")->capture_default_str();
  cmd.add_option("--stride", o.frame_step, "STFT frame step (samples)")->capture_default_str();
  cmd.add_option("--bins", o.num_mel_bins, "Mel bins")->capture_default_str();
  cmd.add_option("--coeff", o.num_coefficients, "MFCC coefficients kept; 0: log-mel features (no DCT)")->capture_default_str();
  cmd.add_option("--lower", o.lower_hz, "Lowest mel edge (Hz)")->capture_default_str();
  cmd.add_option("--upper", o.upper_hz, "Highest mel edge (Hz)")->capture_default_str();
  cmd.add_option("--resize", o.resize, "0: MFCC; N > 0: |STFT| resized bilinearly to N x N")->capture_default_str();
}

void add_data_dir_flag(CLI::App& cmd, std::string& data_dir) {
  cmd.add_option("--data-dir", data_dir, "Data root (default: $TINYFIT_DATA, then ../shared/data)");
}

}  // namespace tinyfit::cli
