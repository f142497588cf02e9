// grhost/torch_bridge.hpp — for plugins that link LibTorch.
//
// Include it before GRHOST_PLUGIN is used: it makes the plugin record which
// LibTorch it was built against. Two LibTorch copies cannot share a process,
// so the host refuses a plugin whose stamp differs from its own.
#pragma once

#include <cstddef>  // defines _GLIBCXX_USE_CXX11_ABI
#include <torch/version.h>

#define GRHOST_DETAIL_STR2(x) #x
#define GRHOST_DETAIL_STR(x) GRHOST_DETAIL_STR2(x)

/// "torch=<version>;cxx11abi=<0|1>": the LibTorch version and C++ ABI flag.
#define GRHOST_TORCH_BUILD_STAMP "torch=" TORCH_VERSION ";cxx11abi=" GRHOST_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI)

#undef GRHOST_BUILD_STAMP
#define GRHOST_BUILD_STAMP GRHOST_TORCH_BUILD_STAMP
