#include "core/duration.h"

#include <gtest/gtest.h>

TEST(Duration, GoSyntaxAndDays) {
  EXPECT_EQ(*cells::parse_duration("24h"), 86400);
  EXPECT_EQ(*cells::parse_duration("90m"), 5400);
  EXPECT_EQ(*cells::parse_duration("1h30m"), 5400);
  EXPECT_EQ(*cells::parse_duration("45s"), 45);
  EXPECT_EQ(*cells::parse_duration("30d"), 30 * 86400);
  EXPECT_EQ(*cells::parse_duration("1.5h"), 5400);
  EXPECT_EQ(*cells::parse_duration("2s500ms"), 2);
}

TEST(Duration, RejectsMalformed) {
  for (const char* bad : {"", "24", "h", "-1h", "1x", "1h-", "0s", "500ms", "1..5h", "1e3s", "200y", "9999999d"})
    EXPECT_FALSE(cells::parse_duration(bad)) << bad;
}
