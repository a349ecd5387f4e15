// Exec: a statement that runs often, run as a prepared statement of the transaction's
// connection, so that PostgreSQL parses, analyses and plans it once per connection instead of at
// every call (on short OLTP statements that is about a third of the server's work).
//
//   inline constexpr std::string_view kLockWallet = "SELECT ... WHERE id = $1 FOR UPDATE";
//   const pqxx::result rows = pg::Exec(tx, kLockWallet, wallet_id);
//   const pqxx::row row = pg::Exec1(tx, kInsertTransfer, kind, amount);   // exactly one row
//
// The statement is named after its text, defined on the connection the first time and prepared
// by the server on first use; a new connection (after a lost one) prepares it again. The server
// re-plans it when the tables it reads change or the search_path differs.
//
// Meant for fixed statements on indexed paths. Statements whose best plan depends on the values
// (search with optional filters) stay with exec_params: after a few runs the server may settle
// on one generic plan for all values.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <pqxx/result>
#include <pqxx/transaction>

namespace market::pg {
namespace internal {

// Defines the statement on tx's connection under a name derived from its text (once per
// connection) and returns the name.
std::string DefinePrepared(pqxx::work& tx, std::string_view sql);

}  // namespace internal

template <typename... Args>
pqxx::result Exec(pqxx::work& tx, std::string_view sql, Args&&... args) {
  return tx.exec_prepared(internal::DefinePrepared(tx, sql), std::forward<Args>(args)...);
}

// Exactly one row, or pqxx::unexpected_rows as exec_params1 throws.
template <typename... Args>
pqxx::row Exec1(pqxx::work& tx, std::string_view sql, Args&&... args) {
  return tx.exec_prepared1(internal::DefinePrepared(tx, sql), std::forward<Args>(args)...);
}

}  // namespace market::pg
