// The report's pages as HTML sections: one page per exercise, then an appendix with the layer tables.
#pragma once

#include <string>
#include <vector>

#include "report/html.hpp"
#include "report/runs.hpp"

namespace tinyfit::report {

std::string kws_page(const RunSet& runs, const Figures& figures);
std::string forecast_page(const RunSet& runs, const Figures& figures);
std::string layers_page(const RunSet& runs);

// Shared parts of the pages.
std::string paragraph(const std::vector<std::string>& sentences, const std::string& css_class = "");
std::string size_breakdown_rows(const std::string& name, const RunCommon& run);  // <tr> of the size table
std::string size_breakdown_header();
std::string compression_text(const RunCommon& run, const std::vector<std::pair<std::string, double>>& derived);
// The model in the constraints table's version cell: description, parameters and MACs.
std::string model_cell_text(const RunCommon& run);
// "Missing: ..." notes for absent files and keys, empty when nothing is missing.
std::string missing_note(const RunSet& runs, const std::string& prefix, const std::string& command);

}  // namespace tinyfit::report
