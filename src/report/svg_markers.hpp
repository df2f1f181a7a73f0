// gnuplot's SVG draws point markers as <defs> shapes painted with `currentColor`, instanced by
// <use ... color='rgb(..)'/>. Renderers that resolve `currentColor` when the <defs> are parsed
// (weasyprint 57, which makes the PDF) paint every marker black or fail on the nested <use>s of the
// filled markers. inline_point_markers() replaces each instance by a copy of its shape with the
// colour written out, which every renderer draws the same.
#pragma once

#include <string>

namespace tinyfit::report {

std::string inline_point_markers(const std::string& svg);

}  // namespace tinyfit::report
