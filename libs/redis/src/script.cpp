#include "market/redis/script.hpp"

#include <openssl/sha.h>

#include <array>

#include "market/common/text.hpp"

namespace market::redis {
namespace {

std::string Sha1Hex(std::string_view text) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return text::ToHex({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

std::vector<std::string> Command(std::string verb, std::string script,
                                 const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args) {
  std::vector<std::string> command{std::move(verb), std::move(script), std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

}  // namespace

Script::Script(std::string_view source) : source_(source), sha1_(Sha1Hex(source)) {}

StatusOr<Reply> Script::Run(Client& client, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args) const {
  auto reply = client.Command(Command("EVALSHA", sha1_, keys, args));
  if (!reply.ok() && IsErrorReply(reply.status(), "NOSCRIPT")) {
    return client.Command(Command("EVAL", source_, keys, args));
  }
  return reply;
}

}  // namespace market::redis
