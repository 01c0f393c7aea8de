// The OpenAPI 3.0 document of the whole API (api/openapi.json, compiled into the binary), the
// contract the tests check the server's route table against.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace c4::api {

// The document's text, as shipped. GET /openapi.json serves it.
const std::string& openapi_document();

// Every (METHOD, path template) the document describes, e.g. ("GET", "/1.0/dids/{id}"), with
// the component that serves it (its x-c4-owner: "server", "routing", "cdr", "reconcile").
struct DocumentedOperation {
  std::string method, path, owner;
};
std::vector<DocumentedOperation> openapi_operations();

}  // namespace c4::api
