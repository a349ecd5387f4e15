#include "score_cache.hpp"

#include <algorithm>
#include <charconv>

#include "market/redis/script.hpp"

namespace market::reputation {
namespace {

// Entry: "<version>:<serialized Score>". Replaces the entry unless it holds a newer version.
const redis::Script kPutIfNotOlder(R"lua(
  local current = redis.call('GET', KEYS[1])
  if current then
    local version = tonumber(string.match(current, '^(%d+):'))
    if version and version > tonumber(ARGV[1]) then return 0 end
  end
  redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
  return 1
)lua");

std::optional<ScoreRecord> Decode(const redis::Reply& reply) {
  if (reply.type != redis::Reply::Type::kString) return std::nullopt;
  const std::string& text = reply.text;
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  ScoreRecord record;
  const auto parsed = std::from_chars(text.data(), text.data() + colon, record.version);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + colon) return std::nullopt;
  if (!record.score.ParseFromArray(text.data() + colon + 1,
                                   static_cast<int>(text.size() - colon - 1))) {
    return std::nullopt;
  }
  return record;
}

}  // namespace

ScoreCache::ScoreCache(redis::Client& redis) : redis_(redis) {}

std::string ScoreCache::Key(const std::string& user_id) { return "reputation:score:" + user_id; }

std::optional<ScoreRecord> ScoreCache::Get(const std::string& user_id) {
  const auto reply = redis_.Command({"GET", Key(user_id)});
  if (!reply.ok()) return std::nullopt;
  return Decode(*reply);
}

std::vector<std::optional<ScoreRecord>> ScoreCache::GetMany(
    const std::vector<std::string>& user_ids) {
  std::vector<std::optional<ScoreRecord>> found(user_ids.size());
  if (user_ids.empty()) return found;
  std::vector<std::string> command{"MGET"};
  for (const std::string& user_id : user_ids) command.push_back(Key(user_id));
  const auto reply = redis_.Command(command);
  if (!reply.ok() || reply->type != redis::Reply::Type::kArray ||
      reply->elements.size() != user_ids.size()) {
    return found;
  }
  for (std::size_t i = 0; i < user_ids.size(); ++i) found[i] = Decode(reply->elements[i]);
  return found;
}

void ScoreCache::Put(const ScoreRecord& record) {
  const std::int64_t ttl_ms =
      std::clamp<std::int64_t>(record.valid_for_ms, 1, kMaxCacheTtl.count());
  // A failure leaves an older entry at most until its own expiry; Postgres stays right.
  (void)kPutIfNotOlder.Run(
      redis_, {Key(record.score.user_id())},
      {std::to_string(record.version), record.score.SerializeAsString(), std::to_string(ttl_ms)});
}

}  // namespace market::reputation
