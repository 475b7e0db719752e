#!/usr/bin/env bash
# Elements post errors and warnings only through their message tables (GST_MK_POST,
# GST_MK_DECODER_ERROR), so docs/troubleshooting.md lists all of them; and every table entry is
# posted somewhere, so the page lists nothing that cannot happen.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/gst" || exit 1
bad=0

# Direct posting, outside the helper's own definition.
pattern='\b(GST_ELEMENT_ERROR|GST_ELEMENT_ERROR_WITH_DETAILS|GST_ELEMENT_WARNING|GST_ELEMENT_WARNING_WITH_DETAILS|GST_VIDEO_DECODER_ERROR|_gst_video_decoder_error|gst_element_message_full|gst_element_message_full_with_details|gst_message_new_error|gst_message_new_warning|gst_message_new_error_with_details|gst_message_new_warning_with_details)\b'
if grep -nE "$pattern" --include='*.cpp' --include='*.h' --include='*.c' -r . |
    grep -vE '^\./common/gstmkmessages\.(h|cpp):'; then
  echo "^ post through a message table instead (gst/common/gstmkmessages.h)"
  bad=1
fi

# Every id of a table is posted by some element.
for header in gif/gstgifmessages.h ascend/gstascendmessages.h; do
  ids=$(grep -oE '\bGST_[A-Z]+_MSG_[A-Z0-9_]+\b' "$header" | grep -v '_COUNT$' | sort -u)
  [[ -n $ids ]] || { echo "$header: no message ids found"; bad=1; continue; }
  for id in $ids; do
    if ! grep -rqw --include='*.cpp' --exclude='*messages.cpp' "$id" .; then
      echo "$header: $id is never posted (remove it from the table, or post it)"
      bad=1
    fi
  done
done

(( bad )) || echo "every error and warning goes through a message table, and every entry is used"
exit $bad
