// The words the demo data is made of: countries with their currency, language, city and time
// zone; fields of work, each with its skills, the things clients ask for and the tasks they
// involve; industries and kinds of organisation. Real words, so full-text search over the
// generated jobs, profiles and offers behaves as it would on real ones.
#pragma once

#include <span>
#include <string_view>

namespace market::listings::demo {

struct DemoCountry {
  std::string_view code;      // ISO 3166-1 alpha-2
  std::string_view currency;  // ISO 4217, in the money table
  std::string_view language;  // ISO 639-1
  std::string_view city;
  std::string_view timezone;
  // Roughly how many units of the currency one US dollar buys, as an exact decimal: the demo's
  // FX rates, and the scale of its amounts.
  std::string_view units_per_usd;
};

struct Field {
  std::string_view name;
  std::span<const std::string_view> skills;
  std::span<const std::string_view> artifacts;  // "a customer portal"
  std::span<const std::string_view> tasks;      // "set up continuous deployment"
};

std::span<const DemoCountry> Countries();
std::span<const Field> Fields();
std::span<const std::string_view> Industries();
std::span<const std::string_view> Organisations();
std::span<const std::string_view> Actions();  // "Build", "Migrate", ...

}  // namespace market::listings::demo
