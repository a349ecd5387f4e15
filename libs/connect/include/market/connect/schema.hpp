// Schema lookups: the generated descriptor pool is the one source of truth for which methods
// exist, what they take and return, and whether they are safe to repeat.
//
//   const auto& method = market::connect::FindUnaryMethod(
//       "grpc.health.v1.Health", "Check", *HealthCheckRequest::descriptor(),
//       *HealthCheckResponse::descriptor());
//   bool cacheable = market::connect::HasNoSideEffects(method);  // true: GET is allowed
#pragma once

#include <string_view>

namespace google::protobuf {
class Descriptor;
class MethodDescriptor;
}  // namespace google::protobuf

namespace market::connect {

// The unary method `method` of `service_full_name` ("grpc.health.v1.Health") in the generated
// pool. Throws std::logic_error, a wiring bug, when the service or method does not exist, the
// method streams, or its request or response type is not the given one.
const google::protobuf::MethodDescriptor& FindUnaryMethod(
    std::string_view service_full_name, std::string_view method,
    const google::protobuf::Descriptor& request_type,
    const google::protobuf::Descriptor& response_type);

// `option idempotency_level = NO_SIDE_EFFECTS;`: the method may be called with GET.
bool HasNoSideEffects(const google::protobuf::MethodDescriptor& method);
// NO_SIDE_EFFECTS or IDEMPOTENT: repeating the call changes nothing, so a failed attempt may be
// retried.
bool IsIdempotent(const google::protobuf::MethodDescriptor& method);

}  // namespace market::connect
