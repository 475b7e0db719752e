// SPDX-License-Identifier: LGPL-2.1-or-later
// The subset of the Ascend DVPP "hi_mpi" VENC API and of ACL that we call, restated in our own
// words from the public API documentation (names, field order, values; no vendor header text).
// Shared by the loader (which only takes the function types) and lib/dvppsim (which defines
// them). The static_asserts pin the LP64 layout; it is unverified against a vendor binary.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

// ---- base types ---------------------------------------------------------------------------------
typedef unsigned char hi_u8;
typedef signed char hi_s8;
typedef unsigned short hi_u16;
typedef short hi_s16;
typedef unsigned int hi_u32;
typedef int hi_s32;
typedef unsigned long long hi_u64;
typedef long long hi_s64;
typedef char hi_char;
typedef double hi_double;
typedef float hi_float;
typedef enum { HI_FALSE = 0, HI_TRUE = 1 } hi_bool;  // an enum: 4 bytes

#define MK_HI_ALIGN8 __attribute__((aligned(8)))  // the vendor's ATTRIBUTE on pointer/len fields

#define HI_SUCCESS 0
#define HI_FAILURE (-1)

// ---- error codes: 0xA0000000 | mod << 16 | level(ERROR=4) << 13 | err --------------------------
#define MK_HI_ERR(mod, err) ((hi_s32)(0xA0000000u | ((hi_u32)(mod) << 16) | (4u << 13) | (err)))
#define MK_HI_MOD_SYS 2u
#define MK_HI_MOD_VENC 8u
#define MK_HI_ERRNO_INVALID_CHN_ID 0x02u
#define MK_HI_ERRNO_ILLEGAL_PARAM 0x03u
#define MK_HI_ERRNO_EXIST 0x04u
#define MK_HI_ERRNO_UNEXIST 0x05u
#define MK_HI_ERRNO_NULL_PTR 0x06u
#define MK_HI_ERRNO_NOT_CFG 0x07u
#define MK_HI_ERRNO_NOT_SUPPORT 0x08u
#define MK_HI_ERRNO_NOT_PERM 0x09u
#define MK_HI_ERRNO_NO_MEM 0x0Cu
#define MK_HI_ERRNO_NO_BUF 0x0Du
#define MK_HI_ERRNO_BUF_EMPTY 0x0Eu
#define MK_HI_ERRNO_BUF_FULL 0x0Fu
#define MK_HI_ERRNO_SYS_NOT_READY 0x10u
#define MK_HI_ERRNO_BAD_ADDR 0x11u
#define MK_HI_ERRNO_BUSY 0x12u
#define MK_HI_ERRNO_SIZE_NOT_ENOUGH 0x13u
#define MK_HI_ERRNO_TIMEOUT 0x14u
#define MK_HI_ERRNO_SYS_ERROR 0x15u

#define HI_ERR_VENC_INVALID_CHN_ID MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_INVALID_CHN_ID)
#define HI_ERR_VENC_ILLEGAL_PARAM MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_ILLEGAL_PARAM)
#define HI_ERR_VENC_EXIST MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_EXIST)
#define HI_ERR_VENC_UNEXIST MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_UNEXIST)
#define HI_ERR_VENC_NULL_PTR MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_NULL_PTR)
#define HI_ERR_VENC_NOT_CFG MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_NOT_CFG)
#define HI_ERR_VENC_NOT_SUPPORT MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_NOT_SUPPORT)
#define HI_ERR_VENC_NOT_PERM MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_NOT_PERM)
#define HI_ERR_VENC_NO_MEM MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_NO_MEM)
#define HI_ERR_VENC_NO_BUF MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_NO_BUF)
#define HI_ERR_VENC_BUF_EMPTY MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_BUF_EMPTY)
#define HI_ERR_VENC_BUF_FULL MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_BUF_FULL)
#define HI_ERR_VENC_SYS_NOT_READY MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_SYS_NOT_READY)
#define HI_ERR_VENC_BAD_ADDR MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_BAD_ADDR)
#define HI_ERR_VENC_BUSY MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_BUSY)
#define HI_ERR_VENC_SYS_ERROR MK_HI_ERR(MK_HI_MOD_VENC, MK_HI_ERRNO_SYS_ERROR)
#define HI_ERR_SYS_ILLEGAL_PARAM MK_HI_ERR(MK_HI_MOD_SYS, MK_HI_ERRNO_ILLEGAL_PARAM)
#define HI_ERR_SYS_NULL_PTR MK_HI_ERR(MK_HI_MOD_SYS, MK_HI_ERRNO_NULL_PTR)
#define HI_ERR_SYS_NOT_PERM MK_HI_ERR(MK_HI_MOD_SYS, MK_HI_ERRNO_NOT_PERM)
#define HI_ERR_SYS_NO_MEM MK_HI_ERR(MK_HI_MOD_SYS, MK_HI_ERRNO_NO_MEM)
#define HI_ERR_SYS_NOT_READY MK_HI_ERR(MK_HI_MOD_SYS, MK_HI_ERRNO_SYS_NOT_READY)
#define HI_ERR_SYS_BAD_ADDR MK_HI_ERR(MK_HI_MOD_SYS, MK_HI_ERRNO_BAD_ADDR)
#define HI_ERR_SYS_SYS_ERROR MK_HI_ERR(MK_HI_MOD_SYS, MK_HI_ERRNO_SYS_ERROR)

