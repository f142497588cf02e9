#include "plugins/status.hpp"

namespace grhost::plugins {

grhost_status* make_status(grhost_status_code code, const std::string& message) {
  return new grhost_status{code, message};
}

const char* status_code_name(grhost_status_code code) {
  switch (code) {
    case GRHOST_OK: return "ok";
    case GRHOST_INVALID_ARGUMENT: return "invalid argument";
    case GRHOST_NOT_FOUND: return "not found";
    case GRHOST_IO_ERROR: return "I/O error";
    case GRHOST_UNSUPPORTED: return "unsupported";
    case GRHOST_INTERNAL: return "internal error";
  }
  return "unknown status code";
}

}  // namespace grhost::plugins
