#include "market/pg/time.hpp"

#include <catch2/catch.hpp>

#include <google/protobuf/util/time_util.h>

#include "market/pg/transaction.hpp"
#include "market/testing/postgres.hpp"

namespace market::pg {
namespace {

// The conversion time.hpp prescribes, exact to the microsecond whatever the session's TimeZone.
constexpr const char* kSelectMicros = R"(
  SELECT (extract(epoch FROM $1::timestamptz) * 1000000)::bigint AS at_micros)";

TEST_CASE("a timestamptz leaves SQL as exact unix microseconds", "[pg][integration]") {
  const auto db = testing::CreateServiceDatabase("pgtime");
  Pool pool({.dsn = db.dsn, .max_connections = 1});
  struct Case {
    const char* timestamptz;
    std::int64_t micros;
    const char* rfc3339;
  };
  const Case cases[] = {
      {"1970-01-01 00:00:00+00", 0, "1970-01-01T00:00:00Z"},
      {"2023-11-14 22:13:20.123456+00", 1'700'000'000'123'456, "2023-11-14T22:13:20.123456Z"},
      {"2023-11-15 03:58:20.000001+05:45", 1'700'000'000'000'001, "2023-11-14T22:13:20.000001Z"},
      {"1969-12-31 23:59:59.999999+00", -1, "1969-12-31T23:59:59.999999Z"},
      {"2262-04-11 23:47:16.854775+00", 9'223'372'036'854'775, "2262-04-11T23:47:16.854775Z"},
  };
  for (const char* zone : {"UTC", "Asia/Kathmandu", "America/St_Johns"}) {
    for (const auto& c : cases) {
      CAPTURE(zone, c.timestamptz);
      auto micros = InTransaction(pool, [&](pqxx::work& work) -> StatusOr<std::int64_t> {
        work.exec_params("SELECT set_config('TimeZone', $1, true)", std::string(zone));
        return work.exec_params1(kSelectMicros, std::string(c.timestamptz))["at_micros"]
            .as<std::int64_t>();
      });
      REQUIRE(micros.ok());
      CHECK(*micros == c.micros);
      CHECK(google::protobuf::util::TimeUtil::ToString(TimestampFromUnixMicros(*micros)) ==
            c.rfc3339);
    }
  }
}

}  // namespace
}  // namespace market::pg