// ---- sys and epoll ------------------------------------------------------------------------------
enum hi_dvpp_epoll_ctl_op {
  HI_DVPP_EPOLL_CTL_ADD = 1,
  HI_DVPP_EPOLL_CTL_MOD = 2,
  HI_DVPP_EPOLL_CTL_DEL = 3
};
// Not Linux's values: EPOLLOUT is 4 there.
enum hi_dvpp_epoll_event_type : hi_u32 {
  HI_DVPP_EPOLL_IN = 1u,
  HI_DVPP_EPOLL_OUT = 2u,
  HI_DVPP_EPOLL_ET = 1u << 31
};
typedef struct {
  hi_u32 events;
  void *data;
} hi_dvpp_epoll_event;

typedef enum {
  HI_PIXEL_FORMAT_YUV_400 = 0,
  HI_PIXEL_FORMAT_YUV_SEMIPLANAR_420 = 1,  // NV12
  HI_PIXEL_FORMAT_YVU_SEMIPLANAR_420 = 2,  // NV21
  HI_PIXEL_FORMAT_UNKNOWN = 10000,
} hi_pixel_format;

typedef enum {
  HI_MODULE_TYPE_VPC = 0,
  HI_MODULE_TYPE_VENC = 1,
  HI_MODULE_TYPE_VDEC = 2,
  HI_MODULE_TYPE_JPEGE = 3,
  HI_MODULE_TYPE_JPEGD = 4,
  HI_MODULE_TYPE_PNGD = 5,
  HI_MODULE_TYPE_ALL = 100
} hi_module_type;
typedef struct {
  hi_u32 width;
  hi_u32 height;
  hi_pixel_format pixel_format;
  hi_u64 reserved[2];
} hi_img_base_info;
typedef struct {
  hi_u32 width_stride;
  hi_u32 height_stride;
  hi_u64 img_buf_size;
  hi_u64 reserved[2];
} hi_img_align_info;

// ---- video frame --------------------------------------------------------------------------------
typedef enum {
  HI_DATA_BIT_WIDTH_8 = 0,
  HI_DATA_BIT_WIDTH_10,
  HI_DATA_BIT_WIDTH_12,
  HI_DATA_BIT_WIDTH_14,
  HI_DATA_BIT_WIDTH_16
} hi_data_bit_width;
typedef enum { HI_VIDEO_FORMAT_LINEAR = 0, HI_VIDEO_FORMAT_TILE_64x16 } hi_video_format;
typedef enum {
  HI_COMPRESS_MODE_NONE = 0,
  HI_COMPRESS_MODE_SEG,
  HI_COMPRESS_MODE_TILE,
  HI_COMPRESS_MODE_HFBC
} hi_compress_mode;
typedef enum {
  HI_COLOR_GAMUT_BT601 = 0,
  HI_COLOR_GAMUT_BT709,
  HI_COLOR_GAMUT_BT2020,
  HI_COLOR_GAMUT_USER
} hi_color_gamut;
typedef enum {
  HI_DYNAMIC_RANGE_SDR8 = 0,
  HI_DYNAMIC_RANGE_SDR10,
  HI_DYNAMIC_RANGE_HDR10,
  HI_DYNAMIC_RANGE_HLG,
  HI_DYNAMIC_RANGE_SLF,
  HI_DYNAMIC_RANGE_XDR
} hi_dynamic_range;
typedef enum {
  HI_VIDEO_FIELD_TOP = 1,
  HI_VIDEO_FIELD_BOTTOM = 2,
  HI_VIDEO_FIELD_INTERLACED = 3,
  HI_VIDEO_FIELD_FRAME = 4
} hi_video_field;
typedef enum { HI_ID_VENC = 8, HI_ID_BUTT = 0x100 } hi_mod_id;
typedef enum {
  HI_PT_JPEG = 26,
  HI_PT_H264 = 96,
  HI_PT_H265 = 265,
  HI_PT_MJPEG = 1002
} hi_payload_type;

typedef struct {
  hi_u32 width;
  hi_u32 height;
} hi_video_size;
typedef struct {
  hi_s32 x;
  hi_s32 y;
  hi_u32 width;
  hi_u32 height;
} hi_rect;

