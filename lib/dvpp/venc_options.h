// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::dvpp::encoderOptions(): the OptionTable over EncoderSettings that ascendvenc exposes as
// GObject properties. Ranges are the widest any supported chip accepts; EncoderSession::create()
// checks the chip's own limits and cross-field rules (qp-min <= qp-max, max-bitrate >= bitrate).
#pragma once

#include "core/options.h"
#include "dvpp/session.h"

namespace mk {
namespace dvpp {

// The table, in property order. Fields not in it (codec, profile, size, frame rate, format) come
// from caps.
const OptionTable &encoderOptions() noexcept;

}  // namespace dvpp
}  // namespace mk
