#include "market/pg/time.hpp"

#include <catch2/catch.hpp>

#include <google/protobuf/util/time_util.h>

namespace market::pg {
namespace {

using google::protobuf::util::TimeUtil;

TEST_CASE("unix microseconds become a Timestamp with non-negative nanos", "[pg]") {
  struct Case {
    std::int64_t micros;
    std::int64_t seconds;
    std::int32_t nanos;
    const char* rfc3339;
  };
  const Case cases[] = {
      {0, 0, 0, "1970-01-01T00:00:00Z"},
      {1, 0, 1000, "1970-01-01T00:00:00.000001Z"},
      {1'700'000'000'123'456, 1'700'000'000, 123'456'000, "2023-11-14T22:13:20.123456Z"},
      {1'700'000'000'000'000, 1'700'000'000, 0, "2023-11-14T22:13:20Z"},
      {-1, -1, 999'999'000, "1969-12-31T23:59:59.999999Z"},
      {-1'000'000, -1, 0, "1969-12-31T23:59:59Z"},
      {-1'500'000, -2, 500'000'000, "1969-12-31T23:59:58.500Z"},
      {253'402'300'799'999'999, 253'402'300'799, 999'999'000, "9999-12-31T23:59:59.999999Z"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.micros);
    const google::protobuf::Timestamp timestamp = TimestampFromUnixMicros(c.micros);
    CHECK(timestamp.seconds() == c.seconds);
    CHECK(timestamp.nanos() == c.nanos);
    CHECK(TimeUtil::ToString(timestamp) == c.rfc3339);
    CHECK(TimeUtil::TimestampToMicroseconds(timestamp) == c.micros);
  }
}

}  // namespace
}  // namespace market::pg
