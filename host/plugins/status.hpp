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

}  // namespace grhost::plugins
