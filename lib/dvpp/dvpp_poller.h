// SPDX-License-Identifier: LGPL-2.1-or-later
// An mk::Poller over the DVPP epoll family (hi_mpi_sys_create_epoll / ctl / wait / close), for
// the mk::Looper that collects VENC streams. wake() is instant when the DVPP epoll accepts an
// eventfd (the simulator's does); otherwise waits are cut into short slices that check a flag.
// It never calls back into its user; the caller binds the ACL context on each calling thread.
#pragma once

#include <memory>

#include "core/poller.h"
#include "core/result.h"
#include "dvpp/loader.h"

namespace mk {
namespace dvpp {

// Longest single wait when wake() cannot interrupt one (no eventfd support).
inline constexpr int kPollerSliceMs = 100;

[[nodiscard]] Result<std::unique_ptr<Poller>> makeDvppPoller(const Api &api) noexcept;

}  // namespace dvpp
}  // namespace mk
