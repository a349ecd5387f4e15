// The work diary through the Connect API: the current UTC week only, closed weeks frozen, no
// overlaps, the weekly limit, paused and ended contracts, and who may log and list.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "escrow_itest_support.hpp"
#include "market/connect/error_details.hpp"
#include "utc_week.hpp"

namespace market::escrow::itest {
namespace {

std::string ReasonOf(const Status& status) {
  const auto reason = connect::ErrorInfoOf(status);
  return reason ? reason->reason : "";
}

google::protobuf::Timestamp At(std::int64_t micros) {
  google::protobuf::Timestamp at;
  at.set_seconds(micros / 1000000);
  return at;
}

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An hourly contract that started a week ago, so that the whole current week is open to it,
// with calls for its diary.
class Diary {
 public:
  Diary(Escrow& escrow, int weekly_hour_limit)
      : escrow_(escrow),
        contract_(escrow.NewHourlyContract(client, freelancer, "USD", 5000, weekly_hour_limit)) {
    pg::Pool pool({.dsn = escrow.database().dsn});
    REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
              tx.exec_params("UPDATE contracts SET start_date = start_date - 7 WHERE id = $1::uuid",
                             contract_.id());
              return OkStatus();
            }).ok());
  }

  const User client = NewUser(auth::Role::kClient);
  const User freelancer = NewUser(auth::Role::kFreelancer);

  const std::string& id() const { return contract_.id(); }

  StatusOr<v1::LogTimeResponse> Log(std::int64_t start_micros, int minutes,
                                    const User* as = nullptr) {
    v1::LogTimeRequest request;
    request.set_contract_id(contract_.id());
    *request.mutable_start() = At(start_micros);
    request.set_minutes(minutes);
    request.set_memo("Fixed the checkout flow");
    return escrow_.Client().LogTime(request, Escrow::As((as ? *as : freelancer).bearer));
  }

  StatusOr<v1::DeleteTimeEntryResponse> Delete(const std::string& entry_id) {
    v1::DeleteTimeEntryRequest request;
    request.set_contract_id(contract_.id());
    request.set_entry_id(entry_id);
    return escrow_.Client().DeleteTimeEntry(request, Escrow::As(freelancer.bearer));
  }

  StatusOr<v1::ListTimeEntriesResponse> List(const User& as,
                                             std::optional<std::int64_t> week = std::nullopt) {
    v1::ListTimeEntriesRequest request;
    request.set_contract_id(contract_.id());
    if (week) *request.mutable_week() = At(*week);
    return escrow_.Client().ListTimeEntries(request, Escrow::As(as.bearer));
  }

 private:
  Escrow& escrow_;
  v1::Contract contract_;
};

// The tests log time from Monday 00:00 UTC on; in the first hours of a week there is not enough
// of it in the past yet.
bool WeekYoungerThanThreeHours() {
  const std::int64_t now = NowMicros();
  return now - UtcWeekStart(now) < 3 * 60 * kMinuteMicros + kMinuteMicros;
}

TEST_CASE("the contract's freelancer logs time in the current week; its parties list it",
          "[escrow][diary]") {
  if (WeekYoungerThanThreeHours()) {
    WARN("skipped: the current UTC week is less than three hours old");
    return;
  }
  Escrow escrow;
  Diary diary(escrow, 10);
  const std::int64_t week = UtcWeekStart(NowMicros());
  const auto logged = diary.Log(week, 60);
  INFO(logged.status().ToString());
  REQUIRE(logged.ok());
  CHECK(logged->week_minutes() == 60);
  CHECK(logged->entry().minutes() == 60);
  CHECK(logged->entry().start().seconds() == week / 1000000);
  CHECK(logged->entry().memo() == "Fixed the checkout flow");

  const auto listed = diary.List(diary.client);
  REQUIRE(listed.ok());
  REQUIRE(listed->entries_size() == 1);
  CHECK(listed->entries(0).id() == logged->entry().id());
  CHECK(listed->total_minutes() == 60);
  CHECK(listed->limit_minutes() == 600);
  CHECK(listed->week_start().seconds() == week / 1000000);
  CHECK(listed->week_end().seconds() == (week + kWeekMicros) / 1000000);
  CHECK_FALSE(listed->closed());
  CHECK(diary.List(diary.freelancer)->entries_size() == 1);

  const auto last_week = diary.List(diary.client, week - 1);
  REQUIRE(last_week.ok());
  CHECK(last_week->entries().empty());
  CHECK(last_week->closed());

  SECTION("nobody else logs or lists") {
    CHECK(CodeOf(diary.Log(week + 60 * kMinuteMicros, 30, &diary.client)) ==
          StatusCode::kPermissionDenied);
    const User stranger = NewUser(auth::Role::kFreelancer);
    CHECK(CodeOf(diary.Log(week + 60 * kMinuteMicros, 30, &stranger)) == StatusCode::kNotFound);
    CHECK(CodeOf(diary.List(stranger)) == StatusCode::kNotFound);
    CHECK(CodeOf(diary.List(NewUser(auth::Role::kClient))) == StatusCode::kNotFound);
    CHECK(diary.List(diary.client)->total_minutes() == 60);
  }
  SECTION("bad input names the field") {
    CHECK(diary.Log(week + 30 * 1000000, 30).status().message().rfind("start: ", 0) == 0);
    CHECK(diary.Log(week + 2 * 60 * kMinuteMicros, 0).status().message().rfind("minutes: ", 0) ==
          0);
    CHECK(diary.Log(week + 2 * 60 * kMinuteMicros, 1441).status().message().rfind("minutes: ", 0) ==
          0);
    CHECK(diary.Log(UtcWeekStart(NowMicros()) + kWeekMicros - 10 * kMinuteMicros, 5)
              .status()
              .message() == "start: must not be in the future");
  }
  SECTION("fixed-price contracts keep no diary") {
    const v1::Contract fixed = escrow.NewContract(diary.client, diary.freelancer, "USD", {1000});
    v1::ListTimeEntriesRequest request;
    request.set_contract_id(fixed.id());
    const auto refused = escrow.Client().ListTimeEntries(request, Escrow::As(diary.client.bearer));
    CHECK(ReasonOf(refused.status()) == "NOT_HOURLY");
  }
}

