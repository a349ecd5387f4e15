// ServiceTokens: the tokens a service presents when it calls another service, signed with the
// service's own key: role kService, subject the service's name, short-lived, and re-issued
// well before they expire so that a call never leaves with a token about to lapse.
//
//   auth::ServiceTokens tokens(parts.config.tokens.signer, "bidding");
//   auto job = listings.GetJob(request, connect::CallOptions::AsService(ctx, tokens));
//
// Verifiers accept these only when the signer's kid has the scope "service=bidding"
// (key_set.hpp), so the key can speak for bidding and for nothing else. Safe to share between
// threads.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "market/auth/token.hpp"

namespace market::auth {

class ServiceTokens {
 public:
  // Throws std::invalid_argument when `signer` is null.
  ServiceTokens(std::shared_ptr<const TokenSigner> signer, std::string service_name,
                std::chrono::seconds lifetime = std::chrono::seconds(300));

  // "Bearer <token>", ready for the Authorization header; valid for at least two thirds of the
  // lifetime after `now`.
  std::string AuthorizationHeader(
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  std::shared_ptr<const TokenSigner> signer_;
  std::string service_name_;
  std::chrono::seconds lifetime_;
  mutable std::mutex mutex_;
  mutable std::string header_;
  mutable std::chrono::system_clock::time_point reissue_at_{};
};

}  // namespace market::auth
