// The parts every search request shares, checked and normalised: text query, skills, country,
// language, an amount range in any currency, the sort order and the page (size and cursor).
// Violations are recorded under the request's field names, so a search answers one
// invalid_argument naming every bad field.
//
//   connect::FieldViolations violations;
//   SearchBasics basics = CheckSearchBasics({.query = request.query(), ...}, violations);
//   MARKET_RETURN_IF_ERROR(violations.ToStatus());
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/repeated_field.h>

#include "market/common/v1/common.pb.h"
#include "market/connect/error_details.hpp"
#include "market/listings/v1/listings.pb.h"

namespace market::listings {

inline constexpr std::size_t kMaxQueryLength = 200;
inline constexpr std::size_t kMaxSearchSkills = 10;
inline constexpr int kDefaultSearchPageSize = 20;
inline constexpr int kMaxSearchPageSize = 50;

// The sort orders as the SQL spells them.
enum class SearchOrder { kRelevance, kNewest, kAmountHighFirst, kAmountLowFirst, kReputation };
std::string_view SearchOrderName(SearchOrder order);

// Minor units in `currency`; a side left open is nullopt. No currency means no filter.
struct AmountRange {
  std::string currency;
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};

// Where the previous page ended: its last item's sort key (a decimal, as SQL printed it) and seq.
struct SearchCursor {
  std::string sort_key;
  std::int64_t seq = 0;
};

struct SearchBasics {
  std::string query;
  std::vector<std::string> skills;
  std::string country;
  std::string language;
  AmountRange amount;
  SearchOrder order = SearchOrder::kNewest;
  int page_size = kDefaultSearchPageSize;
  std::optional<SearchCursor> cursor;
};

struct SearchInput {
  std::string_view list;  // the page token's list name: "jobs.search"
  const std::string& query;
  const google::protobuf::RepeatedPtrField<std::string>& skills;
  const std::string& country;
  const std::string& language;
  const v1::MoneyRange* range;   // null when the request has none
  std::string_view range_field;  // "budget", "hourly_rate", "price"
  v1::SearchSort sort;
  bool reputation_allowed;
  const common::v1::PageRequest& page;
};

SearchBasics CheckSearchBasics(const SearchInput& input, connect::FieldViolations& violations);

// The token that continues after an item with this sort key and seq.
std::string NextSearchPageToken(std::string_view list, SearchOrder order,
                                const std::string& sort_key, std::int64_t seq);

}  // namespace market::listings
