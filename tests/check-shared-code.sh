#!/usr/bin/env bash
# lib/core and gst/common are shared libraries so that one copy of their code and state serves
# every plugin in a process (one registration of GstMkBufferPool, one log hook). This checks the
# built plugins: each links both libraries and defines none of their symbols itself.
# Usage: check-shared-code.sh <plugin.so>...
command -v nm >/dev/null && command -v readelf >/dev/null || { echo "needs binutils"; exit 77; }
bad=0
for so in "$@"; do
  needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  for lib in libmkcore.so.0 libgstmkcommon.so.0; do
    grep -qx "$lib" <<<"$needed" || { echo "$so: does not link $lib"; bad=1; }
  done
  # Every symbol the plugin defines, local ones included.
  copies=$(nm -C --defined-only "$so" | grep -E ' (gst_mk_buffer_pool_get_type|gst_mk_options_install_properties|gst_mk_log_init|mk::OptionTable::|mk::BufferPool::|mk::Looper::)' | head -n 5)
  if [[ -n $copies ]]; then
    echo "$so: carries its own copy of shared code:"
    echo "$copies"
    bad=1
  fi
done
(( bad == 0 )) && echo "ok: $# plugins share lib/core and gst/common"
exit $bad
