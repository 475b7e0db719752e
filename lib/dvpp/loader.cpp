// SPDX-License-Identifier: LGPL-2.1-or-later
// RTLD_NOW so that a library missing a function it needs fails here, with its own message,
// rather than at the first call on a streaming thread. The cached table is never dlclose'd:
// the runtime starts threads that may outlive any one user.
#include "dvpp/loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <new>

#include "core/log.h"

namespace mk {
namespace dvpp {

namespace {

constexpr const char *kLog = "dvpp";

std::string envOr(const char *name, const char *fallback) {
  const char *value = std::getenv(name);
  return (value && *value) ? std::string(value) : std::string(fallback);
}

Status openLibrary(const std::string &path, const char *env, void **handle) {
  dlerror();
  *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (*handle) return Status::ok();
  const char *why = dlerror();
  return Status(Errc::kNotFound, "cannot load the Ascend runtime library '" + path + "' (" +
                                     (why ? why : "unknown error") + "); install CANN and " +
                                     "source its set_env.sh, or set " + env + " to its path");
}

template <typename Fn>
void resolve(void *handle, const char *name, Fn *slot) {
  *slot = reinterpret_cast<Fn>(dlsym(handle, name));
}

}  // namespace

Api::~Api() {
  if (mpi_handle_) dlclose(mpi_handle_);
  if (acl_handle_) dlclose(acl_handle_);
}

Result<std::unique_ptr<Api>> loadApiFrom(const std::string &mpi_path, const std::string &acl_path) {
  std::unique_ptr<Api> api(new (std::nothrow) Api());
  if (!api) return Status(Errc::kNoMemory, "out of memory");
  api->mpi_path = mpi_path;
  api->acl_path = acl_path;
  Status status = openLibrary(mpi_path, kMpiLibEnv, &api->mpi_handle_);
  if (!status) return status;
  status = openLibrary(acl_path, kAclLibEnv, &api->acl_handle_);
  if (!status) return status;

  std::string missing_mpi;
  std::string missing_acl;
#define MK_DVPP_RESOLVE(name) resolve(api->mpi_handle_, #name, &api->name);
  MK_DVPP_MPI_REQUIRED(MK_DVPP_RESOLVE)
  MK_DVPP_MPI_OPTIONAL(MK_DVPP_RESOLVE)
#undef MK_DVPP_RESOLVE
#define MK_DVPP_RESOLVE(name) resolve(api->acl_handle_, #name, &api->name);
  MK_DVPP_ACL_REQUIRED(MK_DVPP_RESOLVE)
  MK_DVPP_ACL_OPTIONAL(MK_DVPP_RESOLVE)
#undef MK_DVPP_RESOLVE
#define MK_DVPP_CHECK(list, name) \
  if (!api->name) list += std::string(list.empty() ? "" : ", ") + #name;
#define MK_DVPP_CHECK_MPI(name) MK_DVPP_CHECK(missing_mpi, name)
#define MK_DVPP_CHECK_ACL(name) MK_DVPP_CHECK(missing_acl, name)
  MK_DVPP_MPI_REQUIRED(MK_DVPP_CHECK_MPI)
  MK_DVPP_ACL_REQUIRED(MK_DVPP_CHECK_ACL)
#undef MK_DVPP_CHECK_ACL
#undef MK_DVPP_CHECK_MPI
#undef MK_DVPP_CHECK

  if (!missing_mpi.empty() || !missing_acl.empty()) {
    std::string message = "the Ascend runtime is incomplete:";
    if (!missing_mpi.empty())
      message += " '" + mpi_path + "' lacks the required symbol(s) " + missing_mpi + ";";
    if (!missing_acl.empty())
      message += " '" + acl_path + "' lacks the required symbol(s) " + missing_acl + ";";
    message += " a CANN version with the hi_mpi VENC API is needed";
    return Status(Errc::kNotFound, std::move(message));
  }
  MK_LOG_INFO(kLog, "loaded '%s' and '%s'%s%s", mpi_path.c_str(), acl_path.c_str(),
              api->hi_mpi_venc_set_chn_attr ? "" : " (no set_chn_attr: bitrate changes reopen)",
              api->aclrtGetSocName ? "" : " (no aclrtGetSocName)");
  return api;
}

Result<const Api *> loadApi() noexcept {
  static std::once_flag once;
  static const Api *table = nullptr;
  static Status *failure = nullptr;
  std::call_once(once, [] {
    auto loaded = loadApiFrom(envOr(kMpiLibEnv, kDefaultMpiLib), envOr(kAclLibEnv, kDefaultAclLib));
    if (loaded) {
      table = std::move(loaded).value().release();  // never unloaded, by design
    } else {
      failure = new (std::nothrow) Status(loaded.status());
      MK_LOG_WARNING(kLog, "%s", loaded.status().message().c_str());
    }
  });
  if (table) return table;
  if (failure) return *failure;
  return Status(Errc::kNoMemory, "out of memory");
}

}  // namespace dvpp
}  // namespace mk
