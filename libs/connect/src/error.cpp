#include "market/connect/error.hpp"

#include <boost/json.hpp>

#include "market/common/base64url.hpp"
#include "market/connect/codec.hpp"

namespace market::connect {
namespace {

boost::json::array DetailsJson(const std::vector<ErrorDetail>& details) {
  boost::json::array array;
  array.reserve(details.size());
  for (const ErrorDetail& detail : details) {
    array.push_back(
        boost::json::object{{"type", detail.type}, {"value", Base64Encode(detail.value)}});
  }
  return array;
}

std::string_view Text(const boost::json::string& text) { return {text.data(), text.size()}; }

// The well-formed entries of a "details" member; anything else in it is skipped, since a
// detail only adds to the code and message and must not cost the caller the error itself.
void ReadDetails(const boost::json::value* details, Status& status) {
  if (details == nullptr || !details->is_array()) return;
  for (const boost::json::value& entry : details->get_array()) {
    const auto* object = entry.if_object();
    if (object == nullptr) continue;
    const auto* type = object->if_contains("type");
    const auto* value = object->if_contains("value");
    if (type == nullptr || !type->is_string() || type->get_string().empty()) continue;
    if (value == nullptr || !value->is_string()) continue;
    auto bytes = Base64Decode(Text(value->get_string()), Base64Decoding::kLenient);
    if (!bytes) continue;
    status.AddDetail(ErrorDetail{std::string(Text(type->get_string())), std::move(*bytes)});
  }
}

}  // namespace

std::string ErrorBody(const Status& status) {
  boost::json::object body;
  body["code"] = CodeName(status.ok() ? StatusCode::kUnknown : status.code());
  if (!status.message().empty()) body["message"] = status.message();
  if (!status.details().empty()) body["details"] = DetailsJson(status.details());
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
    if (auto known = CodeFromName(Text(name->get_string())); known && *known != StatusCode::kOk) {
      code = *known;
      has_code = true;
    }
  }
  std::string message;
  if (const auto* text = object.if_contains("message"); text != nullptr && text->is_string()) {
    message = Text(text->get_string());
  }
  if (!has_code && message.empty()) return fallback;
  Status status(code, std::move(message));
  ReadDetails(object.if_contains("details"), status);
  return status;
}

}  // namespace market::connect
