// UTC weeks of the work diary: Monday 00:00 to the next Monday 00:00 (exclusive), in unix
// microseconds, so that the boundaries never depend on a time zone setting.
//
//   const std::int64_t monday = UtcWeekStart(now_micros);
//   const bool closed = monday + kWeekMicros <= now_micros;
#pragma once

#include <cstdint>

namespace market::escrow {

inline constexpr std::int64_t kMinuteMicros = 60LL * 1000000;
inline constexpr std::int64_t kDayMicros = 24 * 60 * kMinuteMicros;
inline constexpr std::int64_t kWeekMicros = 7 * kDayMicros;

// Monday 00:00 UTC of the week holding `unix_micros` (before 1970 too).
constexpr std::int64_t UtcWeekStart(std::int64_t unix_micros) {
  std::int64_t day = unix_micros / kDayMicros;
  if (unix_micros % kDayMicros < 0) --day;  // floor, not truncation
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  std::int64_t weekday = (day + 3) % 7;
  if (weekday < 0) weekday += 7;
  return (day - weekday) * kDayMicros;
}

}  // namespace market::escrow
