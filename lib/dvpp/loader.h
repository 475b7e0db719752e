// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::dvpp::Api: the vendor runtime (libacl_dvpp_mpi.so for hi_mpi, libascendcl.so for ACL),
// dlopen'ed at first use into a table of function pointers; nothing is linked at build time.
// A load either resolves every required symbol or fails naming the library and each missing
// symbol; optional symbols are null when absent. Paths: $GST_ASCEND_MPI_LIB, $GST_ASCEND_ACL_LIB.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "dvpp/hi_mpi.h"

namespace mk {
namespace dvpp {

inline constexpr const char *kMpiLibEnv = "GST_ASCEND_MPI_LIB";
inline constexpr const char *kAclLibEnv = "GST_ASCEND_ACL_LIB";
inline constexpr const char *kDefaultMpiLib = "libacl_dvpp_mpi.so";
inline constexpr const char *kDefaultAclLib = "libascendcl.so";

// X(name): every symbol we resolve, by library and by whether its absence fails the load.
#define MK_DVPP_MPI_REQUIRED(X) \
  X(hi_mpi_sys_init)            \
  X(hi_mpi_sys_exit)            \
  X(hi_mpi_sys_create_epoll)    \
  X(hi_mpi_sys_ctl_epoll)       \
  X(hi_mpi_sys_wait_epoll)      \
  X(hi_mpi_sys_close_epoll)     \
  X(hi_mpi_dvpp_malloc)         \
  X(hi_mpi_dvpp_free)           \
  X(hi_mpi_venc_create_chn)     \
  X(hi_mpi_venc_destroy_chn)    \
  X(hi_mpi_venc_start_chn)      \
  X(hi_mpi_venc_stop_chn)       \
  X(hi_mpi_venc_get_fd)         \
  X(hi_mpi_venc_query_status)   \
  X(hi_mpi_venc_get_stream)     \
  X(hi_mpi_venc_release_stream) \
  X(hi_mpi_venc_send_frame)     \
  X(hi_mpi_venc_set_mod_param)  \
  X(hi_mpi_venc_get_mod_param)  \
  X(hi_mpi_venc_get_rc_param)   \
  X(hi_mpi_venc_set_rc_param)   \
  X(hi_mpi_venc_set_scene_mode) \
  X(hi_mpi_venc_request_idr)    \
  X(hi_mpi_venc_set_chn_param)

#define MK_DVPP_MPI_OPTIONAL(X)    \
  X(hi_mpi_venc_set_chn_attr)      \
  X(hi_mpi_venc_get_chn_attr)      \
  X(hi_mpi_venc_get_chn_param)     \
  X(hi_mpi_venc_close_fd)          \
  X(hi_mpi_venc_set_h264_vui)      \
  X(hi_mpi_venc_set_h265_vui)      \
  X(hi_mpi_venc_set_intra_refresh) \
  X(hi_mpi_venc_get_intra_refresh) \
  X(hi_mpi_dvpp_get_version)       \
  X(hi_mpi_sys_get_image_align_info)

#define MK_DVPP_ACL_REQUIRED(X) \
  X(aclInit)                    \
  X(aclrtSetDevice)             \
  X(aclrtResetDevice)           \
  X(aclrtCreateContext)         \
  X(aclrtDestroyContext)        \
  X(aclrtSetCurrentContext)     \
  X(aclrtGetRunMode)            \
  X(aclrtMemcpy)

#define MK_DVPP_ACL_OPTIONAL(X) \
  X(aclFinalize)                \
  X(aclrtGetCurrentContext)     \
  X(aclrtGetSocName)

// The function table. Members are named after the C functions: api.hi_mpi_venc_send_frame(...).
struct Api {
#define MK_DVPP_API_MEMBER(name) decltype(&::name) name = nullptr;
  MK_DVPP_MPI_REQUIRED(MK_DVPP_API_MEMBER)
  MK_DVPP_MPI_OPTIONAL(MK_DVPP_API_MEMBER)
  MK_DVPP_ACL_REQUIRED(MK_DVPP_API_MEMBER)
  MK_DVPP_ACL_OPTIONAL(MK_DVPP_API_MEMBER)
#undef MK_DVPP_API_MEMBER

  std::string mpi_path;  // as passed to dlopen
  std::string acl_path;

  Api() = default;
  Api(const Api &) = delete;
  Api &operator=(const Api &) = delete;
  // dlclose()s both libraries: only for tables from loadApiFrom() that no one uses any more.
  ~Api();

 private:
  friend Result<std::unique_ptr<Api>> loadApiFrom(const std::string &, const std::string &);
  void *mpi_handle_ = nullptr;
  void *acl_handle_ = nullptr;
};

// The process-wide table, loaded on the first call (thread-safe) from the env paths or the
// defaults, and never unloaded. Later calls return the same table, or the same failure:
// kNotFound naming the library (and the env variable that overrides its path) or the missing
// symbols.
[[nodiscard]] Result<const Api *> loadApi() noexcept;

// An uncached load from explicit paths (tests, tools). The libraries close with the table.
[[nodiscard]] Result<std::unique_ptr<Api>> loadApiFrom(const std::string &mpi_path,
                                                       const std::string &acl_path);

}  // namespace dvpp
}  // namespace mk
