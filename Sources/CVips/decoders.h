#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <webp/decode.h>

// The cache import's check of a node's pictures (`salon media-worker derivative-check`, in the
// sandbox): every byte of a WebP or JPEG decoded, from memory, by the libraries libvips itself
// uses, without libvips' pipeline around them (its WebP loader took twice libwebp's own time
// and a copy more). Nothing is shrunk on load: every pixel is reconstructed. The pixels are
// dropped as they come. 0 when the picture decodes wholly, with its size; -1 otherwise.

// A still WebP (lossy, with or without alpha, or lossless) decoded wholly: lossy as Y'CbCr, the
// decoder's own output (with its loop filter, an alpha plane decoded too), lossless as RGBA.
// Refused: an animation (its frames would not all be decoded here; a derivative is a still), a
// truncated file, more pixels than max_pixels.
static inline int salon_webp_decode_check(const uint8_t *data, size_t size, long max_pixels, int *width,
                                          int *height) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) return -1;
  if (WebPGetFeatures(data, size, &config.input) != VP8_STATUS_OK) return -1;
  if (config.input.has_animation) return -1;
  long w = config.input.width, h = config.input.height;
  if (w <= 0 || h <= 0 || w * h > max_pixels) return -1;
  config.output.colorspace = config.input.format == 1 ? (config.input.has_alpha ? MODE_YUVA : MODE_YUV) : MODE_RGBA;
  config.options.use_threads = 0;
  VP8StatusCode status = WebPDecode(data, size, &config);
  int ok = status == VP8_STATUS_OK && config.output.width == w && config.output.height == h;
  WebPFreeDecBuffer(&config.output);
  if (!ok) return -1;
  *width = (int)w;
  *height = (int)h;
  return 0;
}

struct salon_jpeg_failure {
  struct jpeg_error_mgr manager;
  jmp_buf jump;
};

static inline void salon_jpeg_fail(j_common_ptr info) {
  longjmp(((struct salon_jpeg_failure *)info->err)->jump, 1);
}

// libjpeg only warns of corrupt data or a premature end (and makes up the rest); here any
// warning fails the picture, as libvips' `fail_on` does for the checks elsewhere.
static inline void salon_jpeg_message(j_common_ptr info, int level) {
  if (level < 0) longjmp(((struct salon_jpeg_failure *)info->err)->jump, 1);
}

// A JPEG decoded wholly (every scan of a progressive one, to its end marker), a few rows at a
// time. Refused: any error or warning, more pixels than max_pixels.
static inline int salon_jpeg_decode_check(const uint8_t *data, size_t size, long max_pixels, int *width,
                                          int *height) {
  struct jpeg_decompress_struct info;
  struct salon_jpeg_failure failure;
  // Volatile: set before the jump may come back here.
  JSAMPLE *volatile rows = NULL;
  info.err = jpeg_std_error(&failure.manager);
  failure.manager.error_exit = salon_jpeg_fail;
  failure.manager.emit_message = salon_jpeg_message;
  jpeg_create_decompress(&info);
  if (setjmp(failure.jump)) {
    jpeg_destroy_decompress(&info);
    free(rows);
    return -1;
  }
  jpeg_mem_src(&info, data, (unsigned long)size);
  if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) longjmp(failure.jump, 1);
  long w = info.image_width, h = info.image_height;
  if (w <= 0 || h <= 0 || w * h > max_pixels) longjmp(failure.jump, 1);
  jpeg_start_decompress(&info);
  int count = info.rec_outbuf_height > 0 ? info.rec_outbuf_height : 1;
  size_t stride = (size_t)info.output_width * (size_t)info.output_components;
  rows = malloc(stride * (size_t)count);
  if (!rows) longjmp(failure.jump, 1);
  JSAMPROW pointers[16];
  if (count > 16) count = 16;
  for (int i = 0; i < count; i++) pointers[i] = rows + stride * (size_t)i;
  while (info.output_scanline < info.output_height) {
    if (jpeg_read_scanlines(&info, pointers, (JDIMENSION)count) == 0) longjmp(failure.jump, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  free(rows);
  *width = (int)w;
  *height = (int)h;
  return 0;
}
