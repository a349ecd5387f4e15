// Metrics in the Prometheus text exposition format 0.0.4, served on /metrics.
//
// Look a metric up once and keep the reference; updating it is lock-free:
//
//   auto& requests = market::metrics::DefaultRegistry().GetCounter(
//       "market_rpc_requests_total", "RPCs served.", {{"method", "PlaceBid"}, {"code", "ok"}});
//   auto& latency = market::metrics::DefaultRegistry().GetHistogram(
//       "market_rpc_duration_seconds", "RPC latency.", {{"method", "PlaceBid"}});
//   requests.Increment();
//   latency.Observe(0.012);
//   response.body() = market::metrics::DefaultRegistry().RenderText();
//
// Names and label names must follow the Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*, label names
// without ':' and not starting with "__"); breaking them, or asking for one name as two types,
// is a programming error and throws std::invalid_argument / std::logic_error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace market::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (requests served, errors); Prometheus detects restarts by its reset.
class Counter {
 public:
  // Negative and NaN increments are ignored: a counter that went down would read as a restart.
  void Increment(double by = 1);
  double Value() const;

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down (connections open, pool usage).
class Gauge {
 public:
  void Set(double v);
  void Add(double v);
  double Value() const;

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets by upper bound (latencies, sizes).
class Histogram {
 public:
  // `bounds` strictly increasing and finite; the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> bounds);
  // NaN is ignored: it belongs to no bucket and would turn the sum into NaN forever.
  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
  };
  Snapshot Take() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1 for +Inf
  std::atomic<double> sum_{0};
};

// Seconds: .0005 .001 .0025 .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> LatencyBuckets();

class Registry;

// Keeps a collector registered; destroying (or resetting) the handle unregisters it, so a
// collector that captures an object never outlives that object.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  CollectorHandle(Registry& registry, std::uint64_t id) : registry_(&registry), id_(id) {}
  ~CollectorHandle() { Reset(); }
  CollectorHandle(CollectorHandle&& other) noexcept;
  CollectorHandle& operator=(CollectorHandle&& other) noexcept;
  CollectorHandle(const CollectorHandle&) = delete;
  CollectorHandle& operator=(const CollectorHandle&) = delete;

  // Unregisters now; waits for a render that is running the collector to finish.
  void Reset();

 private:
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The same name and labels (in any order) return the same object; references stay valid for
  // the registry's lifetime.
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // Every series of one histogram family shares the buckets of its first registration.
  Histogram& GetHistogram(std::string_view name, std::string_view help, const Labels& labels = {},
                          std::vector<double> buckets = LatencyBuckets());

  // Runs `refresh` before each render, e.g. to sample pool usage into gauges (it may call
  // Get*()), for as long as the returned handle lives. [[nodiscard]]: dropping the handle
  // unregisters the collector at once.
  [[nodiscard]] CollectorHandle AddCollector(std::function<void()> refresh);

  // # HELP and # TYPE once per family, families and series in sorted order, label values and
  // help text escaped as the format requires.
  std::string RenderText();

 private:
  struct Family;
  Family& FamilyFor(std::string_view name, std::string_view help, std::string_view type);

  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  friend class CollectorHandle;
  void RemoveCollector(std::uint64_t id);

  std::mutex collectors_mutex_;
  std::uint64_t next_collector_id_ = 1;
  std::map<std::uint64_t, std::function<void()>> collectors_;
};

// The process-wide registry that /metrics serves.
Registry& DefaultRegistry();

}  // namespace market::metrics
