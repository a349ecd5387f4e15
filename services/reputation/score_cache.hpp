// ScoreCache: users' scores in the cache Redis (ServiceParts::cache), each entry tagged with
// the version of the scores row it copies, so that an older copy never replaces a newer one
// however writers and readers interleave.
//
//   ScoreCache cache(parts.cache);
//   if (auto hit = cache.Get(user_id)) return *hit;      // nullopt on a miss or Redis down
//   cache.Put(record);                                   // kept only if not older
//
// Redis is never the record: every failure reads as a miss (Get) or is ignored (Put), and the
// caller serves from Postgres. An entry expires when its score may change by time alone
// (ScoreRecord::valid_for_ms), and after kMaxCacheTtl at the latest.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "market/redis/client.hpp"
#include "score_repository.hpp"

namespace market::reputation {

inline constexpr std::chrono::milliseconds kMaxCacheTtl{300'000};

class ScoreCache {
 public:
  // `redis` must outlive the cache.
  explicit ScoreCache(redis::Client& redis);

  std::optional<ScoreRecord> Get(const std::string& user_id);
  // One MGET for all; misses are nullopt.
  std::vector<std::optional<ScoreRecord>> GetMany(const std::vector<std::string>& user_ids);
  void Put(const ScoreRecord& record);

  static std::string Key(const std::string& user_id);

 private:
  redis::Client& redis_;
};

}  // namespace market::reputation