TEST_CASE("only the current UTC week takes entries; closed weeks never change", "[escrow][diary]") {
  if (WeekYoungerThanThreeHours()) {
    WARN("skipped: the current UTC week is less than three hours old");
    return;
  }
  Escrow escrow;
  Diary diary(escrow, 40);
  const std::int64_t week = UtcWeekStart(NowMicros());
  // Sunday 23:59 UTC of last week, and an entry crossing into Monday 00:00.
  const auto sunday = diary.Log(week - kMinuteMicros, 1);
  CHECK(CodeOf(sunday) == StatusCode::kFailedPrecondition);
  CHECK(ReasonOf(sunday.status()) == "WEEK_CLOSED");
  CHECK(ReasonOf(diary.Log(week - 30 * kMinuteMicros, 60).status()) == "WEEK_CLOSED");
  // Monday 00:00 UTC opens the current week.
  REQUIRE(diary.Log(week, 1).ok());

  // An entry of last week, as logged then.
  pg::Pool pool({.dsn = escrow.database().dsn});
  std::string old_id;
  REQUIRE(pg::InTransaction(pool, [&](pqxx::work& tx) -> Status {
            old_id = tx.exec_params1(
                           "INSERT INTO time_entries (contract_id, week_start, started_at, minutes,"
                           " memo) VALUES ($1::uuid, 'epoch'::timestamptz + $2::bigint *"
                           " interval '1 microsecond', 'epoch'::timestamptz + $3::bigint *"
                           " interval '1 microsecond', 90, 'Last week') RETURNING id::text AS id",
                           diary.id(), week - kWeekMicros, week - kDayMicros)["id"]
                         .as<std::string>();
            return OkStatus();
          }).ok());
  const auto deleted = diary.Delete(old_id);
  CHECK(ReasonOf(deleted.status()) == "WEEK_CLOSED");
  const auto last_week = diary.List(diary.client, week - kDayMicros);
  REQUIRE(last_week.ok());
  REQUIRE(last_week->entries_size() == 1);
  CHECK(last_week->total_minutes() == 90);
  CHECK(last_week->closed());
  // Last week's hours do not count against this week's limit.
  CHECK(diary.List(diary.freelancer)->total_minutes() == 1);
}

TEST_CASE("entries of a contract never overlap", "[escrow][diary]") {
  if (WeekYoungerThanThreeHours()) {
    WARN("skipped: the current UTC week is less than three hours old");
    return;
  }
  Escrow escrow;
  Diary diary(escrow, 40);
  const std::int64_t week = UtcWeekStart(NowMicros());
  REQUIRE(diary.Log(week + 60 * kMinuteMicros, 60).ok());  // 01:00 to 02:00
  for (const auto& [start, minutes] :
       std::vector<std::pair<std::int64_t, int>>{{60, 60}, {90, 60}, {30, 31}, {70, 5}, {0, 180}}) {
    CAPTURE(start, minutes);
    const auto refused = diary.Log(week + start * kMinuteMicros, minutes);
    CHECK(CodeOf(refused) == StatusCode::kFailedPrecondition);
    CHECK(ReasonOf(refused.status()) == "OVERLAP");
  }
  // Touching is not overlapping: 00:00 to 01:00 and 02:00 to 02:30.
  CHECK(diary.Log(week, 60).ok());
  CHECK(diary.Log(week + 120 * kMinuteMicros, 30).ok());
  CHECK(diary.List(diary.client)->total_minutes() == 150);

  SECTION("another contract's entries do not collide") {
    Diary other(escrow, 40);
    CHECK(other.Log(week + 60 * kMinuteMicros, 60).ok());
  }
}

