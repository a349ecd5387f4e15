// SearchGate: how many searches listings runs at once.
//
// A broad text search over a million jobs takes a database connection and a worker for hundreds
// of milliseconds (README, Benchmark). Unbounded, a burst of them would take every worker and
// connection, and the calls that must stay quick (GetJob, PostJob, the event consumers) would
// queue behind searches. So at most `capacity` searches run; one more waits up to `wait` for a
// place and is otherwise refused with resource_exhausted and a RetryInfo, which well-behaved
// clients honour. The wait is 0 by default: a waiting search holds a worker too, and under a
// flood refusals must cost next to nothing (measured: with 250 ms, 500 searches/s still queued
// for minutes, since four waiting workers refuse only 16 calls a second):
//
//   SearchGate searches({.capacity = 4, .wait = 0ms});
//   MARKET_ASSIGN_OR_RETURN(SearchGate::Place place, searches.Enter(ctx.deadline));
//   ... run the search; the place is given back when `place` goes out of scope ...
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <semaphore>

#include "market/common/statusor.hpp"

namespace market::listings {

struct SearchGateOptions {
  std::size_t capacity = 4;
  std::chrono::milliseconds wait{0};
};

class SearchGate {
 public:
  // A running search's place; given back on destruction. Move-only.
  class Place {
   public:
    Place(Place&& other) noexcept;
    Place& operator=(Place&& other) noexcept;
    Place(const Place&) = delete;
    Place& operator=(const Place&) = delete;
    ~Place();

   private:
    friend class SearchGate;
    explicit Place(std::counting_semaphore<>* places) : places_(places) {}
    std::counting_semaphore<>* places_;
  };

  // capacity at least 1.
  explicit SearchGate(SearchGateOptions options);

  // A place as soon as one is free, waiting at most the gate's wait and never past `deadline`;
  // resource_exhausted "too many searches at once; retry shortly" with a RetryInfo otherwise.
  StatusOr<Place> Enter(std::chrono::steady_clock::time_point deadline);

 private:
  const SearchGateOptions options_;
  std::unique_ptr<std::counting_semaphore<>> places_;
};

}  // namespace market::listings
