// Timestamps between PostgreSQL and the protos: the one conversion every repository uses.
//
// A timestamptz leaves SQL as whole microseconds since the Unix epoch, computed by the server
// and named after its column with a _micros suffix, so that no session setting (TimeZone,
// DateStyle) and no text parsing is involved:
//
//   SELECT (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros ...
//
// extract() returns numeric since PostgreSQL 14, so the product is exact; timestamptz holds
// microseconds, so nothing is lost. C++ keeps the int64 and turns it into a Timestamp:
//
//   const std::int64_t created_at = row["created_at_micros"].as<std::int64_t>();
//   *profile.mutable_created_at() = market::pg::TimestampFromUnixMicros(created_at);
#pragma once

#include <cstdint>

#include <google/protobuf/timestamp.pb.h>

namespace market::pg {

// Microseconds since 1970-01-01T00:00:00Z as a google.protobuf.Timestamp; before the epoch the
// seconds are negative and the nanos still count forwards (0..999999999), as the proto requires.
google::protobuf::Timestamp TimestampFromUnixMicros(std::int64_t unix_micros);

}  // namespace market::pg
