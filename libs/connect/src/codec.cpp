#include "market/connect/codec.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include "market/common/text.hpp"

namespace market::connect {
namespace {

// Content-Type parameters are separated by optional white space (RFC 9110 section 5.6.6).
std::string_view Trim(std::string_view value) { return text::Trim(value, text::kHttpWhiteSpace); }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (text::ToLowerAscii(a[i]) != text::ToLowerAscii(b[i])) return false;
  }
  return true;
}

// A media-type parameter list is acceptable for JSON when it is empty or just charset=utf-8
// (RFC 9110 section 8.3.1: names and the charset value are case-insensitive, values may be quoted).
bool JsonParametersAcceptable(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto end = parameters.find(';');
    const std::string_view parameter = Trim(parameters.substr(0, end));
    parameters = end == std::string_view::npos ? std::string_view{} : parameters.substr(end + 1);
    if (parameter.empty()) continue;
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos) return false;
    const std::string_view name = Trim(parameter.substr(0, equals));
    std::string_view value = Trim(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!EqualsIgnoringCase(name, "charset") || !EqualsIgnoringCase(value, "utf-8")) return false;
  }
  return true;
}

// Well-known types have JSON forms of their own (a Timestamp is a string, a Value may be null),
// so only other messages may take the "{}" shortcuts.
bool IsPlainMessage(const google::protobuf::Message& message) {
  return message.GetDescriptor()->well_known_type() ==
         google::protobuf::Descriptor::WELLKNOWNTYPE_UNSPECIFIED;
}

}  // namespace

std::string_view ContentTypeFor(Codec codec) {
  return codec == Codec::kProto ? "application/proto" : "application/json";
}

std::string_view CodecName(Codec codec) { return codec == Codec::kProto ? "proto" : "json"; }

std::optional<Codec> CodecForContentType(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  const std::string_view media_type = Trim(content_type.substr(0, semicolon));
  const std::string_view parameters =
      semicolon == std::string_view::npos ? std::string_view{} : content_type.substr(semicolon + 1);
  if (EqualsIgnoringCase(media_type, "application/proto")) {
    if (!Trim(parameters).empty()) return std::nullopt;
    return Codec::kProto;
  }
  if (EqualsIgnoringCase(media_type, "application/json") && JsonParametersAcceptable(parameters)) {
    return Codec::kJson;
  }
  return std::nullopt;
}

std::optional<Codec> CodecForName(std::string_view name) {
  if (name == "proto") return Codec::kProto;
  if (name == "json") return Codec::kJson;
  return std::nullopt;
}

Status DecodeMessage(Codec codec, std::string_view data, google::protobuf::Message& message) {
  if (codec == Codec::kProto) {
    if (!message.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return InvalidArgumentError("message is not a valid binary " +
                                  message.GetDescriptor()->full_name());
    }
    return OkStatus();
  }
  const std::string_view json = Trim(data);
  if (json.empty()) {
    return InvalidArgumentError("empty JSON body: send {} for a message with every field unset");
  }
  message.Clear();
  // The empty message is the most common request (health checks, list-everything calls) and the
  // general parser's set-up costs more than such a call's whole handling.
  if (json == "{}" && IsPlainMessage(message)) return OkStatus();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(data.data(), data.size()), &message, options);
  if (!status.ok()) {
    // The parser's first line says what is wrong; the lines after it draw a caret under the
    // input, which reads badly inside a JSON error body.
    const std::string_view reason(status.message().data(), status.message().size());
    return InvalidArgumentError("message is not valid JSON for " +
                                message.GetDescriptor()->full_name() + ": " +
                                std::string(Trim(reason.substr(0, reason.find('\n')))));
  }
  return OkStatus();
}

Status EncodeMessage(Codec codec, const google::protobuf::Message& message, std::string& out) {
  out.clear();
  if (codec == Codec::kProto) {
    if (!message.SerializeToString(&out)) {
      return InternalError("cannot encode " + message.GetDescriptor()->full_name());
    }
    return OkStatus();
  }
  // Canonical JSON leaves default values out, so a message with nothing set is always "{}".
  if (IsPlainMessage(message) && message.ByteSizeLong() == 0) {
    out = "{}";
    return OkStatus();
  }
  const auto status = google::protobuf::util::MessageToJsonString(message, &out);
  if (!status.ok()) {
    return InternalError("cannot encode " + message.GetDescriptor()->full_name() + " as JSON");
  }
  return OkStatus();
}

}  // namespace market::connect
