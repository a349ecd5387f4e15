#include "search_gate.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "market/connect/error_details.hpp"

namespace market::listings {
namespace {

// A refused search is worth retrying once a running one has had time to finish.
constexpr std::chrono::milliseconds kRetryAfter{500};

}  // namespace

SearchGate::Place::Place(Place&& other) noexcept : places_(std::exchange(other.places_, nullptr)) {}

SearchGate::Place& SearchGate::Place::operator=(Place&& other) noexcept {
  if (this != &other) {
    if (places_ != nullptr) places_->release();
    places_ = std::exchange(other.places_, nullptr);
  }
  return *this;
}

SearchGate::Place::~Place() {
  if (places_ != nullptr) places_->release();
}

SearchGate::SearchGate(SearchGateOptions options) : options_(options) {
  if (options_.capacity < 1) throw std::invalid_argument("SearchGate: capacity must be at least 1");
  places_ =
      std::make_unique<std::counting_semaphore<>>(static_cast<std::ptrdiff_t>(options_.capacity));
}

StatusOr<SearchGate::Place> SearchGate::Enter(std::chrono::steady_clock::time_point deadline) {
  const auto until = std::min(deadline, std::chrono::steady_clock::now() + options_.wait);
  if (places_->try_acquire_until(until)) return Place(places_.get());
  return ResourceExhaustedError("too many searches at once; retry shortly")
      .WithDetail(connect::RetryAfter(kRetryAfter));
}

}  // namespace market::listings
