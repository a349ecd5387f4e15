#include "market/common/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace market::metrics {
namespace {

bool IsNameChar(char c, bool first, bool allow_colon) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  const bool digit = c >= '0' && c <= '9';
  return letter || (allow_colon && c == ':') || (!first && digit);
}

void CheckMetricName(std::string_view name) {
  bool valid = !name.empty();
  for (std::size_t i = 0; valid && i < name.size(); ++i) {
    valid = IsNameChar(name[i], i == 0, /*allow_colon=*/true);
  }
  if (!valid) throw std::invalid_argument("invalid metric name: " + std::string(name));
}

void CheckLabelName(std::string_view name, bool is_histogram) {
  bool valid = !name.empty() && name.substr(0, 2) != "__";
  for (std::size_t i = 0; valid && i < name.size(); ++i) {
    valid = IsNameChar(name[i], i == 0, /*allow_colon=*/false);
  }
  // "le" carries the bucket bound of a histogram series.
  if (is_histogram && name == "le") valid = false;
  if (!valid) throw std::invalid_argument("invalid label name: " + std::string(name));
}

// Labels in name order, so {a,b} and {b,a} name the same series.
Labels Canonical(const Labels& labels, bool is_histogram) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    CheckLabelName(sorted[i].first, is_histogram);
    if (i > 0 && sorted[i].first == sorted[i - 1].first) {
      throw std::invalid_argument("duplicate label name: " + sorted[i].first);
    }
  }
  return sorted;
}

void AtomicAdd(std::atomic<double>& target, double by) {
  target.fetch_add(by, std::memory_order_relaxed);
}

// Integers print without a fraction ("3", not "3.0"), other values in the shortest form that
// reads back exactly; infinities and NaN in the spellings the format defines.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::general);
  return std::string(buffer, result.ptr);
}

void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="1",b="2"}`, with an extra trailing pair for histogram buckets; "" for no labels.
std::string LabelText(const Labels& labels, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string text = "{";
  bool first = true;
  const auto append = [&](std::string_view name, std::string_view value) {
    if (!first) text += ',';
    first = false;
    text += name;
    text += "=\"";
    AppendEscaped(text, value, /*escape_quote=*/true);
    text += '"';
  };
  for (const auto& [name, value] : labels) append(name, value);
  if (!extra_name.empty()) append(extra_name, extra_value);
  text += '}';
  return text;
}

void AppendSample(std::string& out, std::string_view name, const std::string& labels,
                  double value) {
  out += name;
  out += labels;
  out += ' ';
  out += FormatValue(value);
  out += '\n';
}

}  // namespace

void Counter::Increment(double by) {
  if (!(by >= 0)) return;
  AtomicAdd(value_, by);
}

double Counter::Value() const { return value_.load(std::memory_order_relaxed); }

void Gauge::Set(double v) { value_.store(v, std::memory_order_relaxed); }
void Gauge::Add(double v) { AtomicAdd(value_, v); }
double Gauge::Value() const { return value_.load(std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;
  // A bucket counts values less than or equal to its bound ("le").
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

Histogram::Snapshot Histogram::Take() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  snapshot.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

struct Registry::Family {
  std::string help;
  std::string type;
  std::vector<double> buckets;
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::FamilyFor(std::string_view name, std::string_view help,
                                      std::string_view type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    CheckMetricName(name);
    auto family = std::make_unique<Family>();
    family->help = std::string(help);
    family->type = std::string(type);
    it = families_.emplace(std::string(name), std::move(family)).first;
  }
  if (it->second->type != type) {
    throw std::logic_error("metric " + std::string(name) + " is already registered as a " +
                           it->second->type);
  }
  return *it->second;
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  Labels key = Canonical(labels, /*is_histogram=*/false);
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, help, "counter").counters[std::move(key)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  Labels key = Canonical(labels, /*is_histogram=*/false);
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, help, "gauge").gauges[std::move(key)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help,
                                  const Labels& labels, std::vector<double> buckets) {
  Labels key = Canonical(labels, /*is_histogram=*/true);
  std::lock_guard lock(mutex_);
  Family& family = FamilyFor(name, help, "histogram");
  if (family.histograms.empty()) family.buckets = buckets;
  auto& slot = family.histograms[std::move(key)];
  if (!slot) slot = std::make_unique<Histogram>(family.buckets);
  return *slot;
}

CollectorHandle Registry::AddCollector(std::function<void()> refresh) {
  std::lock_guard lock(collectors_mutex_);
  const std::uint64_t id = next_collector_id_++;
  collectors_.emplace(id, std::move(refresh));
  return CollectorHandle(*this, id);
}

void Registry::RemoveCollector(std::uint64_t id) {
  // Renders run collectors under collectors_mutex_, so once this returns none is running.
  std::lock_guard lock(collectors_mutex_);
  collectors_.erase(id);
}

CollectorHandle::CollectorHandle(CollectorHandle&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(std::exchange(other.id_, 0)) {}

CollectorHandle& CollectorHandle::operator=(CollectorHandle&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void CollectorHandle::Reset() {
  if (registry_ != nullptr) registry_->RemoveCollector(id_);
  registry_ = nullptr;
}

std::string Registry::RenderText() {
  {
    // Collectors run without mutex_ held because they update metrics through Get*().
    std::lock_guard lock(collectors_mutex_);
    for (const auto& [id, refresh] : collectors_) refresh();
  }
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    AppendEscaped(out, family->help, /*escape_quote=*/false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += family->type;
    out += '\n';
    for (const auto& [labels, counter] : family->counters) {
      AppendSample(out, name, LabelText(labels), counter->Value());
    }
    for (const auto& [labels, gauge] : family->gauges) {
      AppendSample(out, name, LabelText(labels), gauge->Value());
    }
    for (const auto& [labels, histogram] : family->histograms) {
      const auto snapshot = histogram->Take();
      const std::string bucket_name = name + "_bucket";
      for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
        const std::string bound =
            i < snapshot.bounds.size() ? FormatValue(snapshot.bounds[i]) : "+Inf";
        AppendSample(out, bucket_name, LabelText(labels, "le", bound),
                     static_cast<double>(snapshot.cumulative[i]));
      }
      const std::string label_text = LabelText(labels);
      AppendSample(out, name + "_sum", label_text, snapshot.sum);
      AppendSample(out, name + "_count", label_text,
                   static_cast<double>(snapshot.cumulative.back()));
    }
  }
  return out;
}

Registry& DefaultRegistry() {
  static Registry registry;
  return registry;
}

}  // namespace market::metrics
