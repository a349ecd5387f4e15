#include "market/common/metrics.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace market::metrics {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

bool IsName(std::string_view text, bool allow_colon) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || (allow_colon && c == ':');
    if (!ok) return false;
  }
  return true;
}

// Reads `a="x",b="y\"z"}` from `line` at `i` with the format's escapes (\\, \", \n) undone,
// leaving `i` just past the closing brace.
std::map<std::string, std::string> ParseLabels(std::string_view line, std::size_t& i) {
  std::map<std::string, std::string> labels;
  while (true) {
    const auto equals = line.find('=', i);
    REQUIRE(equals != std::string_view::npos);
    const std::string name(line.substr(i, equals - i));
    REQUIRE(IsName(name, /*allow_colon=*/false));
    REQUIRE(line.at(equals + 1) == '"');
    std::string value;
    std::size_t j = equals + 2;
    for (; line.at(j) != '"'; ++j) {
      if (line[j] == '\\') {
        ++j;
        REQUIRE((line.at(j) == '\\' || line.at(j) == '"' || line.at(j) == 'n'));
        value += line[j] == 'n' ? '\n' : line[j];
      } else {
        value += line[j];
      }
    }
    REQUIRE(labels.emplace(name, value).second);
    i = j + 1;
    REQUIRE(i < line.size());
    if (line[i++] == '}') return labels;
    REQUIRE(line[i - 1] == ',');
  }
}

// A strict reader of text format 0.0.4: every family has one HELP and one TYPE line before its
// samples, samples are grouped by family, and every line is well formed.
struct Exposition {
  std::map<std::string, std::string> types;
  std::map<std::string, std::string> helps;
  std::vector<Sample> samples;

  explicit Exposition(const std::string& text) {
    REQUIRE((text.empty() || text.back() == '\n'));
    std::istringstream in(text);
    std::string line;
    std::string family;
    std::set<std::string> finished;
    while (std::getline(in, line)) {
      INFO(line);
      const std::string_view view = line;
      if (view.substr(0, 7) == "# HELP ") {
        const auto space = view.find(' ', 7);
        REQUIRE(space != std::string_view::npos);
        const std::string name(view.substr(7, space - 7));
        REQUIRE(IsName(name, /*allow_colon=*/true));
        REQUIRE(helps.emplace(name, view.substr(space + 1)).second);
        if (!family.empty()) finished.insert(family);
        family = name;
        REQUIRE(finished.count(family) == 0);
      } else if (view.substr(0, 7) == "# TYPE ") {
        const std::string expected_prefix = "# TYPE " + family + " ";
        REQUIRE(view.substr(0, expected_prefix.size()) == expected_prefix);
        const std::string type(view.substr(expected_prefix.size()));
        REQUIRE((type == "counter" || type == "gauge" || type == "histogram"));
        REQUIRE(types.emplace(family, type).second);
      } else {
        std::size_t i = 0;
        while (i < view.size() && view[i] != '{' && view[i] != ' ') ++i;
        const std::string name(view.substr(0, i));
        REQUIRE(IsName(name, /*allow_colon=*/true));
        std::map<std::string, std::string> labels;
        if (i < view.size() && view[i] == '{') labels = ParseLabels(view, ++i);
        REQUIRE(i < view.size());
        REQUIRE(view[i] == ' ');
        const std::string value(view.substr(i + 1));
        REQUIRE_FALSE(value.empty());
        REQUIRE(value.find(' ') == std::string::npos);
        REQUIRE(types.count(family) == 1);
        if (types[family] == "histogram") {
          REQUIRE(
              (name == family + "_bucket" || name == family + "_sum" || name == family + "_count"));
        } else {
          REQUIRE(name == family);
        }
        samples.push_back(Sample{name, labels, value});
      }
    }
  }

  std::string Value(const std::string& name, const std::map<std::string, std::string>& labels) {
    for (const auto& sample : samples) {
      if (sample.name == name && sample.labels == labels) return sample.value;
    }
    return "<missing>";
  }
};

