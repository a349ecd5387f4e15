#include "market/http/client.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "client_connection.hpp"

namespace market::http {
namespace {

namespace bhttp = boost::beast::http;
using internal::ClientConnection;
using Clock = std::chrono::steady_clock;
using Connections = std::vector<std::unique_ptr<ClientConnection>>;

std::string PoolKey(const Endpoint& endpoint) {
  return endpoint.host + ":" + std::to_string(endpoint.port);
}

}  // namespace

// Idle connections per endpoint, oldest first. Connections are checked and closed outside the
// mutex: callers on other endpoints never wait on a socket.
class Client::Pool {
 public:
  explicit Pool(const ClientOptions& options) : options_(options) {}

  // A live idle connection to `key`, or null.
  std::unique_ptr<ClientConnection> Take(const std::string& key) {
    for (;;) {
      Connections dropped;
      std::unique_ptr<ClientConnection> candidate;
      {
        std::lock_guard lock(mutex_);
        auto it = idle_.find(key);
        if (it == idle_.end()) return nullptr;
        DropExpired(it->second, dropped);
        if (it->second.empty()) return nullptr;
        candidate = std::move(it->second.back());  // the most recently used is likeliest alive
        it->second.pop_back();
      }
      if (candidate->LooksReusable()) return candidate;
    }
  }

  void Put(const std::string& key, std::unique_ptr<ClientConnection> connection) {
    Connections dropped;
    connection->set_idle_since(Clock::now());
    std::lock_guard lock(mutex_);
    Connections& idle = idle_[key];
    DropExpired(idle, dropped);
    if (idle.size() < options_.max_idle_per_endpoint) {
      idle.push_back(std::move(connection));
    } else {
      dropped.push_back(std::move(connection));
    }
  }

  std::size_t Idle(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(key);
    return it == idle_.end() ? 0 : it->second.size();
  }

 private:
  // Servers close keep-alive connections after their own idle timeout; one older than
  // max_idle_age is more likely dead than not.
  void DropExpired(Connections& idle, Connections& dropped) {
    const auto oldest_allowed = Clock::now() - options_.max_idle_age;
    auto first_fresh = std::find_if(idle.begin(), idle.end(), [&](const auto& connection) {
      return connection->idle_since() >= oldest_allowed;
    });
    std::move(idle.begin(), first_fresh, std::back_inserter(dropped));
    idle.erase(idle.begin(), first_fresh);
  }

  const ClientOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Connections> idle_;
};

Client::Client(ClientOptions options)
    : options_(options), pool_(std::make_unique<Pool>(options_)) {}

Client::~Client() = default;

StatusOr<Response> Client::Send(const Endpoint& endpoint, Request request,
                                Clock::time_point deadline, bool idempotent) {
  const std::string key = PoolKey(endpoint);
  if (request.find(bhttp::field::host) == request.end()) request.set(bhttp::field::host, key);
  request.prepare_payload();
  const bool keep_alive = request.keep_alive();
  const bool head = request.method() == bhttp::verb::head;

  bool retried = false;
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) {
      return DeadlineExceededError("deadline passed before calling " + key);
    }
    std::unique_ptr<ClientConnection> connection;
    if (!retried) connection = pool_->Take(key);
    const bool reused = connection != nullptr;
    if (!reused) {
      auto opened = ClientConnection::Open(
          endpoint, std::min(deadline, now + options_.connect_timeout), deadline);
      if (!opened.ok()) return opened.status();
      connection = std::move(opened).value();
    }

    bool sent_any = false;
    Status status = connection->Write(request, deadline, sent_any);
    if (status.ok()) {
      auto response = connection->Read(deadline, options_.max_response_body_bytes, head);
      if (response.ok()) {
        if (keep_alive && response->keep_alive() && !connection->carried_interim()) {
          pool_->Put(key, std::move(connection));
        }
        return response;
      }
      status = response.status();
    }
    // A pooled connection may die under the request: the server can close an idle connection
    // just as it is taken. The request is sent again only if nothing of it left, or if doing
    // it twice is harmless.
    const bool may_retry = reused && !retried && status.code() == StatusCode::kUnavailable &&
                           (!sent_any || idempotent);
    if (!may_retry) return status;
    retried = true;
  }
}

std::size_t Client::idle_connections(const Endpoint& endpoint) const {
  return pool_->Idle(PoolKey(endpoint));
}

}  // namespace market::http
