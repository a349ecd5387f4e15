// The escrow process killed with SIGKILL again and again while money moves (DESIGN.md, money
// rules 4 and 6): every request is retried with its idempotency key until it gets an answer,
// as a careful client does. Afterwards each success must be in the ledger exactly once and the
// ledger check must pass.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "escrow_itest_support.hpp"
#include "market/testing/redis.hpp"

extern char** environ;

namespace market::escrow::itest {
namespace {

// A port the kernel has just handed out and taken back, for the process to listen on.
std::uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t length = sizeof(address);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  close(fd);
  return ntohs(address.sin_port);
}

// The market-escrow executable on a test schema, started and killed at will.
class EscrowProcess {
 public:
  EscrowProcess() : database_(testing::CreateServiceDatabase("escrow_crash")), port_(FreePort()) {
    env_ = {
        "MARKET_PG_HOST=127.0.0.1",
        "MARKET_PG_PORT=" + std::string(std::getenv("MARKET_TEST_PG_PORT")),
        "MARKET_PG_DATABASE=postgres",
        "MARKET_PG_USER=" + database_.role,
        "MARKET_PG_PASSWORD=" + database_.password,
        "MARKET_PG_SCHEMA=" + database_.schema,
        "MARKET_HTTP_PORT=" + std::to_string(port_),
        "MARKET_REDIS_EVENTS_PORT=" +
            std::to_string(testing::RedisPort(testing::RedisRole::kEvents)),
        "MARKET_REDIS_CACHE_PORT=" + std::to_string(testing::RedisPort(testing::RedisRole::kCache)),
        "MARKET_INSTANCE_NAME=escrow-crash-itest",
        "MARKET_LOG_LEVEL=warn",
    };
    for (const auto& [name, value] : testing::SharedTestTokenKeys().EnvFor("escrow")) {
      env_.push_back(name + "=" + value);
    }
  }
  ~EscrowProcess() { Kill(); }

  void Start() {
    std::vector<char*> envp;
    for (char** entry = environ; *entry != nullptr; ++entry) envp.push_back(*entry);
    for (std::string& entry : env_) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::string path = MARKET_ESCROW_BINARY;
    char* argv[] = {path.data(), nullptr};
    REQUIRE(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv, envp.data()) == 0);
  }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

  http::Endpoint endpoint() const { return http::Endpoint{"127.0.0.1", port_}; }

 private:
  testing::TestDatabase database_;
  std::uint16_t port_;
  std::vector<std::string> env_;
  pid_t pid_ = -1;
};

// Calls `call` until it answers with anything but a transport or availability failure (a
// connection cut by the kill reads as unknown or internal), for at most a minute.
template <typename Call>
auto UntilAnswered(Call call) {
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    auto result = call();
    const StatusCode code = result.status().code();
    if ((code != StatusCode::kUnavailable && code != StatusCode::kDeadlineExceeded &&
         code != StatusCode::kInternal && code != StatusCode::kUnknown) ||
        std::chrono::steady_clock::now() > give_up) {
      return result;
    }
    std::this_thread::sleep_for(50ms);
  }
}

