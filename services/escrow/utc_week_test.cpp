// UTC week boundaries: Monday 00:00 belongs to the new week, Sunday 23:59:59.999999 to the old.
#include "utc_week.hpp"

#include <catch2/catch.hpp>

namespace market::escrow {
namespace {

// 2026-11-30 was a Monday.
constexpr std::int64_t kMonday = 1795996800LL * 1000000;

TEST_CASE("a UTC week runs from Monday 00:00 to Sunday 23:59:59", "[escrow][diary]") {
  CHECK(UtcWeekStart(kMonday) == kMonday);
  CHECK(UtcWeekStart(kMonday + 1) == kMonday);
  CHECK(UtcWeekStart(kMonday + 3 * kDayMicros + 12345) == kMonday);
  CHECK(UtcWeekStart(kMonday + kWeekMicros - 1) == kMonday);  // Sunday 23:59:59.999999
  CHECK(UtcWeekStart(kMonday + kWeekMicros) == kMonday + kWeekMicros);
  CHECK(UtcWeekStart(kMonday - 1) == kMonday - kWeekMicros);
}

TEST_CASE("weeks are found before the epoch too", "[escrow][diary]") {
  // 1970-01-01 (Thursday) belongs to the week of Monday 1969-12-29.
  CHECK(UtcWeekStart(0) == -3 * kDayMicros);
  CHECK(UtcWeekStart(-1) == -3 * kDayMicros);
  CHECK(UtcWeekStart(-3 * kDayMicros) == -3 * kDayMicros);
  CHECK(UtcWeekStart(-3 * kDayMicros - 1) == -10 * kDayMicros);
}

}  // namespace
}  // namespace market::escrow
