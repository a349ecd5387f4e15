// The README's "who may call what" table, made from the access options of every method:
//
//   | method | who may call it | rule the service adds |
//   |---|---|---|
//   | `market.listings.v1.ListingsService/GetProfile` | freelancer, client, operator or service | |
//
// Rows follow the order of the files given, then of services and methods in each file.
#pragma once

#include <string>
#include <vector>

namespace google::protobuf {
class FileDescriptor;
}

namespace market::codegen {

struct AccessTable {
  std::string markdown;
  // Empty when every method declares its access; otherwise the first refusal.
  std::string error;
};

AccessTable GenerateAccessTable(const std::vector<const google::protobuf::FileDescriptor*>& files);

}  // namespace market::codegen
