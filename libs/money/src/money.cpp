#include "market/money/money.hpp"

#include <cctype>
#include <limits>

#include "market/common/text.hpp"

namespace market::money {
namespace {

StatusOr<Currency> LookupCurrency(std::string_view code) {
  if (code.empty()) return InvalidArgumentError("currency: is required");
  if (auto currency = FindCurrency(code)) return *currency;
  std::string upper(code);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string message = "currency: unknown ISO 4217 code " + text::Quoted(code, 16);
  if (FindCurrency(upper)) message += " (codes are upper case)";
  return InvalidArgumentError(std::move(message));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// magnitude * 10 + digit, false on overflow of the largest magnitude int64 can hold (2^63).
bool AppendDigit(std::uint64_t& magnitude, char digit) {
  constexpr std::uint64_t kMax = std::uint64_t{1} << 63;
  const std::uint64_t value = static_cast<std::uint64_t>(digit - '0');
  if (magnitude > (kMax - value) / 10) return false;
  magnitude = magnitude * 10 + value;
  return true;
}

}  // namespace

StatusOr<Money> Money::Of(std::string_view currency, std::int64_t minor_units) {
  MARKET_ASSIGN_OR_RETURN(const Currency found, LookupCurrency(currency));
  return Money(std::string(found.code), found.exponent, minor_units);
}

StatusOr<Money> Money::FromProto(const market::common::v1::Money& proto,
                                 std::string_view field_name) {
  auto money = Of(proto.currency(), proto.minor_units());
  if (!money.ok()) {
    return Status(money.status().code(), std::string(field_name) + "." + money.status().message());
  }
  return money;
}

StatusOr<Money> Money::Parse(std::string_view decimal, std::string_view currency) {
  MARKET_ASSIGN_OR_RETURN(const Currency found, LookupCurrency(currency));
  const std::string got = ", got " + text::Quoted(decimal, 32);
  const auto syntax_error = [&] {
    return InvalidArgumentError("amount: must be a decimal number such as \"12.34\"" + got);
  };

  std::string_view rest = decimal;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  const auto dot = rest.find('.');
  const std::string_view whole = rest.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  const auto all_digits = [](std::string_view part) {
    for (const char c : part) {
      if (!IsDigit(c)) return false;
    }
    return true;
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    return syntax_error();
  }
  if (fraction.size() > static_cast<std::size_t>(found.exponent)) {
    if (found.exponent == 0) {
      return InvalidArgumentError("amount: must be a whole number for " + std::string(found.code) +
                                  got);
    }
    return InvalidArgumentError("amount: at most " + std::to_string(found.exponent) +
                                " decimal places for " + std::string(found.code) + got);
  }

  std::uint64_t magnitude = 0;
  bool fits = true;
  for (const char c : whole) fits = fits && AppendDigit(magnitude, c);
  for (int i = 0; i < found.exponent; ++i) {
    const char digit = static_cast<std::size_t>(i) < fraction.size() ? fraction[i] : '0';
    fits = fits && AppendDigit(magnitude, digit);
  }
  constexpr std::uint64_t kMaxPositive = std::numeric_limits<std::int64_t>::max();
  if (!fits || (!negative && magnitude > kMaxPositive)) {
    return InvalidArgumentError("amount: out of range for " + std::string(found.code) + got);
  }
  // Two's complement negation in unsigned arithmetic reaches INT64_MIN without overflow.
  const std::int64_t minor_units =
      negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return Money(std::string(found.code), found.exponent, minor_units);
}

market::common::v1::Money Money::ToProto() const {
  market::common::v1::Money proto;
  proto.set_currency(currency_);
  proto.set_minor_units(minor_units_);
  return proto;
}

std::string Money::ToDecimalString() const {
  const bool negative = minor_units_ < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(minor_units_)
                                           : static_cast<std::uint64_t>(minor_units_);
  std::string digits = std::to_string(magnitude);
  const auto exponent = static_cast<std::size_t>(exponent_);
  if (exponent > 0) {
    if (digits.size() <= exponent) digits.insert(0, exponent + 1 - digits.size(), '0');
    digits.insert(digits.size() - exponent, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

StatusOr<Money> Money::Add(const Money& other) const {
  if (other.currency_ != currency_) {
    return InvalidArgumentError("currency: cannot add " + other.currency_ + " to " + currency_);
  }
  std::int64_t sum = 0;
  if (__builtin_add_overflow(minor_units_, other.minor_units_, &sum)) {
    return OutOfRangeError("amount: the sum is out of range for " + currency_);
  }
  return Money(currency_, exponent_, sum);
}

StatusOr<Money> Money::Subtract(const Money& other) const {
  if (other.currency_ != currency_) {
    return InvalidArgumentError("currency: cannot subtract " + other.currency_ + " from " +
                                currency_);
  }
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(minor_units_, other.minor_units_, &difference)) {
    return OutOfRangeError("amount: the difference is out of range for " + currency_);
  }
  return Money(currency_, exponent_, difference);
}

StatusOr<Money> Money::Negate() const {
  if (minor_units_ == std::numeric_limits<std::int64_t>::min()) {
    return OutOfRangeError("amount: the negation is out of range for " + currency_);
  }
  return Money(currency_, exponent_, -minor_units_);
}

std::ostream& operator<<(std::ostream& out, const Money& money) {
  return out << money.ToDecimalString() << ' ' << money.currency();
}

}  // namespace market::money
