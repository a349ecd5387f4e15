#include "ledger.hpp"

#include <stdexcept>

#include "market/common/status.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::escrow {
namespace {

// Money rule 3: every touched account locked in id order (so two transfers over the same
// accounts never deadlock), and read under the lock. Accounts come into being on first use, in
// the same statement: the existing ones are locked by `locked`, the missing ones inserted by
// `created` (the two parts cannot see each other's rows, so none is both). A concurrent creator
// of the same account makes `created` skip it; LockAccounts then runs this statement again. The
// outer UNION ALL reads `locked` to the end before `created` runs, so the existing accounts are
// locked before any new one is made, the order the separate statements had. The
// "owner = ANY" conditions keep the plans index probes whatever the planner guesses of unnest.
inline constexpr std::string_view kLockAccounts = R"(
  WITH k AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS k(kind, owner, currency)),
  locked AS (
    SELECT a.id, a.kind, a.owner, a.currency, a.balance
    FROM accounts a JOIN k USING (kind, owner, currency)
    WHERE a.owner = ANY ($2::text[])
    ORDER BY a.id
    FOR UPDATE OF a),
  created AS (
    INSERT INTO accounts (kind, owner, currency)
    SELECT k.kind, k.owner, k.currency FROM k
    WHERE NOT EXISTS (SELECT 1 FROM accounts a
                      WHERE a.kind = k.kind AND a.owner = k.owner AND a.currency = k.currency
                        AND a.owner = ANY ($2::text[]))
    ON CONFLICT (kind, owner, currency) DO NOTHING
    RETURNING id, kind, owner, currency, balance)
  SELECT * FROM locked UNION ALL SELECT * FROM created)";

// The transfers take their ids from the sequence first (`ids`, materialized so that each
// ordinal draws once), so each leg can name its transfer by ordinal. Balances move by each
// account's sum over the whole batch: an UPDATE changes a row at most once per statement. The
// "id = ANY" condition repeats the join's as an index condition: the planner guesses a hundred
// rows for an unnest and would rather hash the whole accounts table than probe it.
inline constexpr std::string_view kAppendTransfers = R"(
  WITH ids AS MATERIALIZED (
    SELECT ord, nextval('transfers_id_seq') AS id
    FROM generate_series(1, cardinality($1::text[])) AS ord),
  t AS (
    INSERT INTO transfers (id, kind, contract_id, milestone_id)
    SELECT ids.id, u.kind, NULLIF(u.contract_id, '')::uuid, NULLIF(u.milestone_id, '')::uuid
    FROM unnest($1::text[], $2::text[], $3::text[])
           WITH ORDINALITY AS u(kind, contract_id, milestone_id, ord)
    JOIN ids USING (ord)),
  l AS (
    INSERT INTO legs (transfer_id, account_id, currency, amount)
    SELECT ids.id, u.account_id, u.currency, u.amount
    FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::bigint[])
           AS u(ord, account_id, currency, amount)
    JOIN ids USING (ord)),
  b AS (
    UPDATE accounts SET balance = balance + s.amount
    FROM (SELECT account_id, sum(amount) AS amount
          FROM unnest($5::bigint[], $7::bigint[]) AS u(account_id, amount)
          GROUP BY account_id) AS s
    WHERE accounts.id = s.account_id AND accounts.id = ANY ($5::bigint[]))
  SELECT id FROM ids ORDER BY ord)";

inline constexpr std::string_view kSelectBalance = R"(
  SELECT balance FROM accounts WHERE kind = $1 AND owner = $2 AND currency = $3)";

inline constexpr std::string_view kSelectWallets = R"(
  SELECT currency, balance FROM accounts WHERE kind = 'wallet' AND owner = $1
  ORDER BY currency)";

AccountKind KindFromName(std::string_view name) {
  for (const AccountKind kind :
       {AccountKind::kWallet, AccountKind::kEscrow, AccountKind::kFeeRevenue,
        AccountKind::kFundingClearing, AccountKind::kPayoutClearing, AccountKind::kFxLiquidity,
        AccountKind::kRounding, AccountKind::kWithholding}) {
    if (AccountKindName(kind) == name) return kind;
  }
  throw std::logic_error("unknown account kind in the ledger");
}

bool MustStayCovered(AccountKind kind) {
  return kind == AccountKind::kWallet || kind == AccountKind::kEscrow;
}

}  // namespace

std::string_view AccountKindName(AccountKind kind) {
  switch (kind) {
    case AccountKind::kWallet:
      return "wallet";
    case AccountKind::kEscrow:
      return "escrow";
    case AccountKind::kFeeRevenue:
      return "fee_revenue";
    case AccountKind::kFundingClearing:
      return "funding_clearing";
    case AccountKind::kPayoutClearing:
      return "payout_clearing";
    case AccountKind::kFxLiquidity:
      return "fx_liquidity";
    case AccountKind::kRounding:
      return "rounding";
    case AccountKind::kWithholding:
      return "withholding";
  }
  return "unknown";
}

AccountKey Wallet(std::string user_id, std::string currency) {
  return {AccountKind::kWallet, std::move(user_id), std::move(currency)};
}
AccountKey Escrow(std::string contract_id, std::string currency) {
  return {AccountKind::kEscrow, std::move(contract_id), std::move(currency)};
}
AccountKey Platform(AccountKind kind, std::string currency, std::string_view shard_key) {
  std::uint32_t hash = 2166136261u;  // FNV-1a: stable across processes and releases
  for (const char c : shard_key) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return {kind, "shard-" + std::to_string(hash % kPlatformAccountShards), std::move(currency)};
}

