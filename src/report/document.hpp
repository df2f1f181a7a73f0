// The whole report.html: style sheet (screen and A4 print), title block, the pages.
#pragma once

#include <string>
#include <vector>

#include "report/html.hpp"
#include "report/runs.hpp"

namespace tinyfit::report {

// `notes`: report-level remarks shown under the title (e.g. "gnuplot not found: no figures").
std::string report_document(const RunSet& runs, const Figures& figures, const std::vector<std::string>& notes);

}  // namespace tinyfit::report
