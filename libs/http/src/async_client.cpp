#include "market/http/async_client.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "async_endpoint_slots.hpp"
#include "async_exchange.hpp"

namespace market::http {
namespace {

namespace net = boost::asio;
using internal::AsyncExchange;
using internal::EndpointSlots;

std::string SlotsKey(const Endpoint& endpoint) {
  return endpoint.host + ":" + std::to_string(endpoint.port);
}

}  // namespace

struct AsyncClient::State {
  explicit State(AsyncClientOptions client_options)
      : options(client_options), io_context(std::max(1, options.io_threads)) {}

  std::shared_ptr<EndpointSlots> SlotsFor(const Endpoint& endpoint) {
    std::lock_guard lock(mutex);
    auto& slots = slots_by_endpoint[SlotsKey(endpoint)];
    if (!slots) {
      slots = std::make_shared<EndpointSlots>(options.max_in_flight_per_endpoint,
                                              options.max_idle_per_endpoint, options.max_idle_age);
    }
    return slots;
  }

  std::shared_ptr<EndpointSlots> FindSlots(const Endpoint& endpoint) const {
    std::lock_guard lock(mutex);
    auto it = slots_by_endpoint.find(SlotsKey(endpoint));
    return it == slots_by_endpoint.end() ? nullptr : it->second;
  }

  const AsyncClientOptions options;
  // Reset by ~AsyncClient once its threads joined and the idle sockets closed: the pending
  // exchanges it destroys still use the options and their slots.
  std::optional<net::io_context> io_context;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<EndpointSlots>> slots_by_endpoint;
};

AsyncClient::AsyncClient(AsyncClientOptions options) : state_(std::make_unique<State>(options)) {
  state_->work.emplace(state_->io_context->get_executor());
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    state_->threads.emplace_back([this] { state_->io_context->run(); });
  }
}

AsyncClient::~AsyncClient() {
  state_->work.reset();
  state_->io_context->stop();
  for (auto& thread : state_->threads) thread.join();
  // Idle sockets close first; then the io_context goes, destroying the exchanges still pending,
  // each of which answers its caller `unavailable` on the way.
  {
    std::lock_guard lock(state_->mutex);
    for (auto& [key, slots] : state_->slots_by_endpoint) slots->DropIdle();
  }
  state_->io_context.reset();
}

void AsyncClient::Send(const Endpoint& endpoint, Request request,
                       std::chrono::steady_clock::time_point deadline, bool idempotent,
                       AsyncDone done) {
  auto slots = state_->SlotsFor(endpoint);
  if (!slots->TryEnter()) {
    done(UnavailableError(SlotsKey(endpoint) + " already has " +
                          std::to_string(state_->options.max_in_flight_per_endpoint) +
                          " calls in flight"));
    return;
  }
  auto exchange = std::make_shared<AsyncExchange>(*state_->io_context, state_->options,
                                                  std::move(slots), endpoint, std::move(request),
                                                  deadline, idempotent, std::move(done));
  // The first step (a pooled socket's check, then starting the write or the connect) runs on
  // the caller's thread: it never blocks, and it saves a hop to the client's thread per call.
  // Every later step completes on the client's thread.
  exchange->Start();
}

std::size_t AsyncClient::in_flight(const Endpoint& endpoint) const {
  auto slots = state_->FindSlots(endpoint);
  return slots ? slots->in_flight() : 0;
}

std::size_t AsyncClient::idle_connections(const Endpoint& endpoint) const {
  auto slots = state_->FindSlots(endpoint);
  return slots ? slots->idle() : 0;
}

}  // namespace market::http
