#include <gtest/gtest.h>

#include "tokens/pat_format.h"
#include "tokens/pat_service.h"

using namespace cells::tokens;

TEST(PatFormat, NewTokensAreWellFormedAndDistinct) {
  auto a = new_pat(), b = new_pat();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), kPatLength);
  EXPECT_TRUE(a.starts_with("cpat_"));
  EXPECT_TRUE(well_formed_pat(a));
}

TEST(PatFormat, ChecksumCatchesEveryChangedCharacter) {
  auto t = new_pat();
  for (std::size_t i = 5; i < t.size(); ++i) {
    if (t[i] == '_' && i == kPatLength - 7) continue;
    auto bad = t;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(well_formed_pat(bad)) << i;
  }
  EXPECT_FALSE(well_formed_pat(t.substr(0, t.size() - 1)));
  EXPECT_FALSE(well_formed_pat(t + "A"));
  EXPECT_FALSE(well_formed_pat("xpat_" + t.substr(5)));
}

TEST(NodeScope, ParsesPermissions) {
  const std::string uuid = "0d8f4a50-1c2b-4e7a-9f00-123456789abc";
  auto r = parse_node_scope("node:" + uuid + ":r");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->read);
  EXPECT_FALSE(r->write);
  auto rw = parse_node_scope("node:" + uuid + ":wr");
  ASSERT_TRUE(rw);
  EXPECT_TRUE(rw->read && rw->write);
  EXPECT_EQ(format_node_scope(*rw), "node:" + uuid + ":rw");
  for (const std::string& bad : std::vector<std::string>{"node:" + uuid, "node:" + uuid + ":", "node:" + uuid + ":x", "node:" + uuid + ":rwx",
                          "file:" + uuid + ":r", "node:not-a-uuid:r", ""})
    EXPECT_FALSE(parse_node_scope(bad)) << bad;
}
