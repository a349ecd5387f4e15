// Ledger: the double-entry core under escrow (DESIGN.md, money rules 2, 3, 6, 8), run inside the
// caller's transaction so that the legs of one operation and the state change they pay for
// commit together or not at all.
//
//   MARKET_ASSIGN_OR_RETURN(const PostedTransfer posted, PostTransfer(tx, {
//       .kind = "fund", .contract_id = contract.id, .milestone_id = milestone.id,
//       .legs = {{Wallet(client_id, "EUR"), -amount}, {Escrow(contract.id, "EUR"), amount}}}));
//
// PostTransfer locks every account it touches in id order (one statement, which also creates
// the accounts not yet used), checks under those locks that no wallet or escrow balance would go
// negative, then appends the transfer and its legs and moves the balances in a second
// statement. The database refuses an unbalanced transfer and any UPDATE or DELETE of transfers
// and legs (migrations/001_ledger.sql, 008_ledger_statement_checks.sql).
//
// The steps are also offered one by one, for a batch of movements that posts many transfers
// with one lock statement and one append statement (movement_batch.hpp):
//   NetOf each spec; LockAccounts over all of them; ApplyNet each in turn (a refused one leaves
//   the balances as they were); AppendTransfers for the accepted ones.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction>

#include "market/common/statusor.hpp"

namespace market::escrow {

enum class AccountKind {
  kWallet,           // per user and currency: money the user holds with us
  kEscrow,           // per contract: money held for its milestones
  kFeeRevenue,       // the platform's fees
  kFundingClearing,  // money in from the payment provider
  kPayoutClearing,   // money out to payout providers
  kFxLiquidity,      // per currency: the side of each conversion
  kRounding,         // what rounding leaves over, per currency
  kWithholding,      // per currency: tax withheld at release, held for remittance
};

// "wallet", "escrow", "fee_revenue", ...: the kind column.
std::string_view AccountKindName(AccountKind kind);

struct AccountKey {
  AccountKind kind;
  std::string owner;  // user id (wallet), contract id (escrow), "shard-<n>" (platform)
  std::string currency;

  friend auto operator<=>(const AccountKey&, const AccountKey&) = default;
};

AccountKey Wallet(std::string user_id, std::string currency);
AccountKey Escrow(std::string contract_id, std::string currency);

// Every platform account (fee revenue, clearing, FX liquidity, rounding) is split into this many
// sub-accounts per currency, owners "shard-0" to "shard-15": one row written by every release
// would make all releases wait on each other's row lock. `shard_key` (a contract's or user's
// id) picks the shard, so one contract's movements stay on one. Reports add the shards up.
inline constexpr int kPlatformAccountShards = 16;
AccountKey Platform(AccountKind kind, std::string currency, std::string_view shard_key);

struct Leg {
  AccountKey account;
  std::int64_t amount;  // added to the account's balance
};

struct TransferSpec {
  std::string kind;          // top_up, fund, release, refund, payout, payout_reversal
  std::string contract_id;   // "" when none
  std::string milestone_id;  // "" when none
  std::vector<Leg> legs;
};

struct PostedTransfer {
  std::int64_t id = 0;
  // Every touched account's balance after the transfer.
  std::map<AccountKey, std::int64_t> balances;
};

// A transfer's legs netted per account, zero nets dropped.
using NetLegs = std::map<AccountKey, std::int64_t>;

// internal when the legs do not balance per currency or net to nothing (a bug in the caller).
StatusOr<NetLegs> NetOf(const TransferSpec& spec);

struct LockedAccount {
  std::int64_t id = 0;
  std::int64_t balance = 0;
};
using LockedAccounts = std::map<AccountKey, LockedAccount>;

// Locks `accounts` in id order and reads their balances under the locks; the accounts not used
// before are created in the same statement (new rows are the creator's until it commits).
StatusOr<LockedAccounts> LockAccounts(pqxx::work& tx, const std::set<AccountKey>& accounts);

// Adds `net` to the locked balances and returns each touched account's balance after it.
// out_of_range when a balance would leave the int64 range; failed_precondition "insufficient
// funds ..." when a wallet or escrow balance would go negative. On error nothing changes.
StatusOr<std::map<AccountKey, std::int64_t>> ApplyNet(const NetLegs& net, LockedAccounts& accounts);

struct TransferToAppend {
  const TransferSpec* spec;
  const NetLegs* net;
};

// Appends the transfers and their legs and adds the legs to the stored balances, in one
// statement; returns the transfers' ids in order. Every account must be in `accounts`.
std::vector<std::int64_t> AppendTransfers(pqxx::work& tx,
                                          const std::vector<TransferToAppend>& transfers,
                                          const LockedAccounts& accounts);

// internal when the legs do not balance per currency (a bug in the caller). failed_precondition
// "insufficient funds ..." when a wallet or escrow balance would go negative; nothing is
// written then.
StatusOr<PostedTransfer> PostTransfer(pqxx::work& tx, const TransferSpec& spec);

// The account's balance, 0 when it does not exist yet. Not locked.
std::int64_t BalanceOf(pqxx::work& tx, const AccountKey& account);

// The user's wallets as (currency, balance), by currency.
std::vector<std::pair<std::string, std::int64_t>> WalletsOf(pqxx::work& tx,
                                                            const std::string& user_id);

}  // namespace market::escrow
