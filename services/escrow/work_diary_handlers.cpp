// The work diary methods of EscrowService: LogTime, DeleteTimeEntry, ListTimeEntries. Every rule
// runs on database time inside one transaction holding the contract's row lock, so two entries
// logged at once cannot both pass the overlap or the weekly-limit check.
#include <chrono>
#include <cstdio>

#include "contract_terms.hpp"
#include "escrow_proto.hpp"
#include "escrow_service.hpp"
#include "invoice_repository.hpp"
#include "market/common/ids.hpp"
#include "market/connect/error_details.hpp"
#include "market/pg/time.hpp"
#include "market/pg/transaction.hpp"
#include "parties.hpp"
#include "time_entry_repository.hpp"
#include "utc_week.hpp"

namespace market::escrow {
namespace {

inline constexpr int kMaxEntryMinutes = 1440;
inline constexpr std::size_t kMaxMemoLength = 1000;

Status Refused(const std::string& message, std::string_view reason) {
  return FailedPreconditionError(message).WithDetail(connect::ErrorInfo(reason, "escrow.market"));
}

std::int64_t MicrosOf(const google::protobuf::Timestamp& at) {
  return at.seconds() * 1000000 + at.nanos() / 1000;
}

// Midnight UTC starting "YYYY-MM-DD" (stored by the database, so well formed).
std::int64_t DayStartMicros(const std::string& date) {
  const int year = std::stoi(date.substr(0, 4));
  const auto month = static_cast<unsigned>(std::stoi(date.substr(5, 2)));
  const auto day = static_cast<unsigned>(std::stoi(date.substr(8, 2)));
  const std::chrono::sys_days days{std::chrono::year{year} / std::chrono::month{month} /
                                   std::chrono::day{day}};
  return days.time_since_epoch().count() * kDayMicros;
}

std::string IsoMinute(std::int64_t micros) {
  const auto at =
      std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(micros));
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss time{std::chrono::floor<std::chrono::minutes>(at - day)};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()));
  return text;
}

void ToProto(const TimeEntryRecord& record, v1::TimeEntry& entry) {
  entry.set_id(record.id);
  entry.set_contract_id(record.contract_id);
  *entry.mutable_start() = pg::TimestampFromUnixMicros(record.started_at_micros);
  entry.set_minutes(record.minutes);
  entry.set_memo(record.memo);
  *entry.mutable_created_at() = pg::TimestampFromUnixMicros(record.created_at_micros);
}

int SumMinutes(const std::vector<TimeEntryRecord>& entries) {
  int total = 0;
  for (const TimeEntryRecord& entry : entries) total += entry.minutes;
  return total;
}

// The hourly contract named by `contract_id` with the caller's side; locked when `lock`.
StatusOr<std::pair<ContractRecord, Party>> HourlyContractFor(pqxx::work& tx,
                                                             const std::string& contract_id,
                                                             const std::string& caller, Lock lock) {
  std::optional<ContractRecord> contract = FindContract(tx, contract_id, lock);
  if (!contract) return NotFoundError("contract_id: no such contract of yours");
  MARKET_ASSIGN_OR_RETURN(const Party party, PartyOf(*contract, caller));
  if (contract->kind != "hourly") {
    return Refused("contract_id: is a fixed-price contract; only hourly ones keep a work diary",
                   "NOT_HOURLY");
  }
  return std::pair{std::move(*contract), party};
}

// The contract's time: database time, plus its sandbox test clock (AdvanceContractClock).
std::int64_t ContractNowMicros(pqxx::work& tx, const ContractRecord& contract) {
  return DatabaseNowMicros(tx) + contract.clock_offset_seconds * 1000000;
}

Status ValidateContractId(const std::string& contract_id) {
  if (!ids::IsUuid(contract_id)) {
    return InvalidArgumentError("contract_id: must be a contract id (UUID)");
  }
  return OkStatus();
}

}  // namespace

