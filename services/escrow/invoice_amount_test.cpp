#include "invoice_amount.hpp"

#include <catch2/catch.hpp>

namespace market::escrow {
namespace {

TEST_CASE("an invoice is minutes x rate / 60, half-even to the minor unit", "[escrow][invoice]") {
  SECTION("whole amounts are exact") {
    CHECK(InvoiceAmount(60, 5000) == 5000);
    CHECK(InvoiceAmount(90, 5000) == 7500);
    CHECK(InvoiceAmount(600, 4550) == 45500);
  }
  SECTION("ties go to the even minor unit, in both directions") {
    CHECK(InvoiceAmount(1, 30) == 0);  // 0.5
    CHECK(InvoiceAmount(3, 30) == 2);  // 1.5
    CHECK(InvoiceAmount(5, 30) == 2);  // 2.5
    CHECK(InvoiceAmount(7, 30) == 4);  // 3.5
  }
  SECTION("other fractions round to the nearest unit") {
    CHECK(InvoiceAmount(1, 4999) == 83);   // 83.316...
    CHECK(InvoiceAmount(7, 4999) == 583);  // 583.216...
    CHECK(InvoiceAmount(1, 50) == 1);      // 0.833...
    CHECK(InvoiceAmount(1, 20) == 0);      // 0.333...
  }
  SECTION("1 JPY an hour and 0.001 KWD an hour over a full 168-hour week") {
    CHECK(InvoiceAmount(168 * 60, 1) == 168);
    CHECK(InvoiceAmount(61, 1) == 1);  // 1.0166...
  }
  SECTION("the largest week at the largest rate does not overflow") {
    // 168 hours at 10,000.000 KWD an hour.
    CHECK(InvoiceAmount(168 * 60, 10'000'000) == 1'680'000'000);
  }
}

}  // namespace
}  // namespace market::escrow