typedef struct {
  hi_u64 misc_info_phys_addr;
  hi_u64 jpeg_dcf_phys_addr;
  hi_u64 isp_info_phys_addr;
  hi_u64 low_delay_phys_addr;
  hi_u64 bnr_rnt_phys_addr;
  hi_u64 motion_data_phys_addr;
  hi_u64 frame_dng_phys_addr;
  void *misc_info_virt_addr MK_HI_ALIGN8;
  void *jpeg_dcf_virt_addr MK_HI_ALIGN8;
  void *isp_info_virt_addr MK_HI_ALIGN8;
  void *low_delay_virt_addr MK_HI_ALIGN8;
  void *bnr_rnt_virt_addr MK_HI_ALIGN8;
  void *motion_data_virt_addr MK_HI_ALIGN8;
  void *frame_dng_virt_addr MK_HI_ALIGN8;
} hi_video_supplement;

typedef struct {
  hi_u32 width;
  hi_u32 height;
  hi_video_field field;
  hi_pixel_format pixel_format;
  hi_video_format video_format;
  hi_compress_mode compress_mode;
  hi_dynamic_range dynamic_range;
  hi_color_gamut color_gamut;
  hi_u32 header_stride[3];
  hi_u32 width_stride[3];
  hi_u32 height_stride[3];
  hi_u64 header_phys_addr[3];
  hi_u64 phys_addr[3];
  void *header_virt_addr[3] MK_HI_ALIGN8;
  void *virt_addr[3] MK_HI_ALIGN8;
  hi_u32 time_ref;  // even and increasing
  hi_u64 pts;       // passed through to hi_venc_pack.pts
  hi_u64 user_data[2];
  hi_u32 frame_flag;
  hi_video_supplement supplement;
} hi_video_frame;

typedef struct {
  hi_video_frame v_frame;
  hi_u32 pool_id;
  hi_mod_id mod_id;
} hi_video_frame_info;

// ---- VENC ---------------------------------------------------------------------------------------
typedef hi_s32 hi_venc_chn;
#define HI_VENC_MAX_PACK_INFO_NUM 8
#define HI_VENC_TEXTURE_THRESHOLD_SIZE 16
#define HI_VENC_QP_HIST_NUM 52
#define HI_VENC_MAX_SSE_NUM 8

typedef enum {
  HI_VENC_H264_NALU_B_SLICE = 0,
  HI_VENC_H264_NALU_P_SLICE = 1,
  HI_VENC_H264_NALU_I_SLICE = 2,
  HI_VENC_H264_NALU_IDR_SLICE = 5,
  HI_VENC_H264_NALU_SEI = 6,
  HI_VENC_H264_NALU_SPS = 7,
  HI_VENC_H264_NALU_PPS = 8,
  HI_VENC_H264_NALU_BUTT
} hi_venc_h264_nalu_type;
typedef enum {
  HI_VENC_H265_NALU_B_SLICE = 0,
  HI_VENC_H265_NALU_P_SLICE = 1,
  HI_VENC_H265_NALU_I_SLICE = 2,
  HI_VENC_H265_NALU_IDR_SLICE = 19,
  HI_VENC_H265_NALU_VPS = 32,
  HI_VENC_H265_NALU_SPS = 33,
  HI_VENC_H265_NALU_PPS = 34,
  HI_VENC_H265_NALU_SEI = 39,
  HI_VENC_H265_NALU_ENHANCE = 64,
  HI_VENC_H265_NALU_BUTT
} hi_venc_h265_nalu_type;
typedef union {
  hi_venc_h264_nalu_type h264_type;
  hi_venc_h265_nalu_type h265_type;
} hi_venc_data_type;

typedef enum {
  HI_VENC_RC_MODE_H264_CBR = 1,
  HI_VENC_RC_MODE_H264_VBR,
  HI_VENC_RC_MODE_H264_AVBR,
  HI_VENC_RC_MODE_H264_QVBR,
  HI_VENC_RC_MODE_H264_CVBR,
  HI_VENC_RC_MODE_H264_FIXQP,
  HI_VENC_RC_MODE_H264_QPMAP,
  HI_VENC_RC_MODE_MJPEG_CBR,
  HI_VENC_RC_MODE_MJPEG_VBR,
  HI_VENC_RC_MODE_MJPEG_FIXQP,
  HI_VENC_RC_MODE_H265_CBR,  // 11
  HI_VENC_RC_MODE_H265_VBR,
  HI_VENC_RC_MODE_H265_AVBR,
  HI_VENC_RC_MODE_H265_QVBR,
  HI_VENC_RC_MODE_H265_CVBR,
  HI_VENC_RC_MODE_H265_FIXQP,
  HI_VENC_RC_MODE_H265_QPMAP,  // 17
  HI_VENC_RC_MODE_BUTT,
} hi_venc_rc_mode;

