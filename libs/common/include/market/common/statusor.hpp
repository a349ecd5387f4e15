// StatusOr<T>: either a value or the Status that explains why there is none.
//
//   market::StatusOr<Bid> FindBid(std::string_view id);
//   auto bid = FindBid(id);
//   if (!bid.ok()) return bid.status();
//   Use(*bid);
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "market/common/status.hpp"

namespace market {

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // An error; `status` must not be OK (an OK status carries no value, which is a bug).
  StatusOr(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok());
    if (std::get<Status>(state_).ok()) {
      state_ = InternalError("StatusOr constructed from an OK status without a value");
    }
  }
  StatusOr(const T& value) : state_(value) {}        // NOLINT: implicit by design
  StatusOr(T&& value) : state_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }

  // OK when a value is held.
  Status status() const { return ok() ? OkStatus() : std::get<Status>(state_); }

  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> state_;
};

}  // namespace market

// Assigns the value of a StatusOr expression to `lhs`, or returns its error.
#define MARKET_ASSIGN_OR_RETURN(lhs, expr) \
  MARKET_ASSIGN_OR_RETURN_IMPL(MARKET_CONCAT(market_statusor_, __LINE__), lhs, expr)
#define MARKET_CONCAT_INNER(a, b) a##b
#define MARKET_CONCAT(a, b) MARKET_CONCAT_INNER(a, b)
#define MARKET_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
