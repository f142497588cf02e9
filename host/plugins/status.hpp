// grhost_status, as the host defines it: a code and a message it owns.
#pragma once

#include <grhost/grhost.h>

#include <string>

struct grhost_status {
  grhost_status_code code;
  std::string message;
};

namespace grhost::plugins {

grhost_status* make_status(grhost_status_code code, const std::string& message);
const char* status_code_name(grhost_status_code code);

/// For the host's own C callbacks (the live model, the pixel source): runs
/// `body` and returns what it threw as a status for the plugin that called.
template <class Body>
grhost_status* status_of(Body&& body) noexcept {
  try {
    body();
    return nullptr;
  } catch (const std::exception& e) {
    return make_status(GRHOST_INTERNAL, e.what());
  } catch (...) {
    return make_status(GRHOST_INTERNAL, "unknown exception in a host callback");
  }
}

}  // namespace grhost::plugins