typedef enum {
  HI_VENC_GOP_MODE_NORMAL_P = 0,
  HI_VENC_GOP_MODE_DUAL_P,
  HI_VENC_GOP_MODE_SMART_P,
  HI_VENC_GOP_MODE_ADV_SMART_P,
  HI_VENC_GOP_MODE_BIPRED_B,
  HI_VENC_GOP_MODE_LOW_DELAY_B
} hi_venc_gop_mode;
typedef enum {
  HI_VENC_MOD_VENC = 1,
  HI_VENC_MOD_H264,
  HI_VENC_MOD_H265,
  HI_VENC_MOD_JPEG,
  HI_VENC_MOD_RC
} hi_venc_mod_type;
typedef enum { HI_VENC_SCENE_0 = 0, HI_VENC_SCENE_1, HI_VENC_SCENE_2 } hi_venc_scene_mode;
typedef enum {
  HI_VENC_RC_QPMAP_MODE_MEAN_QP = 0,
  HI_VENC_RC_QPMAP_MODE_MIN_QP,
  HI_VENC_RC_QPMAP_MODE_MAX_QP
} hi_venc_rc_qpmap_mode;
typedef enum { HI_VB_SRC_COMMON = 0, HI_VB_SRC_MOD, HI_VB_SRC_PRIVATE, HI_VB_SRC_USER } hi_vb_src;
typedef enum {
  HI_VENC_BASE_IDR_SLICE = 0,
  HI_VENC_BASE_P_SLICE_REF_TO_IDR,
  HI_VENC_BASE_P_SLICE_REF_BASE,
  HI_VENC_ENHANCE_P_SLICE_REF_ENHANCE,
  HI_VENC_ENHANCE_P_SLICE_REF_BASE,
  HI_VENC_ENHANCE_P_SLICE_NOT_FOR_REF
} hi_venc_ref_type;
typedef enum { HI_VENC_PIC_RECV_SINGLE = 0, HI_VENC_PIC_RECV_MULTI } hi_venc_pic_recv_mode;

typedef struct {
  hi_bool rcn_ref_share_buf_en;
  hi_u32 frame_buf_ratio;
} hi_venc_h264_attr;
typedef hi_venc_h264_attr hi_venc_h265_attr;
typedef struct {
  hi_bool dcf_en;
  struct {
    hi_u8 large_thumbnail_num;
    hi_video_size large_thumbnail_size[2];
  } mpf_cfg;
  hi_venc_pic_recv_mode recv_mode;
} hi_venc_jpeg_attr;
typedef struct {
  hi_char identifier[4];
  hi_s32 frame_rate_code;  // an enum in the API
  hi_s32 aspect_ratio;     // an enum in the API
} hi_venc_prores_attr;

typedef struct {
  hi_payload_type type;
  hi_u32 max_pic_width;
  hi_u32 max_pic_height;
  hi_u32 buf_size;  // % 64, [32 KiB, 1 GiB], >= max_w * max_h * 3 / 4
  hi_u32 profile;   // H.264: 0 baseline, 1 main, 2 high; H.265: 0 main
  hi_bool is_by_frame;
  hi_u32 pic_width;
  hi_u32 pic_height;
  union {
    hi_venc_h264_attr h264_attr;
    hi_venc_h265_attr h265_attr;
    hi_venc_jpeg_attr jpeg_attr;
    hi_venc_prores_attr prores_attr;
  };
} hi_venc_attr;

typedef struct {
  hi_u32 gop, stats_time, src_frame_rate, dst_frame_rate, bit_rate;
} hi_venc_h264_cbr;
typedef struct {
  hi_u32 gop, stats_time, src_frame_rate, dst_frame_rate, max_bit_rate;
} hi_venc_h264_vbr;
typedef hi_venc_h264_vbr hi_venc_h264_avbr;
typedef struct {
  hi_u32 gop, stats_time, src_frame_rate, dst_frame_rate, target_bit_rate;
} hi_venc_h264_qvbr;
typedef struct {
  hi_u32 gop, stats_time, src_frame_rate, dst_frame_rate, max_bit_rate;
  hi_u32 short_term_stats_time, long_term_stats_time, long_term_max_bit_rate,
      long_term_min_bit_rate;
} hi_venc_h264_cvbr;
typedef struct {
  hi_u32 gop, src_frame_rate, dst_frame_rate, i_qp, p_qp, b_qp;
} hi_venc_h264_fixqp;
typedef struct {
  hi_u32 gop, stats_time, src_frame_rate, dst_frame_rate;
} hi_venc_h264_qpmap;
typedef struct {
  hi_u32 gop, stats_time, src_frame_rate, dst_frame_rate;
  hi_venc_rc_qpmap_mode qpmap_mode;
} hi_venc_h265_qpmap;
typedef hi_venc_h264_cbr hi_venc_h265_cbr;
typedef hi_venc_h264_vbr hi_venc_h265_vbr;
typedef hi_venc_h264_avbr hi_venc_h265_avbr;
typedef hi_venc_h264_qvbr hi_venc_h265_qvbr;
typedef hi_venc_h264_cvbr hi_venc_h265_cvbr;
typedef hi_venc_h264_fixqp hi_venc_h265_fixqp;

