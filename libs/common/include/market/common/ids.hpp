// Identifiers. Accounts, profiles and portfolio items are keyed by UUIDs that PostgreSQL
// generates; an id that arrives in a request or a token is checked for the UUID form before it
// reaches SQL, where casting anything else to uuid would fail the statement:
//
//   if (!market::ids::IsUuid(request.freelancer_id())) {
//     return market::InvalidArgumentError("freelancer_id: must be an account id (UUID)");
//   }
#pragma once

#include <string_view>

namespace market::ids {

// The canonical 8-4-4-4-12 hexadecimal form ("0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34"), in either
// letter case. Braces, URNs and the 32 digits without dashes, which PostgreSQL would also
// accept, are not ids here: one spelling per id keeps ids comparable as text.
bool IsUuid(std::string_view text);

}  // namespace market::ids