Status EscrowService::LogTime(const connect::CallContext& ctx, const v1::LogTimeRequest& request,
                              v1::LogTimeResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidateContractId(request.contract_id()));
  if (!request.has_start() || request.start().seconds() % 60 != 0 || request.start().nanos() != 0) {
    return InvalidArgumentError("start: is required and must be a whole minute");
  }
  if (request.minutes() < 1 || request.minutes() > kMaxEntryMinutes) {
    return InvalidArgumentError("minutes: must be 1 to 1440 whole minutes");
  }
  MARKET_ASSIGN_OR_RETURN(std::string memo,
                          ValidateText(request.memo(), "memo", kMaxMemoLength, true));
  const std::int64_t start = MicrosOf(request.start());
  const std::int64_t end = start + request.minutes() * kMinuteMicros;
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        MARKET_ASSIGN_OR_RETURN(auto found, HourlyContractFor(tx, request.contract_id(),
                                                              caller.subject, Lock::kForUpdate));
        const auto& [contract, party] = found;
        MARKET_RETURN_IF_ERROR(RequireSide(party, Party::kFreelancer, "log time"));
        if (contract.state != "active") {
          return Refused("contract_id: the contract is " + contract.state +
                             "; only an active contract takes time entries",
                         "NOT_ACTIVE");
        }
        const std::int64_t now = ContractNowMicros(tx, contract);
        const std::int64_t week = UtcWeekStart(now);
        if (start < week) {
          return Refused("start: falls in a closed week; only the current UTC week (from " +
                             IsoMinute(week) + ") takes entries",
                         "WEEK_CLOSED");
        }
        // A week also closes once the invoice worker has closed it into an invoice (which a
        // worker handed a later instant does before the week ends).
        if (WeekInvoiced(tx, contract.id, week)) {
          return Refused("start: the week from " + IsoMinute(week) +
                             " is closed into an invoice; its entries cannot change",
                         "WEEK_CLOSED");
        }
        if (start > now) return InvalidArgumentError("start: must not be in the future");
        if (end > week + kWeekMicros) {
          return InvalidArgumentError("minutes: the entry must end by the end of its UTC week (" +
                                      IsoMinute(week + kWeekMicros) + ")");
        }
        if (start < DayStartMicros(contract.start_date)) {
          return InvalidArgumentError("start: is before the contract's start date " +
                                      contract.start_date);
        }
        if (OverlapsAny(tx, contract.id, start, request.minutes())) {
          return Refused("start: the entry overlaps another entry of this contract", "OVERLAP");
        }
        const int logged = SumMinutes(ListWeek(tx, contract.id, week));
        const int limit = contract.weekly_hour_limit * 60;
        if (logged + request.minutes() > limit) {
          return Refused("minutes: the week would hold " +
                             std::to_string(logged + request.minutes()) + " minutes, over the " +
                             "weekly limit of " + std::to_string(limit) + " (" +
                             std::to_string(limit - logged) + " left)",
                         "WEEKLY_LIMIT");
        }
        TimeEntryRecord entry;
        entry.contract_id = contract.id;
        entry.week_start_micros = week;
        entry.started_at_micros = start;
        entry.minutes = request.minutes();
        entry.memo = memo;
        entry = InsertTimeEntry(tx, entry);
        response.Clear();
        ToProto(entry, *response.mutable_entry());
        response.set_week_minutes(logged + request.minutes());
        return OkStatus();
      });
}

Status EscrowService::DeleteTimeEntry(const connect::CallContext& ctx,
                                      const v1::DeleteTimeEntryRequest& request,
                                      v1::DeleteTimeEntryResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidateContractId(request.contract_id()));
  if (!ids::IsUuid(request.entry_id())) {
    return InvalidArgumentError("entry_id: must be a time entry id (UUID)");
  }
  return pg::InTransaction(
      pool_, pg::TxOptions{.deadline = ctx.deadline}, [&](pqxx::work& tx) -> Status {
        MARKET_ASSIGN_OR_RETURN(auto found, HourlyContractFor(tx, request.contract_id(),
                                                              caller.subject, Lock::kForUpdate));
        const auto& [contract, party] = found;
        MARKET_RETURN_IF_ERROR(RequireSide(party, Party::kFreelancer, "delete time entries"));
        if (contract.state == "ended") {
          return Refused("contract_id: the contract has ended; its entries cannot change",
                         "NOT_ACTIVE");
        }
        const std::optional<TimeEntryRecord> entry =
            FindTimeEntry(tx, contract.id, request.entry_id());
        if (!entry) return NotFoundError("entry_id: no such entry in this contract");
        if (entry->week_start_micros < UtcWeekStart(ContractNowMicros(tx, contract)) ||
            WeekInvoiced(tx, contract.id, entry->week_start_micros)) {
          return Refused("entry_id: belongs to a closed week; its entries cannot change",
                         "WEEK_CLOSED");
        }
        escrow::DeleteTimeEntry(tx, entry->id);
        response.Clear();
        ToProto(*entry, *response.mutable_entry());
        return OkStatus();
      });
}

Status EscrowService::ListTimeEntries(const connect::CallContext& ctx,
                                      const v1::ListTimeEntriesRequest& request,
                                      v1::ListTimeEntriesResponse& response) {
  MARKET_ASSIGN_OR_RETURN(const auth::Principal caller, AccountCaller(ctx));
  MARKET_RETURN_IF_ERROR(ValidateContractId(request.contract_id()));
  if (request.has_week() && (request.week().nanos() < 0 || request.week().nanos() > 999999999)) {
    return InvalidArgumentError("week: must be a valid timestamp");
  }
  return pg::InTransaction(
      pool_,
      pg::TxOptions{
          .isolation = pg::Isolation::kRepeatableRead, .deadline = ctx.deadline, .read_only = true},
      [&](pqxx::work& tx) -> Status {
        MARKET_ASSIGN_OR_RETURN(
            auto found, HourlyContractFor(tx, request.contract_id(), caller.subject, Lock::kNone));
        const ContractRecord& contract = found.first;
        const std::int64_t now = ContractNowMicros(tx, contract);
        const std::int64_t week = UtcWeekStart(request.has_week() ? MicrosOf(request.week()) : now);
        const std::vector<TimeEntryRecord> entries = ListWeek(tx, contract.id, week);
        response.Clear();
        *response.mutable_week_start() = pg::TimestampFromUnixMicros(week);
        *response.mutable_week_end() = pg::TimestampFromUnixMicros(week + kWeekMicros);
        for (const TimeEntryRecord& entry : entries) ToProto(entry, *response.add_entries());
        response.set_total_minutes(SumMinutes(entries));
        response.set_limit_minutes(contract.weekly_hour_limit * 60);
        response.set_closed(week + kWeekMicros <= now || WeekInvoiced(tx, contract.id, week));
        return OkStatus();
      });
}

}  // namespace market::escrow
