// The ISO 639-1 language codes a profile may list: the 183 two-letter codes in use, lower case
// as the standard writes them ("en", "de", "zh"). The withdrawn "bh" is not among them.
//
//   if (!market::listings::IsLanguageCode("en")) { /* not reached */ }
#pragma once

#include <string_view>

namespace market::listings {

// Exact match: "EN" and "eng" are not codes.
bool IsLanguageCode(std::string_view code);

}  // namespace market::listings
