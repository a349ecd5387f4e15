// Connect error bodies: how a non-OK Status is written to and read from the wire.
//
// A unary error is a non-200 response whose status comes from the code (HttpStatusFor) and
// whose JSON body names the code, carries the message and lists the status's details
// (connectrpc.com/docs/protocol, "Error Codes" and "Error and EndStreamResponse"):
//
//   std::string body = market::connect::ErrorBody(market::NotFoundError("job 7: no such job"));
//   // {"code":"not_found","message":"job 7: no such job"}
//   market::Status status =
//       market::connect::StatusFromErrorResponse(404, "application/json", body);
//   // status == NotFoundError("job 7: no such job")
//
// A detail is written as {"type":"google.rpc.BadRequest","value":"<base64>"}: the message's
// full name and its binary encoding in standard base64 without padding, as connect-go writes
// it; padded values are read as well. market/connect/error_details.hpp builds and reads them.
#pragma once

#include <string>
#include <string_view>

#include "market/common/status.hpp"

namespace market::connect {

// The JSON error body for a non-OK `status`; "message" is left out when the status has none,
// "details" when it has none.
std::string ErrorBody(const Status& status);

// The Status a client sees for a non-200 response: the code, message and details of a Connect
// JSON error body when there is one, else the code the spec infers from the HTTP status
// (CodeFromHttpStatus) with a message naming that status. Never OK. Details that are not an
// object with a string "type" and a base64 "value" are skipped.
Status StatusFromErrorResponse(int http_status, std::string_view content_type,
                               std::string_view body);

}  // namespace market::connect