StatusOr<NetLegs> NetOf(const TransferSpec& spec) {
  NetLegs net;
  std::map<std::string, __int128> per_currency;
  for (const Leg& leg : spec.legs) {
    if (__builtin_add_overflow(net[leg.account], leg.amount, &net[leg.account])) {
      return OutOfRangeError("amount: the transfer leaves the representable range");
    }
    per_currency[leg.account.currency] += leg.amount;
  }
  for (const auto& [currency, sum] : per_currency) {
    if (sum != 0) return InternalError("an unbalanced transfer was refused");
  }
  std::erase_if(net, [](const auto& entry) { return entry.second == 0; });
  if (net.empty()) return InternalError("an empty transfer was refused");
  return net;
}

StatusOr<LockedAccounts> LockAccounts(pqxx::work& tx, const std::set<AccountKey>& accounts) {
  std::vector<std::string> kinds, owners, currencies;
  for (const AccountKey& account : accounts) {
    kinds.emplace_back(AccountKindName(account.kind));
    owners.push_back(account.owner);
    currencies.push_back(account.currency);
  }
  const std::string kinds_literal = pg::ToArrayLiteral(kinds);
  const std::string owners_literal = pg::ToArrayLiteral(owners);
  const std::string currencies_literal = pg::ToArrayLiteral(currencies);
  LockedAccounts locked;
  // The second round only follows a concurrent creation of one of the accounts, which has
  // committed by then (the insert waited for it), so the plain lock part finds it.
  for (int round = 0; round < 2 && locked.size() != accounts.size(); ++round) {
    locked.clear();
    for (const auto& row :
         pg::Exec(tx, kLockAccounts, kinds_literal, owners_literal, currencies_literal)) {
      locked[{KindFromName(row["kind"].as<std::string>()), row["owner"].as<std::string>(),
              row["currency"].as<std::string>()}] = {row["id"].as<std::int64_t>(),
                                                     row["balance"].as<std::int64_t>()};
    }
  }
  if (locked.size() != accounts.size()) {
    return InternalError("a ledger account could not be locked");
  }
  return locked;
}

StatusOr<std::map<AccountKey, std::int64_t>> ApplyNet(const NetLegs& net,
                                                      LockedAccounts& accounts) {
  std::map<AccountKey, std::int64_t> after;
  for (const auto& [key, amount] : net) {
    const auto found = accounts.find(key);
    if (found == accounts.end()) return InternalError("a ledger account was not locked");
    const std::int64_t balance = found->second.balance;
    std::int64_t moved = 0;
    if (__builtin_add_overflow(balance, amount, &moved)) {
      return OutOfRangeError("amount: the balance would leave the representable range");
    }
    if (moved < 0 && MustStayCovered(key.kind)) {
      return FailedPreconditionError("insufficient funds: the " +
                                     std::string(AccountKindName(key.kind)) + " holds " +
                                     std::to_string(balance) + " minor units of " + key.currency +
                                     ", " + std::to_string(-amount) + " are needed");
    }
    after[key] = moved;
  }
  for (const auto& [key, balance] : after) accounts[key].balance = balance;
  return after;
}

std::vector<std::int64_t> AppendTransfers(pqxx::work& tx,
                                          const std::vector<TransferToAppend>& transfers,
                                          const LockedAccounts& accounts) {
  std::vector<std::string> kinds, contracts, milestones;
  std::vector<std::string> ordinals, account_ids, currencies, amounts;
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    kinds.push_back(transfers[i].spec->kind);
    contracts.push_back(transfers[i].spec->contract_id);
    milestones.push_back(transfers[i].spec->milestone_id);
    for (const auto& [key, amount] : *transfers[i].net) {
      ordinals.push_back(std::to_string(i + 1));
      account_ids.push_back(std::to_string(accounts.at(key).id));
      currencies.push_back(key.currency);
      amounts.push_back(std::to_string(amount));
    }
  }
  std::vector<std::int64_t> ids;
  ids.reserve(transfers.size());
  for (const auto& row : pg::Exec(tx, kAppendTransfers, pg::ToArrayLiteral(kinds),
                                  pg::ToArrayLiteral(contracts), pg::ToArrayLiteral(milestones),
                                  pg::ToArrayLiteral(ordinals), pg::ToArrayLiteral(account_ids),
                                  pg::ToArrayLiteral(currencies), pg::ToArrayLiteral(amounts))) {
    ids.push_back(row["id"].as<std::int64_t>());
  }
  return ids;
}

StatusOr<PostedTransfer> PostTransfer(pqxx::work& tx, const TransferSpec& spec) {
  MARKET_ASSIGN_OR_RETURN(const NetLegs net, NetOf(spec));
  std::set<AccountKey> keys;
  for (const auto& entry : net) keys.insert(entry.first);
  MARKET_ASSIGN_OR_RETURN(LockedAccounts accounts, LockAccounts(tx, keys));
  PostedTransfer posted;
  MARKET_ASSIGN_OR_RETURN(posted.balances, ApplyNet(net, accounts));
  posted.id = AppendTransfers(tx, {{&spec, &net}}, accounts).front();
  return posted;
}

std::int64_t BalanceOf(pqxx::work& tx, const AccountKey& account) {
  const pqxx::result rows = pg::Exec(tx, kSelectBalance, std::string(AccountKindName(account.kind)),
                                     account.owner, account.currency);
  return rows.empty() ? 0 : rows[0]["balance"].as<std::int64_t>();
}

std::vector<std::pair<std::string, std::int64_t>> WalletsOf(pqxx::work& tx,
                                                            const std::string& user_id) {
  std::vector<std::pair<std::string, std::int64_t>> wallets;
  for (const auto& row : pg::Exec(tx, kSelectWallets, user_id)) {
    wallets.emplace_back(row["currency"].as<std::string>(), row["balance"].as<std::int64_t>());
  }
  return wallets;
}

}  // namespace market::escrow
