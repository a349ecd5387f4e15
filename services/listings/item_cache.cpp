#include "item_cache.hpp"

#include <utility>

#include "market/common/log.hpp"
#include "market/redis/script.hpp"

namespace market::listings {
namespace {

// One hash per item: "r" the revision, "d" the bytes. The check and the write are one atomic
// step, so of two writers the higher revision wins whatever the order they arrive in.
const redis::Script kPutIfNewer(R"lua(
  local current = redis.call('HGET', KEYS[1], 'r')
  if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
  redis.call('HSET', KEYS[1], 'r', ARGV[1], 'd', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
)lua");

// No "d": a miss for readers. "r" one below the coming revision: kPutIfNewer refuses older
// copies and takes the coming one.
const redis::Script kForgetBelow(R"lua(
  local current = redis.call('HGET', KEYS[1], 'r')
  if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
  redis.call('HDEL', KEYS[1], 'd')
  redis.call('HSET', KEYS[1], 'r', tonumber(ARGV[1]) - 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
)lua");

}  // namespace

ItemCache::ItemCache(redis::Client& redis, std::string key_prefix, std::chrono::milliseconds ttl)
    : redis_(redis), prefix_(std::move(key_prefix)), ttl_(ttl) {}

std::optional<std::string> ItemCache::Get(const std::string& id) {
  auto reply = redis_.Command({"HGET", Key(id), "d"});
  if (!reply.ok()) {
    log::Debug("cache read skipped", {{"key", Key(id)}, {"error", reply.status().message()}});
    return std::nullopt;
  }
  if (reply->type != redis::Reply::Type::kString) return std::nullopt;
  return std::move(reply->text);
}

void ItemCache::Put(const std::string& id, std::int64_t revision, const std::string& bytes) {
  auto stored = kPutIfNewer.Run(redis_, {Key(id)},
                                {std::to_string(revision), bytes, std::to_string(ttl_.count())});
  if (!stored.ok()) {
    log::Debug("cache write skipped", {{"key", Key(id)}, {"error", stored.status().message()}});
  }
}

void ItemCache::Forget(const std::string& id) {
  if (auto dropped = redis_.Command({"DEL", Key(id)}); !dropped.ok()) {
    log::Debug("cache drop skipped", {{"key", Key(id)}, {"error", dropped.status().message()}});
  }
}

void ItemCache::ForgetBelow(const std::string& id, std::int64_t revision) {
  auto marked =
      kForgetBelow.Run(redis_, {Key(id)}, {std::to_string(revision), std::to_string(ttl_.count())});
  if (!marked.ok()) {
    // The plain drop still helps when the script cannot run (a Redis restart lost it).
    Forget(id);
    log::Debug("cache mark skipped", {{"key", Key(id)}, {"error", marked.status().message()}});
  }
}

}  // namespace market::listings
