// Router: the table from Connect procedure paths to typed handlers.
//
// Services do not call Add() themselves: the registration generated from their proto
// (protoc-gen-market, `<file>.connect.h`) adds every method with the access its
// (market.auth.v1.access) option declares. Methods are checked against the generated schema when
// they are added, so a typo or a wrong message type fails at start-up, not on the first call:
//
//   auto router = std::make_shared<market::connect::Router>(&token_verifier);
//   grpc::health::v1::Register(*router, health_service);     // generated
//   market::listings::v1::Register(*router, listings_service);
//   market::connect::Server server(options, router);
//
// Before a handler runs, the call passes its method's Access (access.hpp): the token is verified
// and the role checked, or the call is refused and the handler never sees it. Handlers run on
// the server's worker pool and may block. Everything per method (path, whether GET is allowed,
// the access rule, the decode-run-encode step) is prepared here, once.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "market/auth/token.hpp"
#include "market/common/status.hpp"
#include "market/connect/access.hpp"
#include "market/connect/call_context.hpp"
#include "market/connect/codec.hpp"
#include "market/connect/schema.hpp"

namespace google::protobuf {
class MethodDescriptor;
}

namespace market::connect {

template <typename Req, typename Resp>
using UnaryHandler = std::function<Status(const CallContext&, const Req&, Resp&)>;

// Decodes a request, runs the handler, encodes its response: the typed part of a call, behind
// an interface so the server stays free of message types.
class MethodInvoker {
 public:
  virtual ~MethodInvoker() = default;
  // On success `out` holds the encoded response. Handler exceptions propagate to the caller.
  virtual Status Invoke(const CallContext& ctx, Codec codec, std::string_view payload,
                        std::string& out) const = 0;
};

template <typename Req, typename Resp>
class TypedInvoker final : public MethodInvoker {
 public:
  explicit TypedInvoker(UnaryHandler<Req, Resp> handler) : handler_(std::move(handler)) {}

  Status Invoke(const CallContext& ctx, Codec codec, std::string_view payload,
                std::string& out) const override {
    Req request;
    MARKET_RETURN_IF_ERROR(DecodeMessage(codec, payload, request));
    Resp response;
    MARKET_RETURN_IF_ERROR(handler_(ctx, request, response));
    return EncodeMessage(codec, response, out);
  }

 private:
  UnaryHandler<Req, Resp> handler_;
};

// One routable method, complete at Add() time.
struct RegisteredMethod {
  std::string procedure;  // "/grpc.health.v1.Health/Check"
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  bool get_allowed = false;  // NO_SIDE_EFFECTS
  Access access;
  // Verifies the tokens of methods that need roles; null on a router of public methods only.
  const auth::TokenVerifier* verifier = nullptr;
  std::string_view allow;  // the Allow header for a wrong verb: "POST" or "GET, POST"
  std::unique_ptr<const MethodInvoker> invoker;
  // Runs on the network thread that read it, skipping the hop to a worker (RunInline).
  bool runs_inline = false;
};

class Router {
 public:
  // `verifier` checks the tokens of every method that needs roles and must outlive the router;
  // a router without one serves public methods only.
  explicit Router(const auth::TokenVerifier* verifier = nullptr) : verifier_(verifier) {}

  // Registers `handler` for service_full_name/method behind `access`. Throws std::logic_error
  // when the method is not in the generated schema, Req/Resp are not its types, it is already
  // registered, or it needs roles on a router without a token verifier.
  template <typename Req, typename Resp>
  void Add(std::string_view service_full_name, std::string_view method, Access access,
           UnaryHandler<Req, Resp> handler) {
    const auto& descriptor =
        FindUnaryMethod(service_full_name, method, *Req::descriptor(), *Resp::descriptor());
    AddMethod(descriptor, std::move(access),
              std::make_unique<TypedInvoker<Req, Resp>>(std::move(handler)));
  }

  // Serves the registered method at `path` on the network thread that read the call, without
  // the hop to the worker pool: only for handlers that never block (no database, no Redis, no
  // lock held for long), such as a health check answered from state kept by a background task.
  // A blocking handler here would stall every connection of that thread. Has no effect on a
  // server with hooks, which serves every call on a worker. Throws std::logic_error when
  // nothing is registered at `path`.
  void RunInline(std::string_view path);

  // The method served at `path` ("/grpc.health.v1.Health/Check"), or nullptr.
  const RegisteredMethod* Find(std::string_view path) const;

  // True when `path` names a method that the schema declares on a service this router serves,
  // but that has no handler: the spec answers it `unimplemented` rather than 404.
  bool IsDeclaredButUnimplemented(std::string_view path) const;

  std::size_t size() const { return methods_.size(); }

 private:
  struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view path) const {
      return std::hash<std::string_view>{}(path);
    }
  };

  void AddMethod(const google::protobuf::MethodDescriptor& descriptor, Access access,
                 std::unique_ptr<const MethodInvoker> invoker);

  const auth::TokenVerifier* verifier_;

  std::unordered_map<std::string, RegisteredMethod, PathHash, std::equal_to<>> methods_;
  std::set<std::string, std::less<>> services_;
};

}  // namespace market::connect
