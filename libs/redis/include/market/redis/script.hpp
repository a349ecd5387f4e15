// Script: a Lua script run inside Redis in one round trip, atomically with respect to every
// other command (rate limits, throttles: check and count as one step).
//
//   static const market::redis::Script kTake(R"lua( ... return wait_ms )lua");
//   auto reply = kTake.Run(redis, {bucket_key}, {rate, burst});
//
// Run sends EVALSHA with the script's SHA-1, so the script text crosses the wire only when the
// server does not know it yet (first use, or after a restart or SCRIPT FLUSH): then NOSCRIPT
// comes back and Run sends EVAL, which also loads it. Either way the script runs exactly once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "market/common/statusor.hpp"
#include "market/redis/client.hpp"

namespace market::redis {

class Script {
 public:
  explicit Script(std::string_view source);

  // The script's reply; an error the script raised is failed_precondition naming it (as from
  // Client::Command), and unavailable means Redis did not answer.
  StatusOr<Reply> Run(Client& client, const std::vector<std::string>& keys,
                      const std::vector<std::string>& args) const;

  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;  // lower-case hex, as Redis names scripts
};

}  // namespace market::redis