TEST_CASE("a week holds at most the weekly hour limit", "[escrow][diary]") {
  if (WeekYoungerThanThreeHours()) {
    WARN("skipped: the current UTC week is less than three hours old");
    return;
  }
  Escrow escrow;
  Diary diary(escrow, 1);
  const std::int64_t week = UtcWeekStart(NowMicros());
  const auto first = diary.Log(week, 40);
  REQUIRE(first.ok());
  const auto over = diary.Log(week + 40 * kMinuteMicros, 21);
  CHECK(CodeOf(over) == StatusCode::kFailedPrecondition);
  CHECK(ReasonOf(over.status()) == "WEEKLY_LIMIT");
  CHECK(over.status().message() ==
        "minutes: the week would hold 61 minutes, over the weekly limit of 60 (20 left)");
  const auto exact = diary.Log(week + 40 * kMinuteMicros, 20);
  REQUIRE(exact.ok());
  CHECK(exact->week_minutes() == 60);
  CHECK(ReasonOf(diary.Log(week + 60 * kMinuteMicros, 1).status()) == "WEEKLY_LIMIT");

  // Deleting an entry of the current week frees its minutes.
  const auto deleted = diary.Delete(first->entry().id());
  REQUIRE(deleted.ok());
  CHECK(deleted->entry().minutes() == 40);
  CHECK(CodeOf(diary.Delete(first->entry().id())) == StatusCode::kNotFound);
  CHECK(diary.Log(week + 60 * kMinuteMicros, 40).ok());
  CHECK(diary.List(diary.client)->total_minutes() == 60);
}

TEST_CASE("entries logged at once neither overlap nor pass the limit", "[escrow][diary][race]") {
  if (WeekYoungerThanThreeHours()) {
    WARN("skipped: the current UTC week is less than three hours old");
    return;
  }
  Escrow escrow;
  Diary diary(escrow, 1);
  const std::int64_t week = UtcWeekStart(NowMicros());
  // Twelve distinct 10-minute slots, each asked for twice at once: six fit the hour.
  std::atomic<int> logged{0}, overlap{0}, limit{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 24; ++i) {
    threads.emplace_back([&, i] {
      const auto result = diary.Log(week + (i % 12) * 10 * kMinuteMicros, 10);
      if (result.ok()) {
        ++logged;
      } else if (ReasonOf(result.status()) == "OVERLAP") {
        ++overlap;
      } else if (ReasonOf(result.status()) == "WEEKLY_LIMIT") {
        ++limit;
      } else {
        ++other;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(logged == 6);
  CHECK(other == 0);
  CHECK(overlap + limit == 18);
  const auto listed = diary.List(diary.client);
  REQUIRE(listed.ok());
  CHECK(listed->total_minutes() == 60);
  REQUIRE(listed->entries_size() == 6);
  for (int i = 1; i < listed->entries_size(); ++i) {
    CHECK(listed->entries(i).start().seconds() >= listed->entries(i - 1).start().seconds() + 600);
  }
}

TEST_CASE("paused and ended contracts take no entries", "[escrow][diary]") {
  if (WeekYoungerThanThreeHours()) {
    WARN("skipped: the current UTC week is less than three hours old");
    return;
  }
  Escrow escrow;
  Diary diary(escrow, 40);
  const std::int64_t week = UtcWeekStart(NowMicros());
  const auto logged = diary.Log(week, 30);
  REQUIRE(logged.ok());
  auto api = escrow.Client();

  v1::PauseContractRequest pause;
  pause.set_contract_id(diary.id());
  REQUIRE(api.PauseContract(pause, Escrow::As(diary.client.bearer)).ok());
  const auto paused = diary.Log(week + 60 * kMinuteMicros, 30);
  CHECK(ReasonOf(paused.status()) == "NOT_ACTIVE");
  CHECK(paused.status().message() ==
        "contract_id: the contract is paused; only an active contract takes time entries");

  v1::ResumeContractRequest resume;
  resume.set_contract_id(diary.id());
  REQUIRE(api.ResumeContract(resume, Escrow::As(diary.client.bearer)).ok());
  REQUIRE(diary.Log(week + 60 * kMinuteMicros, 30).ok());

  v1::EndContractRequest end;
  end.set_contract_id(diary.id());
  REQUIRE(api.EndContract(end, Escrow::As(diary.client.bearer)).ok());
  CHECK(ReasonOf(diary.Log(week + 120 * kMinuteMicros, 30).status()) == "NOT_ACTIVE");
  CHECK(ReasonOf(diary.Delete(logged->entry().id()).status()) == "NOT_ACTIVE");
  CHECK(diary.List(diary.client)->total_minutes() == 60);
}

}  // namespace
}  // namespace market::escrow::itest
