// ItemCache: single items (a job, an offer, a profile) in the cache Redis, kept newest-wins by
// the item's revision, so a slow reader can never put back an older copy than a writer stored.
//
//   ItemCache jobs(parts.cache, "listings:job:");
//   if (auto bytes = jobs.Get(id)) return Parse(*bytes);       // hit
//   JobRecord job = ReadFromPostgres(id);                        // miss, or Redis down
//   jobs.Put(id, job.version, Serialize(job));                   // fill
//   ... after a write commits:
//   jobs.Put(id, updated.version, Serialize(updated));           // write-through
//
// Redis is never the record (DESIGN.md, "Data"): every failure is a miss or a skipped write,
// logged at debug level, and the caller reads Postgres. Entries expire after `ttl`, which bounds
// how long a copy can lag when a write-through could not reach Redis (a timeout, not a restart:
// the cache Redis keeps nothing across restarts).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "market/redis/client.hpp"

namespace market::listings {

class ItemCache {
 public:
  // `redis` must outlive the cache.
  ItemCache(redis::Client& redis, std::string key_prefix,
            std::chrono::milliseconds ttl = std::chrono::seconds(60));

  // The stored bytes, or nullopt on a miss or when Redis cannot answer.
  std::optional<std::string> Get(const std::string& id);

  // Stores `bytes` as revision `revision` unless the cache already holds this revision or a
  // newer one. Best effort.
  void Put(const std::string& id, std::int64_t revision, const std::string& bytes);

  // Drops the entry, best effort.
  void Forget(const std::string& id);

  // Drops the copy and refuses every Put of a revision below `revision` until the entry
  // expires: for a write inside a transaction that has not committed yet, whose new copy cannot
  // be written through. A plain Forget would let a reader that still sees the old row put the
  // old copy back for a whole ttl; this way readers miss until one puts `revision` or newer.
  void ForgetBelow(const std::string& id, std::int64_t revision);

  std::string Key(const std::string& id) const { return prefix_ + id; }

 private:
  redis::Client& redis_;
  const std::string prefix_;
  const std::chrono::milliseconds ttl_;
};

}  // namespace market::listings
