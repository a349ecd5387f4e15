// PolicyDefaults: the platform's policy for the timers a contract's terms leave unset, which is
// every contract made from a BidAccepted or OfferBought event (they carry no policy). A contract
// freezes the values in force when it is created; later changes never reach it.
//
//   MARKET_ASSIGN_OR_RETURN(const PolicyDefaults defaults, PolicyDefaults::FromEnv(env));
//   ValidateContract(request, defaults);   // review window: the request's, else the default
#pragma once

#include <cstdint>

#include "market/common/config.hpp"

namespace market::escrow {

inline constexpr std::int64_t kDefaultReviewWindowSeconds = 14 * 24 * 3600;
inline constexpr std::int64_t kDefaultInvoiceReviewWindowSeconds = 5 * 24 * 3600;
inline constexpr std::int64_t kMaxWindowSeconds = 90 * 24 * 3600;

struct PolicyDefaults {
  // MARKET_ESCROW_REVIEW_WINDOW_S, 1 second to 90 days; 14 days unless set. The stack the
  // end-to-end tests run sets seconds, so that an auto-approval happens while they watch.
  std::int64_t review_window_seconds = kDefaultReviewWindowSeconds;
  // MARKET_ESCROW_INVOICE_REVIEW_WINDOW_S, the same range; 5 days unless set: how long a client
  // has to dispute a weekly invoice before it is released.
  std::int64_t invoice_review_window_seconds = kDefaultInvoiceReviewWindowSeconds;

  // Reads the variable; a bad value is recorded in `env` for its Check().
  static PolicyDefaults FromEnv(config::Env& env) {
    PolicyDefaults defaults;
    defaults.review_window_seconds =
        env.Int("MARKET_ESCROW_REVIEW_WINDOW_S", kDefaultReviewWindowSeconds, 1, kMaxWindowSeconds);
    defaults.invoice_review_window_seconds =
        env.Int("MARKET_ESCROW_INVOICE_REVIEW_WINDOW_S", kDefaultInvoiceReviewWindowSeconds, 1,
                kMaxWindowSeconds);
    return defaults;
  }
};

}  // namespace market::escrow
