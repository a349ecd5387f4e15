// Page tokens: the opaque cursors of every service's list and search methods. A token names the
// kind of list it belongs to and the sort key of the last item returned, so the next page continues
// strictly after it (keyset pagination: items inserted meanwhile neither repeat nor push others
// out).
//
//   const std::string token = EncodePageToken("jobs.mine", {std::to_string(last.seq)});
//   MARKET_ASSIGN_OR_RETURN(auto keys, DecodePageToken(request.page().page_token(), "jobs.mine",
//   1));
//
// Tokens are base64url text; they are not signed, since a forged one only pages through what the
// caller may see anyway. A token of another list, or one that does not decode, is
// invalid_argument "page.page_token: ...".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "market/common/statusor.hpp"

namespace market::connect {

// Page sizes: 0 means `default_size`; above `max_size` is invalid_argument.
StatusOr<int> CheckPageSize(int page_size, int default_size, int max_size);

std::string EncodePageToken(std::string_view list, const std::vector<std::string>& keys);

// The keys of a token of `list` carrying exactly `key_count` keys; an empty token is an empty
// vector (the first page).
StatusOr<std::vector<std::string>> DecodePageToken(std::string_view token, std::string_view list,
                                                   std::size_t key_count);

// A key that must be a decimal int64, for cursors on seq.
StatusOr<std::int64_t> PageKeyAsInt(const std::string& key);

}  // namespace market::connect
