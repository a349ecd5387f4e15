#include "market/connect/error.hpp"

#include <boost/json.hpp>

#include "market/connect/codec.hpp"

namespace market::connect {

std::string ErrorBody(const Status& status) {
  boost::json::object body;
  body["code"] = CodeName(status.ok() ? StatusCode::kUnknown : status.code());
  if (!status.message().empty()) body["message"] = status.message();
  return boost::json::serialize(body);
}

Status StatusFromErrorResponse(int http_status, std::string_view content_type,
                               std::string_view body) {
  const StatusCode inferred = CodeFromHttpStatus(http_status);
  Status fallback(inferred, "upstream answered HTTP " + std::to_string(http_status));
  if (CodecForContentType(content_type) != Codec::kJson) return fallback;

  boost::json::error_code error;
  const boost::json::value parsed = boost::json::parse(body, error);
  if (error || !parsed.is_object()) return fallback;
  const boost::json::object& object = parsed.get_object();

  // A body without a recognised code still carries a message worth keeping; the code then comes
  // from the HTTP status, as connect-go and connect-es do.
  StatusCode code = inferred;
  bool has_code = false;
  if (const auto* name = object.if_contains("code"); name != nullptr && name->is_string()) {
    const auto& text = name->get_string();
    if (auto known = CodeFromName(std::string_view(text.data(), text.size()));
        known && *known != StatusCode::kOk) {
      code = *known;
      has_code = true;
    }
  }
  std::string message;
  if (const auto* text = object.if_contains("message"); text != nullptr && text->is_string()) {
    message.assign(text->get_string().data(), text->get_string().size());
  }
  if (!has_code && message.empty()) return fallback;
  return Status(code, std::move(message));
}

}  // namespace market::connect
