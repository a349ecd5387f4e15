#include "market/connect/schema.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <stdexcept>
#include <string>

namespace market::connect {

const google::protobuf::MethodDescriptor& FindUnaryMethod(
    std::string_view service_full_name, std::string_view method,
    const google::protobuf::Descriptor& request_type,
    const google::protobuf::Descriptor& response_type) {
  const std::string procedure = std::string(service_full_name) + "/" + std::string(method);
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      std::string(service_full_name));
  if (service == nullptr) {
    throw std::logic_error("no service " + std::string(service_full_name) + " in the schema");
  }
  const auto* descriptor = service->FindMethodByName(std::string(method));
  if (descriptor == nullptr) throw std::logic_error("no method " + procedure + " in the schema");
  if (descriptor->client_streaming() || descriptor->server_streaming()) {
    throw std::logic_error(procedure + " streams; only unary methods are served");
  }
  if (descriptor->input_type() != &request_type) {
    throw std::logic_error(procedure + " takes " + descriptor->input_type()->full_name() +
                           ", not " + request_type.full_name());
  }
  if (descriptor->output_type() != &response_type) {
    throw std::logic_error(procedure + " returns " + descriptor->output_type()->full_name() +
                           ", not " + response_type.full_name());
  }
  return *descriptor;
}

bool HasNoSideEffects(const google::protobuf::MethodDescriptor& method) {
  return method.options().idempotency_level() == google::protobuf::MethodOptions::NO_SIDE_EFFECTS;
}

bool IsIdempotent(const google::protobuf::MethodDescriptor& method) {
  const auto level = method.options().idempotency_level();
  return level == google::protobuf::MethodOptions::NO_SIDE_EFFECTS ||
         level == google::protobuf::MethodOptions::IDEMPOTENT;
}

}  // namespace market::connect