typedef struct {
  hi_venc_rc_mode rc_mode;
  union {
    hi_venc_h264_cbr h264_cbr;
    hi_venc_h264_vbr h264_vbr;
    hi_venc_h264_avbr h264_avbr;
    hi_venc_h264_qvbr h264_qvbr;
    hi_venc_h264_cvbr h264_cvbr;
    hi_venc_h264_fixqp h264_fixqp;
    hi_venc_h264_qpmap h264_qpmap;
    hi_venc_h265_cbr h265_cbr;
    hi_venc_h265_vbr h265_vbr;
    hi_venc_h265_avbr h265_avbr;
    hi_venc_h265_qvbr h265_qvbr;
    hi_venc_h265_cvbr h265_cvbr;
    hi_venc_h265_fixqp h265_fixqp;
    hi_venc_h265_qpmap h265_qpmap;
  };
} hi_venc_rc_attr;

typedef struct {
  hi_venc_gop_mode gop_mode;
  union {
    struct {
      hi_s32 ip_qp_delta;
    } normal_p;
    struct {
      hi_u32 sp_interval;
      hi_s32 sp_qp_delta, ip_qp_delta;
    } dual_p;
    struct {
      hi_u32 bg_interval;
      hi_s32 bg_qp_delta, vi_qp_delta;
    } smart_p;
    struct {
      hi_u32 bg_interval;
      hi_s32 bg_qp_delta, vi_qp_delta;
    } adv_smart_p;
    struct {
      hi_u32 b_frame_num;
      hi_s32 b_qp_delta, ip_qp_delta;
    } bipred_b;
  };
} hi_venc_gop_attr;

typedef struct {
  hi_venc_attr venc_attr;  // only pic_width/pic_height may change after creation
  hi_venc_rc_attr rc_attr;
  hi_venc_gop_attr gop_attr;
} hi_venc_chn_attr;

typedef struct {
  hi_s32 recv_pic_num;  // -1: unlimited
} hi_venc_start_param;

typedef struct {
  hi_u32 one_stream_buf, mini_buf_mode, low_power_mode;
  hi_vb_src vb_src;
  hi_bool qp_hist_en;
  hi_u32 max_user_data_len;
} hi_venc_h264_mod_param;
typedef hi_venc_h264_mod_param hi_venc_h265_mod_param;
typedef struct {
  hi_u32 one_stream_buf, mini_buf_mode, clear_stream_buf, dering_mode;
} hi_venc_jpeg_mod_param;
typedef struct {
  hi_u32 buf_cache, frame_buf_recycle;
} hi_venc_venc_mod_param;
typedef struct {
  hi_venc_mod_type mod_type;
  union {
    hi_venc_venc_mod_param venc_mod_param;
    hi_venc_h264_mod_param h264_mod_param;
    hi_venc_h265_mod_param h265_mod_param;
    hi_venc_jpeg_mod_param jpeg_mod_param;
  };
} hi_venc_mod_param;

typedef struct {
  hi_bool color_to_grey_en;
  hi_u32 priority;  // 0 or 1
  hi_u32 max_stream_cnt;
  hi_u32 poll_wake_up_frame_cnt;
  struct {
    hi_bool enable;
    hi_rect rect;
  } crop_info;
  struct {
    hi_s32 src_frame_rate, dst_frame_rate;
  } frame_rate;
} hi_venc_chn_param;

typedef struct {
  hi_u32 max_i_proportion, min_i_proportion, max_qp, min_qp, max_i_qp, min_i_qp;
  hi_s32 max_reencode_times;
  hi_bool qpmap_en;
} hi_venc_h264_cbr_param;
typedef struct {
  hi_s32 chg_pos;
  hi_u32 max_i_proportion, min_i_proportion;
  hi_s32 max_reencode_times;
  hi_bool qpmap_en;
  hi_u32 max_qp, min_qp, max_i_qp, min_i_qp;
} hi_venc_h264_vbr_param;
typedef struct {
  hi_u32 max_i_proportion, min_i_proportion, max_qp, min_qp, max_i_qp, min_i_qp;
  hi_s32 max_reencode_times;
  hi_bool qpmap_en;
  hi_venc_rc_qpmap_mode qpmap_mode;
} hi_venc_h265_cbr_param;
typedef struct {  // field order differs from H.264's
  hi_s32 chg_pos;
  hi_u32 max_i_proportion, min_i_proportion;
  hi_s32 max_reencode_times;
  hi_u32 max_qp, min_qp, max_i_qp, min_i_qp;
  hi_bool qpmap_en;
  hi_venc_rc_qpmap_mode qpmap_mode;
} hi_venc_h265_vbr_param;

