// protoc-gen-market: the protoc plugin that turns the contract into C++ glue.
//
//   protoc --plugin=protoc-gen-market=<path> --market_out=<dir> market/listings/v1/listings.proto
//     -> <dir>/market/listings/v1/listings.connect.{h,cc} (service_glue.hpp)
//   protoc --plugin=... --market_out=access_table:<dir> <every service proto>
//     -> <dir>/access_table.md, the README's "who may call what" table (access_table.hpp)
//
// A method without a (market.auth.v1.access) option fails the run, and with it the build.
#include <google/protobuf/compiler/code_generator.h>
#include <google/protobuf/compiler/plugin.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/zero_copy_stream.h>

#include <memory>
#include <string>
#include <vector>

#include "access_table.hpp"
#include "service_glue.hpp"

namespace {

namespace pb = google::protobuf;

bool WriteFile(pb::compiler::GeneratorContext& context, const std::string& name,
               const std::string& text) {
  std::unique_ptr<pb::io::ZeroCopyOutputStream> stream(context.Open(name));
  void* buffer = nullptr;
  int size = 0;
  std::size_t written = 0;
  while (written < text.size()) {
    if (!stream->Next(&buffer, &size)) return false;
    const std::size_t chunk = std::min(text.size() - written, static_cast<std::size_t>(size));
    std::copy_n(text.data() + written, chunk, static_cast<char*>(buffer));
    written += chunk;
    if (chunk < static_cast<std::size_t>(size)) stream->BackUp(size - static_cast<int>(chunk));
  }
  return true;
}

class MarketGenerator final : public pb::compiler::CodeGenerator {
 public:
  bool Generate(const pb::FileDescriptor*, const std::string&, pb::compiler::GeneratorContext*,
                std::string* error) const override {
    *error = "protoc-gen-market generates all files at once";
    return false;
  }

  bool HasGenerateAll() const override { return true; }

  bool GenerateAll(const std::vector<const pb::FileDescriptor*>& files,
                   const std::string& parameter, pb::compiler::GeneratorContext* context,
                   std::string* error) const override {
    if (parameter == "access_table") {
      const auto table = market::codegen::GenerateAccessTable(files);
      if (!table.error.empty()) {
        *error = table.error;
        return false;
      }
      return WriteFile(*context, "access_table.md", table.markdown);
    }
    if (!parameter.empty()) {
      *error = "unknown parameter \"" + parameter + "\"; the only one is access_table";
      return false;
    }
    for (const auto* file : files) {
      if (file->service_count() == 0) continue;
      std::string stem = file->name();
      stem.erase(stem.size() - std::string(".proto").size());
      const auto glue = market::codegen::GenerateServiceGlue(*file, stem);
      if (!glue.error.empty()) {
        *error = glue.error;
        return false;
      }
      if (!WriteFile(*context, stem + ".connect.h", glue.header) ||
          !WriteFile(*context, stem + ".connect.cc", glue.source)) {
        *error = "cannot write the glue of " + file->name();
        return false;
      }
    }
    return true;
  }
};

}  // namespace

int main(int argc, char* argv[]) {
  MarketGenerator generator;
  return pb::compiler::PluginMain(argc, argv, &generator);
}
