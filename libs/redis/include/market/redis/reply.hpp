// Reply: an owned copy of one Redis reply, free of hiredis types.
//
// A Client turns every hiredis reply tree into a Reply before it frees it, so callers never hold
// a pointer into hiredis memory:
//
//   market::redis::Reply reply = *client.Command({"XLEN", "market.events.escrow"});
//   if (reply.type == market::redis::Reply::Type::kInteger) Use(reply.integer);
//
// Error replies nested in arrays (the result of EXEC, for example) stay Replies of type kError;
// only a top-level error reply becomes a Status (see client.hpp).
#pragma once

#include <string>
#include <vector>

namespace market::redis {

struct Reply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };

  Type type = Type::kNil;
  // The bytes of a string, the text of a status or of an error; binary safe.
  std::string text;
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::kNil; }
};

}  // namespace market::redis
