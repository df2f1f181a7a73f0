// Point markers of gnuplot's SVG are written out with their colour (no currentColor, no <use>).
#include <gtest/gtest.h>

#include "report/svg_markers.hpp"

namespace tinyfit::test {

TEST(SvgMarkers, InstancesBecomeColouredCopiesOfTheirShape) {
  const std::string svg =
      "<svg><defs>\n"
      "\t<circle id='gpPt5' stroke-width='0.242' stroke='currentColor' cx='0' cy='0' r='1'/>\n"
      "\t<use xlink:href='#gpPt5' id='gpPt6' fill='currentColor' stroke='none'/>\n"
      "\t<path id='gpPt7' stroke='currentColor' d='M0,-1 L1,1 z'/>\n"
      "\t<use xlink:href='#gpPt7' id='gpPt9' stroke='currentColor' transform='rotate(180)'/>\n"
      "</defs>\n"
      "<use xlink:href='#gpPt6' transform='translate(10,20) scale(4)' color='rgb(213,  94,   0)'/>\n"
      "<use xlink:href='#gpPt9' transform='translate(1,2)' color='#123456'/>\n"
      "</svg>\n";
  const std::string out = report::inline_point_markers(svg);
  const std::string body = out.substr(out.find("</defs>"));
  EXPECT_EQ(body.find("<use"), std::string::npos) << body;
  EXPECT_EQ(body.find("currentColor"), std::string::npos) << body;
  // Filled circle: the shape's own stroke stays, the fill comes from the <use> definition.
  EXPECT_NE(body.find("<g transform='translate(10,20) scale(4)'><circle stroke-width='0.242' "
                      "stroke='rgb(213,  94,   0)' cx='0' cy='0' r='1' fill='rgb(213,  94,   0)'/></g>"),
            std::string::npos)
      << body;
  // A definition's own transform is kept inside the instance's.
  EXPECT_NE(body.find("<g transform='translate(1,2)'><g transform='rotate(180)'><path stroke='#123456'"),
            std::string::npos)
      << body;
}

TEST(SvgMarkers, SvgWithoutDefsIsUnchanged) {
  const std::string svg = "<svg><path d='M0,0'/></svg>";
  EXPECT_EQ(report::inline_point_markers(svg), svg);
}

}  // namespace tinyfit::test