typedef struct {
  hi_u32 threshold_i[HI_VENC_TEXTURE_THRESHOLD_SIZE];
  hi_u32 threshold_p[HI_VENC_TEXTURE_THRESHOLD_SIZE];
  hi_u32 threshold_b[HI_VENC_TEXTURE_THRESHOLD_SIZE];
  hi_u32 direction;             // [0, 16]
  hi_u32 row_qp_delta;          // [0, 10]
  hi_s32 first_frame_start_qp;  // [-1, 51]
  struct {
    hi_bool detect_scene_chg_en;
    hi_bool adapt_insert_idr_frame_en;
  } scene_chg_detect;
  union {
    hi_venc_h264_cbr_param h264_cbr_param;
    hi_venc_h264_vbr_param h264_vbr_param;
    hi_venc_h265_cbr_param h265_cbr_param;
    hi_venc_h265_vbr_param h265_vbr_param;
    hi_u32 opaque[15];  // AVBR/QVBR/CVBR/FIXQP/MJPEG params: carried, never interpreted
  };
} hi_venc_rc_param;

typedef struct {
  hi_venc_data_type pack_type;
  hi_u32 pack_offset;
  hi_u32 pack_len;
} hi_venc_pack_info;

typedef struct {
  union {
    hi_u64 phys_addr;
    hi_u64 input_addr;  // virt_addr[0] of the input frame this pack came from
  };
  hi_u8 *addr MK_HI_ALIGN8;
  hi_u32 len MK_HI_ALIGN8;  // 0 means the encode failed
  hi_u64 pts;
  hi_bool is_frame_end;
  hi_venc_data_type data_type;
  hi_u32 offset;  // payload is addr + offset, len - offset bytes
  hi_u32 data_num;
  hi_venc_pack_info pack_info[HI_VENC_MAX_PACK_INFO_NUM];
} hi_venc_pack;

typedef struct {
  hi_u32 pic_bytes, inter16x16_mb_num, inter8x8_mb_num, intra16_mb_num, intra8_mb_num,
      intra4_mb_num;
  hi_venc_ref_type ref_type;
  hi_u32 update_attr_cnt, start_qp, mean_qp;
  hi_bool is_p_skip;
} hi_venc_h264_stream_info;
typedef struct {
  hi_u32 pic_bytes, inter64x64_cu_num, inter32x32_cu_num, inter16x16_cu_num, inter8x8_cu_num,
      intra32x32_cu_num, intra16x16_cu_num, intra8x8_cu_num, intra4x4_cu_num;
  hi_venc_ref_type ref_type;
  hi_u32 update_attr_cnt, start_qp, mean_qp;
  hi_bool is_p_skip;
} hi_venc_h265_stream_info;
typedef struct {
  hi_u32 pic_bytes, update_attr_cnt, qfactor;
} hi_venc_jpeg_stream_info;
typedef struct {
  hi_u32 pic_bytes, update_attr_cnt;
} hi_venc_prores_stream_info;

typedef struct {
  hi_u32 residual_bits, head_bits, madi_val, madp_val;
  hi_double psnr_val;
  hi_u32 sse_lcu_cnt;
  hi_u64 sse_sum;
  struct {
    hi_bool enable;
    hi_u64 sse_val;
  } sse_info[HI_VENC_MAX_SSE_NUM];
  hi_u32 qp_hist[HI_VENC_QP_HIST_NUM];
  hi_u32 move_scene16x16_num, move_scene_bits;
} hi_venc_h264_adv_stream_info;
typedef hi_venc_h264_adv_stream_info hi_venc_h265_adv_stream_info;

typedef struct {
  hi_venc_pack *pack MK_HI_ALIGN8;  // caller-owned array of pack_cnt entries
  hi_u32 pack_cnt MK_HI_ALIGN8;     // in: room (>= status.cur_packs); out: packs filled
  hi_u32 seq;
  union {
    hi_venc_h264_stream_info h264_info;
    hi_venc_jpeg_stream_info jpeg_info;
    hi_venc_h265_stream_info h265_info;
    hi_venc_prores_stream_info prores_info;
  };
  union {
    hi_venc_h264_adv_stream_info h264_adv_info;
    hi_venc_h265_adv_stream_info h265_adv_info;
  };
} hi_venc_stream;

typedef struct {
  hi_venc_ref_type ref_type;
  hi_u32 pic_bytes, pic_cnt, start_qp, mean_qp;
  hi_bool is_p_skip;
  hi_u32 residual_bits, head_bits, madi_val, madp_val;
  hi_u64 sse_sum;
  hi_u32 sse_lcu_cnt;
  hi_double psnr_val;
} hi_venc_stream_info;

typedef struct {
  hi_u32 left_pics, left_stream_bytes, left_stream_frames, cur_packs, left_recv_pics, left_enc_pics;
  hi_bool is_jpeg_snap_end;
  hi_u64 release_pic_pts;
  hi_venc_stream_info stream_info;
} hi_venc_chn_status;

