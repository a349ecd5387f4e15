#include "search_filters.hpp"

#include <algorithm>

#include "field_rules.hpp"
#include "language_codes.hpp"
#include "market/common/text.hpp"
#include "market/connect/page_token.hpp"
#include "market/money/country.hpp"
#include "market/money/money.hpp"

namespace market::listings {
namespace {

// What SQL prints for a numeric: an optional sign, digits, optionally a point and digits.
bool IsDecimalKey(std::string_view key) {
  if (!key.empty() && key.front() == '-') key.remove_prefix(1);
  if (key.empty() || key.size() > 80) return false;
  const auto point = key.find('.');
  const auto digits = [](std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (point == std::string_view::npos) return digits(key);
  return digits(key.substr(0, point)) && digits(key.substr(point + 1));
}

AmountRange CheckRange(const v1::MoneyRange& range, std::string_view field,
                       connect::FieldViolations& violations) {
  AmountRange checked;
  const std::string name(field);
  if (!range.has_min() && !range.has_max()) {
    violations.Add(name, "must give min, max or both");
    return checked;
  }
  std::optional<money::Money> min;
  std::optional<money::Money> max;
  if (range.has_min()) {
    auto parsed = money::Money::FromProto(range.min(), name + ".min");
    if (!parsed.ok()) {
      violations.Add(parsed.status());
    } else if (parsed->minor_units() < 0) {
      violations.Add(name + ".min.minor_units", "must not be negative");
    } else {
      min = *parsed;
    }
  }
  if (range.has_max()) {
    auto parsed = money::Money::FromProto(range.max(), name + ".max");
    if (!parsed.ok()) {
      violations.Add(parsed.status());
    } else if (parsed->minor_units() < 0) {
      violations.Add(name + ".max.minor_units", "must not be negative");
    } else {
      max = *parsed;
    }
  }
  if (min && max) {
    if (min->currency() != max->currency()) {
      violations.Add(name + ".max.currency",
                     "must be the currency of min (" + min->currency() + ")");
      return checked;
    }
    if (min->minor_units() > max->minor_units()) {
      violations.Add(name + ".max", "must not be below min");
      return checked;
    }
  }
  if ((range.has_min() && !min) || (range.has_max() && !max)) return checked;
  checked.currency = min ? min->currency() : max->currency();
  if (min) checked.min = min->minor_units();
  if (max) checked.max = max->minor_units();
  return checked;
}

SearchOrder CheckSort(v1::SearchSort sort, bool has_query, bool reputation_allowed,
                      connect::FieldViolations& violations) {
  switch (sort) {
    case v1::SEARCH_SORT_UNSPECIFIED:
      return has_query ? SearchOrder::kRelevance : SearchOrder::kNewest;
    case v1::SEARCH_SORT_RELEVANCE:
      if (!has_query) violations.Add("sort", "RELEVANCE needs a query");
      return SearchOrder::kRelevance;
    case v1::SEARCH_SORT_NEWEST:
      return SearchOrder::kNewest;
    case v1::SEARCH_SORT_AMOUNT_HIGH_FIRST:
      return SearchOrder::kAmountHighFirst;
    case v1::SEARCH_SORT_AMOUNT_LOW_FIRST:
      return SearchOrder::kAmountLowFirst;
    case v1::SEARCH_SORT_REPUTATION:
      if (!reputation_allowed) violations.Add("sort", "REPUTATION sorts freelancers only");
      return SearchOrder::kReputation;
    default:
      violations.Add("sort", "must be a SearchSort value");
      return SearchOrder::kNewest;
  }
}

}  // namespace

std::string_view SearchOrderName(SearchOrder order) {
  switch (order) {
    case SearchOrder::kRelevance:
      return "relevance";
    case SearchOrder::kNewest:
      return "newest";
    case SearchOrder::kAmountHighFirst:
      return "amount_high";
    case SearchOrder::kAmountLowFirst:
      return "amount_low";
    case SearchOrder::kReputation:
      return "reputation";
  }
  return "newest";
}

SearchBasics CheckSearchBasics(const SearchInput& input, connect::FieldViolations& violations) {
  SearchBasics basics;
  basics.query = violations.Take(CheckText(input.query, "query", {.max_length = kMaxQueryLength}));
  if (!input.skills.empty()) {
    basics.skills = CheckSkills(input.skills, "skills", kMaxSearchSkills, violations);
  }
  if (!input.country.empty()) {
    if (!money::IsCountryCode(input.country)) {
      violations.Add("country", "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
    }
    basics.country = input.country;
  }
  if (!input.language.empty()) {
    if (!IsLanguageCode(input.language)) {
      violations.Add("language", "must be an ISO 639-1 code such as \"en\"");
    }
    basics.language = input.language;
  }
  if (input.range != nullptr)
    basics.amount = CheckRange(*input.range, input.range_field, violations);
  basics.order = CheckSort(input.sort, !basics.query.empty(), input.reputation_allowed, violations);
  basics.page_size = violations.Take(
      connect::CheckPageSize(input.page.page_size(), kDefaultSearchPageSize, kMaxSearchPageSize));
  // The token carries the order it was made for: continuing in another order would skip items.
  const std::vector<std::string> keys =
      violations.Take(connect::DecodePageToken(input.page.page_token(), input.list, 3));
  if (!keys.empty()) {
    const auto seq = connect::PageKeyAsInt(keys[2]);
    if (keys[0] != SearchOrderName(basics.order) || !IsDecimalKey(keys[1]) || !seq.ok()) {
      violations.Add("page.page_token",
                     "does not continue this search (another sort order?); start from the "
                     "first page");
    } else {
      basics.cursor = SearchCursor{keys[1], *seq};
    }
  }
  return basics;
}

std::string NextSearchPageToken(std::string_view list, SearchOrder order,
                                const std::string& sort_key, std::int64_t seq) {
  return connect::EncodePageToken(
      list, {std::string(SearchOrderName(order)), sort_key, std::to_string(seq)});
}

}  // namespace market::listings
