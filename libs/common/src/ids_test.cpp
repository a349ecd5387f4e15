#include "market/common/ids.hpp"

#include <catch2/catch.hpp>

namespace market::ids {
namespace {

TEST_CASE("only the canonical 8-4-4-4-12 form is a UUID", "[ids]") {
  struct Case {
    const char* text;
    bool uuid;
  };
  const Case cases[] = {
      {"0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34", true},
      {"0F8E4A52-3C1D-4B7E-9A06-5D2C8E1F7B34", true},
      {"00000000-0000-0000-0000-000000000000", true},
      {"", false},
      {"0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b3", false},    // 35 characters
      {"0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b345", false},  // 37 characters
      {"0f8e4a523c1d4b7e9a065d2c8e1f7b34", false},       // no dashes
      {"{0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34}", false},
      {"0f8e4a52_3c1d-4b7e-9a06-5d2c8e1f7b34", false},
      {"0f8e4a5-23c1d-4b7e-9a06-5d2c8e1f7b34", false},  // dash one place early
      {"0g8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b34", false},  // not hex
      {"0f8e4a52-3c1d-4b7e-9a06-5d2c8e1f7b3 ", false},
      {"' OR 1=1 --------------------------", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(IsUuid(c.text) == c.uuid);
  }
}

}  // namespace
}  // namespace market::ids