TEST_CASE("counters and gauges render with HELP and TYPE once per family", "[metrics]") {
  Registry registry;
  registry.GetCounter("market_rpc_requests_total", "RPCs served.", {{"code", "ok"}}).Increment(3);
  registry.GetCounter("market_rpc_requests_total", "RPCs served.", {{"code", "not_found"}})
      .Increment();
  registry.GetGauge("market_pg_pool_in_use", "Connections in use.").Set(2.5);
  CHECK(registry.RenderText() ==
        "# HELP market_pg_pool_in_use Connections in use.\n"
        "# TYPE market_pg_pool_in_use gauge\n"
        "market_pg_pool_in_use 2.5\n"
        "# HELP market_rpc_requests_total RPCs served.\n"
        "# TYPE market_rpc_requests_total counter\n"
        "market_rpc_requests_total{code=\"not_found\"} 1\n"
        "market_rpc_requests_total{code=\"ok\"} 3\n");
}

TEST_CASE("a histogram renders cumulative buckets, +Inf, _sum and _count", "[metrics]") {
  Registry registry;
  auto& histogram = registry.GetHistogram("market_rpc_duration_seconds", "RPC latency.",
                                          {{"method", "PlaceBid"}}, {0.005, 0.1, 1});
  for (const double value : {0.001, 0.005, 0.05, 0.5, 0.5, 30.0}) histogram.Observe(value);
  CHECK(registry.RenderText() ==
        "# HELP market_rpc_duration_seconds RPC latency.\n"
        "# TYPE market_rpc_duration_seconds histogram\n"
        "market_rpc_duration_seconds_bucket{method=\"PlaceBid\",le=\"0.005\"} 2\n"
        "market_rpc_duration_seconds_bucket{method=\"PlaceBid\",le=\"0.1\"} 3\n"
        "market_rpc_duration_seconds_bucket{method=\"PlaceBid\",le=\"1\"} 5\n"
        "market_rpc_duration_seconds_bucket{method=\"PlaceBid\",le=\"+Inf\"} 6\n"
        "market_rpc_duration_seconds_sum{method=\"PlaceBid\"} 31.056\n"
        "market_rpc_duration_seconds_count{method=\"PlaceBid\"} 6\n");
}

