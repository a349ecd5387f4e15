// Page tokens of bidding's lists: the list's name and the sort keys of the last item returned,
// base64url, so the next page continues strictly after it (keyset pagination). Not signed: a
// forged token only pages through what the caller may see anyway.
//
//   response.mutable_page()->set_next_page_token(EncodePageToken("bids.mine", {"42"}));
//   MARKET_ASSIGN_OR_RETURN(auto keys, DecodePageToken(token, "bids.mine", 1));  // {} first page
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "market/common/statusor.hpp"

namespace market::bidding {

// 0 means `default_size`; negative or above `max_size` is invalid_argument on page.page_size.
StatusOr<int> CheckPageSize(int page_size, int default_size, int max_size);

std::string EncodePageToken(std::string_view list, const std::vector<std::string>& keys);

// Exactly `key_count` keys of a token of `list`; empty for an empty token.
StatusOr<std::vector<std::string>> DecodePageToken(std::string_view token, std::string_view list,
                                                   std::size_t key_count);

// A key holding a decimal integer (a seq or an amount).
StatusOr<std::int64_t> PageKeyAsInt(const std::string& key);

}  // namespace market::bidding