// ---- unverified: no public CANN header confirms these ----------------------------------------
// Restated from the best public evidence: HiSilicon's MPP headers (hi_common_venc.h,
// hi_mpi_venc.h of the Hi35xx SDKs), from which the Ascend hi_mpi VENC API descends, and CANN
// documentation that names the calls without their layout. Looked up at run time as optional
// symbols, used only when the user asks for what they do (the intra-refresh property), and
// checked against the board by scripts/check-on-board (dvpp-probe prints their sizes and whether
// the runtime exports them). Not part of the checked layout below.
typedef enum {
  HI_VENC_INTRA_REFRESH_ROW = 0,
  HI_VENC_INTRA_REFRESH_COLUMN,
  HI_VENC_INTRA_REFRESH_BUTT
} hi_venc_intra_refresh_mode;
typedef struct {
  hi_bool enable;
  hi_venc_intra_refresh_mode mode;
  hi_u32 refresh_num;   // macroblock (H.264) or CTU (H.265) rows/columns refreshed per frame
  hi_u32 request_i_qp;  // QP of an I frame requested while refreshing
} hi_venc_intra_refresh;

// ---- functions: libacl_dvpp_mpi.so --------------------------------------------------------------
hi_s32 hi_mpi_sys_init(void);
hi_s32 hi_mpi_sys_exit(void);
hi_s32 hi_mpi_sys_create_epoll(hi_s32 size, hi_s32 *epoll_fd);
hi_s32 hi_mpi_sys_ctl_epoll(hi_s32 epoll_fd, hi_s32 op, hi_s32 fd, hi_dvpp_epoll_event *event);
hi_s32 hi_mpi_sys_wait_epoll(hi_s32 epoll_fd, hi_dvpp_epoll_event *events, hi_s32 max_events,
                             hi_s32 timeout_ms, hi_s32 *event_num);
hi_s32 hi_mpi_sys_close_epoll(hi_s32 epoll_fd);
hi_s32 hi_mpi_sys_get_image_align_info(const hi_module_type mods[], hi_u32 mod_num,
                                       const hi_img_base_info *base, hi_img_align_info *align);
hi_s32 hi_mpi_dvpp_malloc(hi_u32 dev_id, void **dev_ptr, hi_u64 size);
hi_s32 hi_mpi_dvpp_free(void *dev_ptr);
hi_s32 hi_mpi_dvpp_get_version(hi_s32 *major, hi_s32 *minor, hi_s32 *patch);

hi_s32 hi_mpi_venc_create_chn(hi_venc_chn chn, const hi_venc_chn_attr *attr);
hi_s32 hi_mpi_venc_destroy_chn(hi_venc_chn chn);
hi_s32 hi_mpi_venc_start_chn(hi_venc_chn chn, const hi_venc_start_param *param);
hi_s32 hi_mpi_venc_stop_chn(hi_venc_chn chn);
hi_s32 hi_mpi_venc_get_fd(hi_venc_chn chn);
hi_s32 hi_mpi_venc_close_fd(hi_venc_chn chn);
hi_s32 hi_mpi_venc_query_status(hi_venc_chn chn, hi_venc_chn_status *status);
hi_s32 hi_mpi_venc_get_stream(hi_venc_chn chn, hi_venc_stream *stream, hi_s32 milli_sec);
hi_s32 hi_mpi_venc_release_stream(hi_venc_chn chn, hi_venc_stream *stream);
hi_s32 hi_mpi_venc_send_frame(hi_venc_chn chn, const hi_video_frame_info *frame, hi_s32 milli_sec);
hi_s32 hi_mpi_venc_set_mod_param(const hi_venc_mod_param *param);
hi_s32 hi_mpi_venc_get_mod_param(hi_venc_mod_param *param);
hi_s32 hi_mpi_venc_set_rc_param(hi_venc_chn chn, const hi_venc_rc_param *param);
hi_s32 hi_mpi_venc_get_rc_param(hi_venc_chn chn, hi_venc_rc_param *param);
hi_s32 hi_mpi_venc_set_scene_mode(hi_venc_chn chn, const hi_venc_scene_mode mode);
hi_s32 hi_mpi_venc_request_idr(hi_venc_chn chn, hi_bool instant);
hi_s32 hi_mpi_venc_set_chn_param(hi_venc_chn chn, const hi_venc_chn_param *param);
hi_s32 hi_mpi_venc_get_chn_param(hi_venc_chn chn, hi_venc_chn_param *param);
hi_s32 hi_mpi_venc_set_chn_attr(hi_venc_chn chn, const hi_venc_chn_attr *attr);
hi_s32 hi_mpi_venc_get_chn_attr(hi_venc_chn chn, hi_venc_chn_attr *attr);
// The VUI structs' layout is not public: these are resolved but never called (the VUI is
// rewritten in the stream instead, lib/dvpp/bitstream.h); dvpp-probe reports whether they exist.
hi_s32 hi_mpi_venc_set_h264_vui(hi_venc_chn chn, const void *vui);
hi_s32 hi_mpi_venc_set_h265_vui(hi_venc_chn chn, const void *vui);
// Unverified (see above).
hi_s32 hi_mpi_venc_set_intra_refresh(hi_venc_chn chn, const hi_venc_intra_refresh *refresh);
hi_s32 hi_mpi_venc_get_intra_refresh(hi_venc_chn chn, hi_venc_intra_refresh *refresh);

