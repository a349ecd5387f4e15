#include "ledger.hpp"

#include <stdexcept>

#include "market/common/status.hpp"
#include "market/pg/arrays.hpp"
#include "market/pg/prepared.hpp"

namespace market::escrow {
namespace {

// Accounts come into being on first use; a concurrent creator makes this a no-op.
inline constexpr std::string_view kEnsureAccounts = R"(
  INSERT INTO accounts (kind, owner, currency)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
  ON CONFLICT (kind, owner, currency) DO NOTHING)";

// Money rule 3: every touched account locked in id order (so two transfers over the same
// accounts never deadlock), and read under the lock.
inline constexpr std::string_view kLockAccounts = R"(
  SELECT a.id, a.kind, a.owner, a.currency, a.balance
  FROM accounts a
  JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(kind, owner, currency)
    ON a.kind = k.kind AND a.owner = k.owner AND a.currency = k.currency
  ORDER BY a.id
  FOR UPDATE OF a)";

inline constexpr std::string_view kAppendTransfer = R"(
  WITH t AS (
    INSERT INTO transfers (kind, contract_id, milestone_id)
    VALUES ($1, NULLIF($2, '')::uuid, NULLIF($3, '')::uuid)
    RETURNING id),
  l AS (
    INSERT INTO legs (transfer_id, account_id, currency, amount)
    SELECT t.id, u.account_id, u.currency, u.amount
    FROM t, unnest($4::bigint[], $5::text[], $6::bigint[]) AS u(account_id, currency, amount)),
  b AS (
    UPDATE accounts SET balance = balance + u.amount
    FROM unnest($4::bigint[], $6::bigint[]) AS u(account_id, amount)
    WHERE accounts.id = u.account_id)
  SELECT id FROM t)";

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

StatusOr<PostedTransfer> PostTransfer(pqxx::work& tx, const TransferSpec& spec) {
  // One leg per account: amounts for the same account are added up, zeros dropped.
  std::map<AccountKey, std::int64_t> net;
  std::map<std::string, __int128> per_currency;
  for (const Leg& leg : spec.legs) {
    net[leg.account] += leg.amount;
    per_currency[leg.account.currency] += leg.amount;
  }
  for (const auto& [currency, sum] : per_currency) {
    if (sum != 0) return InternalError("an unbalanced transfer was refused");
  }
  std::erase_if(net, [](const auto& entry) { return entry.second == 0; });
  if (net.empty()) return InternalError("an empty transfer was refused");

  std::vector<std::string> kinds, owners, currencies;
  for (const auto& [account, amount] : net) {
    kinds.emplace_back(AccountKindName(account.kind));
    owners.push_back(account.owner);
    currencies.push_back(account.currency);
  }
  const std::string kinds_literal = pg::ToArrayLiteral(kinds);
  const std::string owners_literal = pg::ToArrayLiteral(owners);
  const std::string currencies_literal = pg::ToArrayLiteral(currencies);
  // Not prepared (pg::Exec): a generic plan cannot know how many accounts the arrays hold, and
  // this lock's plan must stay an index probe per account.
  pqxx::result locked =
      tx.exec_params(std::string(kLockAccounts), kinds_literal, owners_literal, currencies_literal);
  // Accounts are made on first use only, so the usual transfer costs one round trip less.
  if (locked.size() != net.size()) {
    tx.exec_params(std::string(kEnsureAccounts), kinds_literal, owners_literal, currencies_literal);
    locked = tx.exec_params(std::string(kLockAccounts), kinds_literal, owners_literal,
                            currencies_literal);
  }
  if (locked.size() != net.size()) return InternalError("a ledger account could not be locked");

  PostedTransfer posted;
  std::vector<std::string> account_ids, amounts;
  std::vector<std::string> leg_currencies;
  for (const auto& row : locked) {
    const AccountKey key{KindFromName(row["kind"].as<std::string>()),
                         row["owner"].as<std::string>(), row["currency"].as<std::string>()};
    const std::int64_t amount = net.at(key);
    const std::int64_t balance = row["balance"].as<std::int64_t>();
    std::int64_t after = 0;
    if (__builtin_add_overflow(balance, amount, &after)) {
      return OutOfRangeError("amount: the balance would leave the representable range");
    }
    if (after < 0 && MustStayCovered(key.kind)) {
      return FailedPreconditionError("insufficient funds: the " +
                                     std::string(AccountKindName(key.kind)) + " holds " +
                                     std::to_string(balance) + " minor units of " + key.currency +
                                     ", " + std::to_string(-amount) + " are needed");
    }
    account_ids.push_back(row["id"].as<std::string>());
    amounts.push_back(std::to_string(amount));
    leg_currencies.push_back(key.currency);
    posted.balances[key] = after;
  }
  posted.id = pg::Exec1(tx, kAppendTransfer, spec.kind, spec.contract_id, spec.milestone_id,
                        pg::ToArrayLiteral(account_ids), pg::ToArrayLiteral(leg_currencies),
                        pg::ToArrayLiteral(amounts))["id"]
                  .as<std::int64_t>();
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
