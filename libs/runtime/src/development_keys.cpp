#include "market/runtime/development_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

namespace market::runtime {
namespace {

// Every service of the local stack, so that any of them verifies the others' service tokens.
constexpr std::string_view kLocalServices[] = {"gateway", "listings", "bidding", "escrow",
                                               "reputation"};
constexpr std::string_view kUsersKeyName = "users";

std::string SystemError(std::string_view what, const std::filesystem::path& path) {
  return std::string(what) + " \"" + path.string() + "\": " + std::strerror(errno);
}

// The folder must be this user's alone: keys another local user could read or plant would let
// them mint tokens for this user's processes.
Status EnsurePrivateDir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return FailedPreconditionError(SystemError("cannot create", dir));
  }
  struct stat info {};
  if (::lstat(dir.c_str(), &info) != 0)
    return FailedPreconditionError(SystemError("cannot read", dir));
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & 077) != 0) {
    return FailedPreconditionError("\"" + dir.string() +
                                   "\" must be a folder of this user with mode 0700");
  }
  return OkStatus();
}

// Writes the whole file aside, then links it into place: a reader sees no file or a complete
// one, and when two processes race, the first link wins and both use its key.
Status CreateKeyFile(const std::filesystem::path& path, const std::string& pem) {
  std::random_device random;
  const std::filesystem::path aside =
      path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
  const int fd = ::open(aside.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
  if (fd < 0) return FailedPreconditionError(SystemError("cannot create", aside));
  const bool written = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
  ::close(fd);
  const bool linked = written && (::link(aside.c_str(), path.c_str()) == 0 || errno == EEXIST);
  const std::string error = linked ? "" : SystemError("cannot write", path);
  ::unlink(aside.c_str());
  if (!linked) return FailedPreconditionError(error);
  return OkStatus();
}

StatusOr<auth::Ed25519PrivateKey> LoadOrCreate(const std::filesystem::path& dir,
                                               std::string_view name) {
  const std::filesystem::path path = dir / (std::string(name) + ".pem");
  if (::access(path.c_str(), F_OK) != 0) {
    MARKET_RETURN_IF_ERROR(CreateKeyFile(path, auth::Ed25519PrivateKey::Generate().Pem()));
  }
  auto key = auth::Ed25519PrivateKey::FromPemFile(path.string());
  if (!key.ok()) return FailedPreconditionError(key.status().message());
  return key;
}

std::string DevelopmentKid(std::string_view name) { return "dev-" + std::string(name); }

}  // namespace

std::filesystem::path DevelopmentKeysDir() {
  return std::filesystem::temp_directory_path() /
         ("market-dev-keys-" + std::to_string(::geteuid()));
}

StatusOr<TokenKeys> DevelopmentTokenKeys(std::string_view service_name, bool signs_user_tokens) {
  const std::filesystem::path dir = DevelopmentKeysDir();
  MARKET_RETURN_IF_ERROR(EnsurePrivateDir(dir));

  std::vector<std::string_view> services(std::begin(kLocalServices), std::end(kLocalServices));
  if (std::find(services.begin(), services.end(), service_name) == services.end()) {
    services.push_back(service_name);
  }
  auto keys = std::make_shared<auth::KeySet>();
  TokenKeys result;
  result.development = true;

  MARKET_ASSIGN_OR_RETURN(auth::Ed25519PrivateKey users, LoadOrCreate(dir, kUsersKeyName));
  MARKET_RETURN_IF_ERROR(
      keys->Add(DevelopmentKid(kUsersKeyName), auth::KeyScope::Users(), users.PublicKey()));
  if (signs_user_tokens) {
    result.signer = std::make_shared<auth::TokenSigner>(DevelopmentKid(kUsersKeyName), users);
  }
  for (const std::string_view service : services) {
    const std::string name = "service-" + std::string(service);
    MARKET_ASSIGN_OR_RETURN(auth::Ed25519PrivateKey key, LoadOrCreate(dir, name));
    MARKET_RETURN_IF_ERROR(keys->Add(
        DevelopmentKid(name), auth::KeyScope::Service(std::string(service)), key.PublicKey()));
    if (!signs_user_tokens && service == service_name) {
      result.signer = std::make_shared<auth::TokenSigner>(DevelopmentKid(name), key);
    }
  }
  result.verify_keys = std::move(keys);
  return result;
}

}  // namespace market::runtime
