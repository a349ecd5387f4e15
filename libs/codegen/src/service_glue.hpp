// The C++ glue for each service of a .proto file: `<stem>.connect.h` and `<stem>.connect.cc`
// beside protoc's `<stem>.pb.h`. For `service ListingsService` in package market.listings.v1:
//
//   namespace market::listings::v1 {
//   class ListingsServiceBase {             // one pure virtual method per rpc
//     virtual Status GetProfile(const connect::CallContext&, const GetProfileRequest&,
//                               GetProfileResponse&) = 0;
//   };
//   void Register(connect::Router&, ListingsServiceBase&);   // each method behind its access
//   class ListingsServiceClient { StatusOr<GetProfileResponse> GetProfile(...); };
//   }
//
// A file without services gets no glue.
#pragma once

#include <string>

namespace google::protobuf {
class Descriptor;
class FileDescriptor;
}  // namespace google::protobuf

namespace market::codegen {

struct GeneratedGlue {
  std::string header;
  std::string source;
  // Empty when every method declares its access; otherwise the first refusal.
  std::string error;
};

// `stem` is the file's name without ".proto" ("market/listings/v1/listings").
GeneratedGlue GenerateServiceGlue(const google::protobuf::FileDescriptor& file,
                                  const std::string& stem);

// The fully qualified C++ name of a message: "::market::listings::v1::GetProfileRequest".
std::string CppTypeName(const google::protobuf::Descriptor& message);

}  // namespace market::codegen
