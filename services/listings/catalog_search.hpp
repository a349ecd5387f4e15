// The SQL of SearchFreelancers and SearchOffers: full-text match and rank, filters, an amount
// range (hourly rate, price) converted at the current rates, and keyset pagination, each in one
// statement. The conversion and paging rules are those of job_search.hpp.
//
//   std::vector<FreelancerHit> hits = SearchFreelancerRows(tx, basics, page_size + 1);
#pragma once

#include <string>
#include <vector>

#include <pqxx/transaction>

#include "offer_repository.hpp"
#include "profile_repository.hpp"
#include "search_filters.hpp"

namespace market::listings {

struct FreelancerHit {
  ProfileRecord profile;  // without its portfolio, with its reputation summary
  std::int64_t seq = 0;
  std::string sort_key;
};

struct OfferHit {
  OfferRecord offer;
  std::string sort_key;
};

std::vector<FreelancerHit> SearchFreelancerRows(pqxx::work& tx, const SearchBasics& search,
                                                int limit);

// Active offers only.
std::vector<OfferHit> SearchOfferRows(pqxx::work& tx, const SearchBasics& search, int limit);

}  // namespace market::listings
