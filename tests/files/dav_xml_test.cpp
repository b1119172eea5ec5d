#include "files/dav_xml.h"

#include <gtest/gtest.h>

using namespace cells::files;

TEST(DavXml, PropfindKinds) {
  EXPECT_EQ(parse_propfind("")->kind, PropfindRequest::Kind::allprop);
  EXPECT_EQ(parse_propfind(R"(<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>)")->kind, PropfindRequest::Kind::allprop);
  EXPECT_EQ(parse_propfind(R"(<propfind xmlns="DAV:"><propname/></propfind>)")->kind, PropfindRequest::Kind::propname);
  auto p = parse_propfind(R"(<D:propfind xmlns:D="DAV:" xmlns:z="urn:z"><D:prop><D:getetag/><z:color/></D:prop></D:propfind>)");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->props.size(), 2u);
  EXPECT_EQ(p->props[1], (PropName{"urn:z", "color"}));
}

TEST(DavXml, RejectsMalformedAndHostileXml) {
  for (const char* bad : {"<D:propfind xmlns:D=\"DAV:\">", "<propfind>", "<x:propfind xmlns:x=\"DAV:\"><x:prop><y:a xmlns:y=\"\"/></x:prop></x:propfind>",
                          "<!DOCTYPE a [<!ENTITY e \"x\">]><propfind xmlns=\"DAV:\"><allprop/></propfind>",
                          "<other xmlns=\"DAV:\"/>"})
    EXPECT_FALSE(parse_propfind(bad)) << bad;
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  EXPECT_FALSE(parse_propfind(deep));
}

TEST(DavXml, PropPatchSetAndRemove) {
  auto ops = parse_proppatch(R"(<D:propertyupdate xmlns:D="DAV:" xmlns:z="urn:z"><D:set><D:prop><z:color>red &amp; blue</z:color></D:prop></D:set><D:remove><D:prop><z:size/></D:prop></D:remove></D:propertyupdate>)");
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 2u);
  EXPECT_TRUE((*ops)[0].set);
  EXPECT_EQ((*ops)[0].value, "red & blue");
  EXPECT_FALSE((*ops)[1].set);
  EXPECT_EQ((*ops)[1].name.name, "size");
}

TEST(DavXml, OutputEscapes) {
  EXPECT_EQ(xml_escape("<a&\"b>"), "&lt;a&amp;&quot;b&gt;");
  EXPECT_EQ(prop_element({"", "n"}, "v"), "<n xmlns=\"\">v</n>");
  EXPECT_EQ(prop_element({"urn:\"x", "n"}, ""), "<x:n xmlns:x=\"urn:&quot;x\"></x:n>");
}
