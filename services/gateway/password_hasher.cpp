#include "password_hasher.hpp"

#include <future>
#include <memory>
#include <utility>

#include "market/auth/password.hpp"
#include "market/connect/error_details.hpp"

namespace market::gateway {
namespace {

// About the time the pool needs to work through a full queue once.
constexpr std::chrono::seconds kRetryWhenBusy{1};

}  // namespace

PasswordHasher::PasswordHasher(PasswordHasherOptions options)
    : pool_(options.threads, options.max_queued) {}

template <typename T>
StatusOr<T> PasswordHasher::Run(std::function<T()> work, Deadline deadline) {
  // Shared with the task: a caller that stops waiting at its deadline must not leave the task
  // writing into a promise that no longer exists.
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> result = promise->get_future();
  auto task = [promise, work = std::move(work)] {
    // The pool ends the process on an exception; the caller's dispatcher is where it belongs.
    try {
      promise->set_value(work());
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  };
  if (!pool_.TrySubmit(std::move(task))) {
    return ResourceExhaustedError("too many password checks in progress; retry shortly")
        .WithDetail(connect::RetryAfter(kRetryWhenBusy));
  }
  if (deadline == Deadline::max()) {
    result.wait();
  } else if (result.wait_until(deadline) != std::future_status::ready) {
    return DeadlineExceededError("the password check did not finish within the call's deadline");
  }
  return result.get();
}

StatusOr<std::string> PasswordHasher::Hash(std::string_view password, Deadline deadline) {
  return Run<std::string>(
      [password = std::string(password)] { return auth::HashPassword(password); }, deadline);
}

StatusOr<bool> PasswordHasher::Verify(std::string_view password, std::string_view encoded,
                                      Deadline deadline) {
  return Run<bool>(
      [password = std::string(password), encoded = std::string(encoded)] {
        return auth::VerifyPassword(password, encoded);
      },
      deadline);
}

}  // namespace market::gateway
