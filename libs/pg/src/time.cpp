#include "market/pg/time.hpp"

#include <google/protobuf/util/time_util.h>

namespace market::pg {

google::protobuf::Timestamp TimestampFromUnixMicros(std::int64_t unix_micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(unix_micros);
}

}  // namespace market::pg
