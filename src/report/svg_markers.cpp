#include "report/svg_markers.hpp"

#include <map>
#include <vector>

namespace tinyfit::report {

namespace {

// One attribute value of an element written as `name='value'` (gnuplot quotes with ').
std::string attribute(const std::string& element, const std::string& name) {
  const std::string key = " " + name + "='";
  const size_t at = element.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  const size_t end = element.find('\'', start);
  return end == std::string::npos ? "" : element.substr(start, end - start);
}

std::string without_attribute(std::string element, const std::string& name) {
  const std::string key = " " + name + "='";
  const size_t at = element.find(key);
  if (at == std::string::npos) return element;
  const size_t end = element.find('\'', at + key.size());
  return end == std::string::npos ? element : element.erase(at, end + 1 - at);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

struct Marker {
  std::string shape;      // "<circle .../>" without its id; may still say currentColor
  std::string transform;  // from <use transform=...> in the definition chain, outermost first
};

// Definitions: "<circle id='gpPt5' .../>" (a shape) or "<use xlink:href='#gpPt5' id='gpPt6' .../>"
// (a shape with extra paint: attributes the shape itself lacks are inherited, as SVG specifies).
std::map<std::string, Marker> read_markers(const std::string& defs) {
  std::map<std::string, Marker> markers;
  size_t pos = 0;
  while ((pos = defs.find('<', pos)) != std::string::npos) {
    const size_t end = defs.find('>', pos);
    if (end == std::string::npos) break;
    const std::string element = defs.substr(pos, end + 1 - pos);
    pos = end + 1;
    if (element.size() < 3 || element[element.size() - 2] != '/') continue;  // markers are self-closing
    const std::string id = attribute(element, "id");
    if (id.rfind("gp", 0) != 0) continue;
    if (element.rfind("<use", 0) == 0) {
      const std::string ref = attribute(element, "xlink:href");
      const auto base = markers.find(ref.empty() ? "" : ref.substr(1));
      if (base == markers.end()) continue;
      Marker m = base->second;
      for (const char* paint : {"fill", "stroke"}) {
        const std::string value = attribute(element, paint);
        if (!value.empty() && attribute(m.shape, paint).empty()) {
          m.shape.insert(m.shape.size() - 2, std::string(" ") + paint + "='" + value + "'");
        }
      }
      const std::string t = attribute(element, "transform");
      if (!t.empty()) m.transform = m.transform.empty() ? t : t + " " + m.transform;
      markers[id] = m;
    } else {
      markers[id] = {without_attribute(element, "id"), ""};
    }
  }
  return markers;
}

}  // namespace

std::string inline_point_markers(const std::string& svg) {
  const size_t defs_start = svg.find("<defs>"), defs_end = svg.find("</defs>");
  if (defs_start == std::string::npos || defs_end == std::string::npos) return svg;
  const std::map<std::string, Marker> markers = read_markers(svg.substr(defs_start, defs_end - defs_start));
  std::string out = svg.substr(0, defs_end);
  size_t pos = defs_end;
  const std::string use = "<use xlink:href='#";
  for (size_t at = svg.find(use, pos); at != std::string::npos; at = svg.find(use, pos)) {
    const size_t end = svg.find("/>", at);
    if (end == std::string::npos) break;
    out += svg.substr(pos, at - pos);
    const std::string element = svg.substr(at, end + 2 - at);
    pos = end + 2;
    const auto m = markers.find(attribute(element, "xlink:href").substr(1));
    if (m == markers.end()) {
      out += element;
      continue;
    }
    std::string colour = attribute(element, "color");
    if (colour.empty()) colour = "black";
    std::string shape = replace_all(m->second.shape, "currentColor", colour);
    if (!m->second.transform.empty()) shape = "<g transform='" + m->second.transform + "'>" + shape + "</g>";
    out += "<g transform='" + attribute(element, "transform") + "'>" + shape + "</g>";
  }
  return out + svg.substr(pos);
}

}  // namespace tinyfit::report
