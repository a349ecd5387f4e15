#include "hooks.hpp"

#include <atomic>
#include <memory>
#include <string>

#include "market/common/log.hpp"
#include "market/connect/error.hpp"
#include "responses.hpp"

namespace market::connect::internal {

std::optional<http::Response> CallHook(const Interceptor& hook, const http::Request& request,
                                       const RequestInfo& info) {
  log::RequestIdScope log_scope(info.request_id);
  std::optional<http::Response> answer;
  try {
    answer = hook(request, info);
  } catch (...) {
    log::Error("server hook threw", {{"path", std::string(PathOf(request))},
                                     {"exception", log::CurrentExceptionType()}});
    return ErrorResponse(ReplyTo{request.version(), info.request_id},
                         InternalError("the server failed to process the request"));
  }
  if (answer && answer->find("X-Request-Id") == answer->end()) {
    answer->set("X-Request-Id", info.request_id);
  }
  return answer;
}

bool CallFallback(const Fallback& fallback, const http::Request& request, const RequestInfo& info,
                  std::function<void(http::Response)> send) {
  log::RequestIdScope log_scope(info.request_id);
  auto replied = std::make_shared<std::atomic<bool>>(false);
  FallbackReply reply = [replied, send = std::move(send),
                         request_id = info.request_id](http::Response response) {
    if (replied->exchange(true)) return;
    if (response.find("X-Request-Id") == response.end()) response.set("X-Request-Id", request_id);
    send(std::move(response));
  };
  try {
    // A fallback that replied and then declined has still answered: the reply stands.
    return fallback(request, info, reply) || replied->load();
  } catch (...) {
    log::Error("server hook threw", {{"path", std::string(PathOf(request))},
                                     {"exception", log::CurrentExceptionType()}});
    reply(ErrorResponse(ReplyTo{request.version(), info.request_id},
                        InternalError("the server failed to process the request")));
    return true;
  }
}

void Decorate(const ResponseDecorator& decorator, const http::Request& request,
              http::Response& response, std::chrono::steady_clock::time_point started) {
  if (!decorator) return;
  AnswerInfo answer;
  if (started != std::chrono::steady_clock::time_point{}) {
    answer.elapsed = std::chrono::steady_clock::now() - started;
  }
  try {
    decorator(request, response, answer);
  } catch (...) {
    log::Error("response decorator threw", {{"path", std::string(PathOf(request))},
                                            {"exception", log::CurrentExceptionType()}});
  }
}

StatusCode CodeOf(const http::Response& response) {
  const int status = static_cast<int>(response.result_int());
  if (status >= 200 && status < 300) return StatusCode::kOk;
  const auto content_type = response.find(boost::beast::http::field::content_type);
  const std::string_view type =
      content_type == response.end() ? std::string_view{} : std::string_view(content_type->value());
  return StatusFromErrorResponse(status, type, response.body()).code();
}

}  // namespace market::connect::internal