TEST_CASE("SIGKILL during a stream of money movements loses and doubles nothing",
          "[escrow][crash]") {
  EscrowProcess process;
  process.Start();
  auto http = std::make_shared<http::Client>();
  v1::EscrowServiceClient escrow(connect::Client(http, process.endpoint()));
  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);
  const User operator_user = NewUser(auth::Role::kOperator);
  const auto as = [](const User& user) {
    connect::CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + 5s;
    options.authorization = user.bearer;
    return options;
  };

  constexpr int kMilestones = 40;
  constexpr std::int64_t kAmount = 1001;
  v1::CreateContractRequest create;
  create.set_source(v1::CONTRACT_SOURCE_ACCEPTED_BID);
  create.set_source_id(NewId());
  create.set_title("Crash-tested contract");
  create.set_client_id(client.id);
  create.set_client_country("DE");
  create.set_freelancer_id(freelancer.id);
  create.set_freelancer_country("AR");
  create.set_payout_currency("USD");
  for (int i = 0; i < kMilestones; ++i) {
    v1::MilestoneTerms& milestone = *create.add_milestones();
    milestone.set_title("Part " + std::to_string(i + 1));
    *milestone.mutable_amount() = M("USD", kAmount);
  }

  std::atomic<bool> done{false};
  std::atomic<int> kills{0};
  std::thread killer([&] {
    std::mt19937 random(42);
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 300));
      if (done) break;
      process.Kill();
      ++kills;
      process.Start();
    }
  });

  connect::CallOptions service_options;
  service_options.authorization = ServiceBearer();
  const auto created = UntilAnswered([&] {
    service_options.deadline = std::chrono::steady_clock::now() + 5s;
    return escrow.CreateContract(create, service_options);
  });
  REQUIRE(created.ok());
  const v1::Contract contract = created->contract();

  // Top-ups of 1 unit each, then every milestone funded, submitted and approved, each call
  // retried with its own key until answered. The top-ups go on until the process was killed a
  // few times: on a fast machine the whole stream could otherwise end between two kills.
  constexpr int kMinTopUps = 3 * kMilestones;
  constexpr int kMinKillsDuringTopUps = 5;
  int top_ups = 0;
  for (; top_ups < kMinTopUps || kills < kMinKillsDuringTopUps; ++top_ups) {
    v1::TopUpWalletRequest request;
    request.set_idempotency_key("top-up-" + std::to_string(top_ups));
    *request.mutable_amount() = M("USD", 1001);
    request.set_payment_token("sandbox-ok");
    const auto answer = UntilAnswered([&] { return escrow.TopUpWallet(request, as(client)); });
    INFO(answer.status().ToString());
    REQUIRE(answer.ok());
  }
  for (int i = 0; i < kMilestones; ++i) {
    const v1::MilestoneRef ref = Escrow::Ref(contract, i);
    v1::FundMilestoneRequest fund;
    fund.set_idempotency_key("fund-" + std::to_string(i));
    *fund.mutable_milestone() = ref;
    const auto funded = UntilAnswered([&] { return escrow.FundMilestone(fund, as(client)); });
    INFO(funded.status().ToString());
    REQUIRE(funded.ok());
    v1::SubmitMilestoneRequest submit;
    submit.set_idempotency_key("submit-" + std::to_string(i));
    *submit.mutable_milestone() = ref;
    REQUIRE(UntilAnswered([&] { return escrow.SubmitMilestone(submit, as(freelancer)); }).ok());
    v1::ApproveMilestoneRequest approve;
    approve.set_idempotency_key("approve-" + std::to_string(i));
    *approve.mutable_milestone() = ref;
    REQUIRE(UntilAnswered([&] { return escrow.ApproveMilestone(approve, as(client)); }).ok());
  }
  done = true;
  killer.join();
  CHECK(kills >= 5);

  // Every success exactly once: the top-ups of 10.01, 40 milestones of 10.01 released at 10 %
  // (fee 1.00, paid 9.01 each).
  const auto wallets = [&](const User& user) {
    const auto wallet = UntilAnswered([&] { return escrow.GetWallet({}, as(user)); });
    REQUIRE(wallet.ok());
    REQUIRE(wallet->balances_size() == 1);
    return wallet->balances(0).available().minor_units();
  };
  CHECK(wallets(client) == (top_ups - kMilestones) * kAmount);
  CHECK(wallets(freelancer) == kMilestones * 901);
  const auto check = UntilAnswered([&] { return escrow.CheckLedger({}, as(operator_user)); });
  REQUIRE(check.ok());
  for (const auto& problem : check->problems()) UNSCOPED_INFO(problem);
  CHECK(check->ok());
  // One transfer per success: top-ups, fundings, releases.
  CHECK(check->transfers() == top_ups + 2 * kMilestones);
}

}  // namespace
}  // namespace market::escrow::itest