TEST_CASE("the default latency buckets span half a millisecond to ten seconds", "[metrics]") {
  CHECK(LatencyBuckets() == std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  Registry registry;
  registry.GetHistogram("latency_seconds", "Latency.").Observe(0.0003);
  Exposition parsed(registry.RenderText());
  CHECK(parsed.Value("latency_seconds_bucket", {{"le", "0.0005"}}) == "1");
  CHECK(parsed.Value("latency_seconds_bucket", {{"le", "0.0025"}}) == "1");
  CHECK(parsed.Value("latency_seconds_bucket", {{"le", "10"}}) == "1");
  CHECK(parsed.Value("latency_seconds_bucket", {{"le", "+Inf"}}) == "1");
  CHECK(parsed.Value("latency_seconds_count", {}) == "1");
}

TEST_CASE("label values and help text are escaped as the format requires", "[metrics]") {
  Registry registry;
  registry
      .GetCounter("escapes_total", "Help with \\ and\nnewline and \"quotes\".",
                  {{"path", "C:\\dir \"quoted\"\nnext"}})
      .Increment();
  const std::string text = registry.RenderText();
  CHECK(text ==
        "# HELP escapes_total Help with \\\\ and\\nnewline and \"quotes\".\n"
        "# TYPE escapes_total counter\n"
        "escapes_total{path=\"C:\\\\dir \\\"quoted\\\"\\nnext\"} 1\n");
  Exposition parsed(text);
  CHECK(parsed.Value("escapes_total", {{"path", "C:\\dir \"quoted\"\nnext"}}) == "1");
}

TEST_CASE("a full registry parses as valid text exposition", "[metrics]") {
  Registry registry;
  for (const std::string code : {"ok", "invalid_argument", "internal"}) {
    for (const std::string method : {"PlaceBid", "AcceptBid"}) {
      registry.GetCounter("rpc_total", "Calls.", {{"method", method}, {"code", code}}).Increment();
      registry.GetHistogram("rpc_seconds", "Latency.", {{"method", method}, {"code", code}})
          .Observe(0.02);
    }
  }
  registry.GetGauge("up", "Whether the service is up.").Set(1);
  Exposition parsed(registry.RenderText());
  CHECK(parsed.types == std::map<std::string, std::string>{{"rpc_seconds", "histogram"},
                                                           {"rpc_total", "counter"},
                                                           {"up", "gauge"}});
  // 6 counters + 6 histograms x (15 buckets + sum + count) + 1 gauge.
  CHECK(parsed.samples.size() == 6 + 6 * 17 + 1);
  CHECK(parsed.Value("rpc_seconds_bucket",
                     {{"method", "AcceptBid"}, {"code", "ok"}, {"le", "0.01"}}) == "0");
  CHECK(parsed.Value("rpc_seconds_bucket",
                     {{"method", "AcceptBid"}, {"code", "ok"}, {"le", "0.025"}}) == "1");
}

TEST_CASE("the same name and labels return the same metric, in any label order", "[metrics]") {
  Registry registry;
  auto& a = registry.GetCounter("c_total", "C.", {{"x", "1"}, {"y", "2"}});
  auto& b = registry.GetCounter("c_total", "C.", {{"y", "2"}, {"x", "1"}});
  auto& other = registry.GetCounter("c_total", "C.", {{"x", "1"}, {"y", "3"}});
  CHECK(&a == &b);
  CHECK(&a != &other);
  for (int i = 0; i < 100; ++i) registry.GetGauge("g_" + std::to_string(i), "G.");
  a.Increment();  // still valid after the registry grew
  CHECK(b.Value() == 1);
  CHECK(&registry.GetGauge("g_0", "G.") == &registry.GetGauge("g_0", "G."));
  CHECK(&registry.GetHistogram("h", "H.") == &registry.GetHistogram("h", "H."));
}

TEST_CASE("concurrent updates from several threads sum exactly", "[metrics]") {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry] {
      auto& counter = registry.GetCounter("hits_total", "Hits.");
      auto& gauge = registry.GetGauge("level", "Level.");
      auto& histogram = registry.GetHistogram("sizes", "Sizes.", {}, {1, 2});
      for (int i = 0; i < kPerThread; ++i) {
        counter.Increment();
        gauge.Add(2);
        histogram.Observe(i % 2 == 0 ? 1.0 : 3.0);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(registry.GetCounter("hits_total", "Hits.").Value() == kThreads * kPerThread);
  CHECK(registry.GetGauge("level", "Level.").Value() == 2.0 * kThreads * kPerThread);
  Exposition parsed(registry.RenderText());
  CHECK(parsed.Value("sizes_bucket", {{"le", "1"}}) == "200000");
  CHECK(parsed.Value("sizes_bucket", {{"le", "2"}}) == "200000");
  CHECK(parsed.Value("sizes_bucket", {{"le", "+Inf"}}) == "400000");
  CHECK(parsed.Value("sizes_count", {}) == "400000");
  CHECK(parsed.Value("sizes_sum", {}) == "800000");
}

TEST_CASE("a counter only goes up; a gauge is set and adjusted", "[metrics]") {
  Counter counter;
  counter.Increment(2);
  counter.Increment(-5);
  counter.Increment(std::numeric_limits<double>::quiet_NaN());
  counter.Increment(0.5);
  CHECK(counter.Value() == 2.5);
  Gauge gauge;
  gauge.Set(10);
  gauge.Add(-3);
  CHECK(gauge.Value() == 7);
}

TEST_CASE("special values render in the format's spelling", "[metrics]") {
  Registry registry;
  registry.GetGauge("a", "A.", {{"v", "inf"}}).Set(std::numeric_limits<double>::infinity());
  registry.GetGauge("a", "A.", {{"v", "-inf"}}).Set(-std::numeric_limits<double>::infinity());
  registry.GetGauge("a", "A.", {{"v", "nan"}}).Set(std::numeric_limits<double>::quiet_NaN());
  registry.GetGauge("a", "A.", {{"v", "small"}}).Set(0.00001);
  registry.GetGauge("a", "A.", {{"v", "big"}}).Set(1e20);
  registry.GetGauge("a", "A.", {{"v", "neg"}}).Set(-42);
  Exposition parsed(registry.RenderText());
  CHECK(parsed.Value("a", {{"v", "inf"}}) == "+Inf");
  CHECK(parsed.Value("a", {{"v", "-inf"}}) == "-Inf");
  CHECK(parsed.Value("a", {{"v", "nan"}}) == "NaN");
  CHECK(std::stod(parsed.Value("a", {{"v", "small"}})) == 0.00001);
  CHECK(std::stod(parsed.Value("a", {{"v", "big"}})) == 1e20);
  CHECK(parsed.Value("a", {{"v", "neg"}}) == "-42");
}

TEST_CASE("NaN observations are ignored by a histogram", "[metrics]") {
  Histogram histogram({1});
  histogram.Observe(std::numeric_limits<double>::quiet_NaN());
  histogram.Observe(0.5);
  const auto snapshot = histogram.Take();
  CHECK(snapshot.cumulative == std::vector<std::uint64_t>{1, 1});
  CHECK(snapshot.sum == 0.5);
}

TEST_CASE("collectors refresh gauges before each render", "[metrics]") {
  Registry registry;
  int in_use = 3;
  auto collector =
      registry.AddCollector([&] { registry.GetGauge("pool_in_use", "In use.").Set(in_use); });
  CHECK(registry.RenderText().find("pool_in_use 3\n") != std::string::npos);
  in_use = 7;
  CHECK(registry.RenderText().find("pool_in_use 7\n") != std::string::npos);
}

TEST_CASE("a collector stops running once its handle is gone", "[metrics]") {
  Registry registry;
  int runs = 0;
  {
    auto collector = registry.AddCollector([&] { ++runs; });
    registry.RenderText();
    CHECK(runs == 1);
    // Moving the handle keeps the collector registered.
    auto moved = std::move(collector);
    registry.RenderText();
    CHECK(runs == 2);
  }
  registry.RenderText();
  CHECK(runs == 2);

  auto reset = registry.AddCollector([&] { ++runs; });
  reset.Reset();
  registry.RenderText();
  CHECK(runs == 2);
}

TEST_CASE("misuse of names, labels and types is a programming error", "[metrics]") {
  Registry registry;
  registry.GetCounter("dual", "D.");
  CHECK_THROWS_AS(registry.GetGauge("dual", "D."), std::logic_error);
  CHECK_THROWS_AS(registry.GetHistogram("dual", "D."), std::logic_error);
  CHECK_THROWS_AS(registry.GetCounter("", "E."), std::invalid_argument);
  CHECK_THROWS_AS(registry.GetCounter("9lives", "E."), std::invalid_argument);
  CHECK_THROWS_AS(registry.GetCounter("has-dash", "E."), std::invalid_argument);
  CHECK_THROWS_AS(registry.GetCounter("ok_total", "E.", {{"bad-name", "x"}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(registry.GetCounter("ok_total", "E.", {{"__reserved", "x"}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(registry.GetCounter("ok_total", "E.", {{"a", "x"}, {"a", "y"}}),
                  std::invalid_argument);
  CHECK_THROWS_AS(registry.GetHistogram("h_seconds", "H.", {{"le", "1"}}), std::invalid_argument);
  CHECK_THROWS_AS(Histogram({1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(Histogram({2, 1}), std::invalid_argument);
  CHECK_NOTHROW(registry.GetCounter("name:with_colon_total", "Recording rule style."));
}

TEST_CASE("the default registry is one shared instance", "[metrics]") {
  auto& counter = DefaultRegistry().GetCounter("metrics_test_default_total", "Default.");
  counter.Increment();
  CHECK(&DefaultRegistry() == &DefaultRegistry());
  CHECK(DefaultRegistry().RenderText().find("metrics_test_default_total 1\n") != std::string::npos);
}

}  // namespace
}  // namespace market::metrics
