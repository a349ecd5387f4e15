#include "score_events.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "market/common/ids.hpp"
#include "market/pg/prepared.hpp"
#include "market/reputation/v1/reputation.pb.h"

namespace market::bidding {
namespace {

inline constexpr std::string_view kUpsertScore = R"(
  INSERT INTO freelancer_reputation AS r (freelancer_id, score, version, updated_at)
  VALUES ($1::uuid, round($2::numeric, 2), $3, now())
  ON CONFLICT (freelancer_id) DO UPDATE SET
    score = EXCLUDED.score, version = EXCLUDED.version, updated_at = now()
  WHERE r.version < EXCLUDED.version)";

}  // namespace

Status ApplyScoreEvent(pqxx::work& tx, const events::v1::EventEnvelope& event) {
  reputation::v1::ScoreUpdated updated;
  if (!event.payload().Is<reputation::v1::ScoreUpdated>()) return OkStatus();
  if (!event.payload().UnpackTo(&updated)) {
    return InvalidArgumentError("ScoreUpdated: the payload does not parse");
  }
  if (!ids::IsUuid(updated.user_id())) {
    return InvalidArgumentError("ScoreUpdated: user_id must be an account id (UUID)");
  }
  if (!std::isfinite(updated.rating()) || updated.rating() < 0 || updated.rating() > 5 ||
      updated.version() < 1) {
    return InvalidArgumentError("ScoreUpdated: rating must be 0 to 5 and version at least 1");
  }
  // Six decimals are plenty for a value SQL rounds to two.
  char rating[32];
  std::snprintf(rating, sizeof rating, "%.6f", updated.review_count() > 0 ? updated.rating() : 0.0);
  pg::Exec(tx, kUpsertScore, updated.user_id(), std::string(rating), updated.version());
  return OkStatus();
}

}  // namespace market::bidding
