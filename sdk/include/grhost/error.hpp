// grhost/error.hpp — errors on the plugin side of the boundary.
//
// Inside a plugin, C++ code reports failure by throwing grhost::Error (or any
// std::exception); the trampolines in plugin.hpp turn it into a grhost_status
// made by the host, so no exception ever crosses the C boundary.
#pragma once

#include <grhost/grhost.h>

#include <stdexcept>
#include <string>

namespace grhost {

/// An error with a status code, thrown by plugin code and by the SDK helpers.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, grhost_status_code code = GRHOST_INVALID_ARGUMENT)
      : std::runtime_error(message), code_(code) {}
  grhost_status_code code() const noexcept { return code_; }

 private:
  grhost_status_code code_;
};

namespace detail {

/// The host's function table, stored once by the entry point.
inline const grhost_host_api*& host_slot() noexcept {
  static const grhost_host_api* host = nullptr;
  return host;
}

}  // namespace detail

/// The host's function table; valid once the entry point has run.
inline const grhost_host_api& host() {
  const grhost_host_api* h = detail::host_slot();
  if (h == nullptr) throw Error("grhost SDK: host API used before grhost_plugin_entry ran", GRHOST_INTERNAL);
  return *h;
}

/// Throws grhost::Error carrying the message of a status a host call
/// returned, and releases the status.
inline void check(grhost_status* status) {
  if (status == nullptr) return;
  const grhost_host_api& h = host();
  std::string message = h.status_message(status);
  h.release_status(status);
  throw Error(message, GRHOST_INVALID_ARGUMENT);
}

/// Logs through the host (terminal and the run's log file).
inline void log(grhost_log_level level, const std::string& message) {
  const grhost_host_api* h = detail::host_slot();
  if (h != nullptr && h->log != nullptr) h->log(level, message.c_str());
}

namespace detail {

/// Runs `body` and converts any exception into a host-made status. Used by
/// every trampoline: the one place where C++ errors become C statuses.
template <class Body>
grhost_status* guarded(const char* where, Body&& body) noexcept {
  try {
    body();
    return nullptr;
  } catch (const Error& e) {
    return host_slot()->make_status(e.code(), e.what());
  } catch (const std::exception& e) {
    return host_slot()->make_status(GRHOST_INTERNAL, (std::string(where) + ": " + e.what()).c_str());
  } catch (...) {
    return host_slot()->make_status(GRHOST_INTERNAL, (std::string(where) + ": unknown exception").c_str());
  }
}

}  // namespace detail
}  // namespace grhost