// ---- functions: libascendcl.so ------------------------------------------------------------------
typedef int aclError;
typedef void *aclrtContext;
typedef enum { ACL_DEVICE = 0, ACL_HOST = 1 } aclrtRunMode;
typedef enum {
  ACL_MEMCPY_HOST_TO_HOST = 0,
  ACL_MEMCPY_HOST_TO_DEVICE = 1,
  ACL_MEMCPY_DEVICE_TO_HOST = 2,
  ACL_MEMCPY_DEVICE_TO_DEVICE = 3
} aclrtMemcpyKind;
#define ACL_SUCCESS 0
#define ACL_ERROR_REPEAT_INITIALIZE 100002
#define ACL_ERROR_REPEAT_FINALIZE 100037

aclError aclInit(const char *config_path);
aclError aclFinalize(void);
aclError aclrtSetDevice(int32_t device_id);
aclError aclrtResetDevice(int32_t device_id);
aclError aclrtCreateContext(aclrtContext *context, int32_t device_id);
aclError aclrtDestroyContext(aclrtContext context);
aclError aclrtSetCurrentContext(aclrtContext context);
aclError aclrtGetCurrentContext(aclrtContext *context);
aclError aclrtGetRunMode(aclrtRunMode *mode);
aclError aclrtMemcpy(void *dst, size_t dest_max, const void *src, size_t count,
                     aclrtMemcpyKind kind);
const char *aclrtGetSocName(void);

}  // extern "C"

// The layout the API documentation implies on LP64 (aarch64 and x86-64 alike).
static_assert(sizeof(hi_bool) == 4, "hi_bool");
static_assert(sizeof(hi_dvpp_epoll_event) == 16, "hi_dvpp_epoll_event");
static_assert(sizeof(hi_video_supplement) == 112, "hi_video_supplement");
static_assert(sizeof(hi_video_frame) == 320, "hi_video_frame");
static_assert(offsetof(hi_video_frame, virt_addr) == 144, "hi_video_frame.virt_addr");
static_assert(offsetof(hi_video_frame, pts) == 176, "hi_video_frame.pts");
static_assert(offsetof(hi_video_frame, supplement) == 208, "hi_video_frame.supplement");
static_assert(sizeof(hi_video_frame_info) == 328, "hi_video_frame_info");
static_assert(sizeof(hi_venc_attr) == 60, "hi_venc_attr");
static_assert(sizeof(hi_venc_rc_attr) == 40, "hi_venc_rc_attr");
static_assert(sizeof(hi_venc_gop_attr) == 16, "hi_venc_gop_attr");
static_assert(sizeof(hi_venc_chn_attr) == 116, "hi_venc_chn_attr");
static_assert(offsetof(hi_venc_chn_attr, rc_attr) == 60, "hi_venc_chn_attr.rc_attr");
static_assert(offsetof(hi_venc_chn_attr, gop_attr) == 100, "hi_venc_chn_attr.gop_attr");
static_assert(sizeof(hi_venc_pack) == 144, "hi_venc_pack");
static_assert(offsetof(hi_venc_pack, addr) == 8, "hi_venc_pack.addr");
static_assert(offsetof(hi_venc_pack, len) == 16, "hi_venc_pack.len");
static_assert(offsetof(hi_venc_pack, pts) == 24, "hi_venc_pack.pts");
static_assert(offsetof(hi_venc_pack, offset) == 40, "hi_venc_pack.offset");
static_assert(offsetof(hi_venc_pack, pack_info) == 48, "hi_venc_pack.pack_info");
static_assert(sizeof(hi_venc_stream) == 456, "hi_venc_stream");
static_assert(offsetof(hi_venc_stream, pack_cnt) == 8, "hi_venc_stream.pack_cnt");
static_assert(offsetof(hi_venc_stream, seq) == 12, "hi_venc_stream.seq");
static_assert(sizeof(hi_venc_chn_status) == 104, "hi_venc_chn_status");
static_assert(offsetof(hi_venc_chn_status, release_pic_pts) == 32, "release_pic_pts");
static_assert(sizeof(hi_venc_rc_param) == 272, "hi_venc_rc_param");
static_assert(sizeof(hi_venc_chn_param) == 44, "hi_venc_chn_param");
static_assert(sizeof(hi_venc_mod_param) == 28, "hi_venc_mod_param");
