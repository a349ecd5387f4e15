#include "access_table.hpp"

#include <google/protobuf/descriptor.h>

#include "access_rule.hpp"

namespace market::codegen {
AccessTable GenerateAccessTable(const std::vector<const google::protobuf::FileDescriptor*>& files) {
  AccessTable table;
  table.markdown =
      "| method | who may call it | rule the service adds |\n"
      "|---|---|---|\n";
  for (const auto* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto& service = *file->service(s);
      for (int m = 0; m < service.method_count(); ++m) {
        const auto& method = *service.method(m);
        const AccessRule rule = ReadAccessRule(method);
        if (!rule.ok()) {
          table.error = rule.error;
          return table;
        }
        table.markdown += "| `" + MethodPath(method) + "` | " + WhoMayCall(rule) + " |" +
                          (rule.rule.empty() ? "" : " " + rule.rule + " ") + "|\n";
      }
    }
  }
  return table;
}

}  // namespace market::codegen
