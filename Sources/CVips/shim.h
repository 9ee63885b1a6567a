#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

// libvips's API is variadic (NULL-terminated option lists), which Swift cannot call; these
// fixed-argument wrappers are the only calls Salon makes.

static inline int salon_vips_start(void) {
  // Failures are reported per work by Salon; libvips' own warnings would only repeat them.
  setenv("VIPS_WARNING", "0", 0);
  if (VIPS_INIT("salon")) return -1;
  // Loaders marked untrusted (fuzzed less, or wrapping large parsers) are refused.
  vips_block_untrusted_set(TRUE);
  // Then every loader but the raster formats a call sends: no PDF, SVG, matrix, or any format a
  // later libvips adds is ever parsed in Salon's own process (those go to the media sandbox).
  // Blocking a class blocks its subclasses; unblocking one below re-allows just that family.
  vips_operation_block_set("VipsForeignLoad", TRUE);
  static const char *allowed[] = {
      "VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
      "VipsForeignLoadNsgif", "VipsForeignLoadTiff", "VipsForeignLoadHeif", NULL};
  for (int i = 0; allowed[i]; i++) vips_operation_block_set(allowed[i], FALSE);
  return 0;
}

static inline int salon_vips_header(const char *path, int *width, int *height) {
  VipsImage *image = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  if (!image) return -1;
  *width = vips_image_get_width(image);
  *height = vips_image_get_height(image);
  g_object_unref(image);
  return 0;
}

static inline int salon_vips_thumbnail(const char *path, VipsImage **out, int width, int height) {
  return vips_thumbnail(path, out, width, "height", height, "size", VIPS_SIZE_DOWN, NULL);
}

static inline int salon_vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, int height) {
  return vips_thumbnail_image(in, out, width, "height", height, "size", VIPS_SIZE_DOWN, NULL);
}

static inline int salon_vips_srgb(VipsImage *in, VipsImage **out) {
  return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, NULL);
}

static inline int salon_vips_flatten_white(VipsImage *in, VipsImage **out) {
  double white[3] = {255, 255, 255};
  VipsArrayDouble *background = vips_array_double_new(white, 3);
  int result = vips_flatten(in, out, "background", background, NULL);
  vips_area_unref(VIPS_AREA(background));
  return result;
}

// Removes every metadata item (EXIF with GPS, XMP, IPTC, ICC, comments) from an image Salon
// owns, so no saver can write any back, whatever its "strip" handling in this libvips version.
static inline void salon_vips_remove_metadata(VipsImage *image) {
  gchar **fields = vips_image_get_fields(image);
  for (int i = 0; fields[i]; i++) vips_image_remove(image, fields[i]);
  g_strfreev(fields);
}

// effort: libwebp's method, 0 (fastest) to 6.
static inline int salon_vips_webpsave(VipsImage *in, const char *path, int quality, int effort) {
  return vips_webpsave(in, path, "Q", quality, "strip", TRUE, "effort", effort, NULL);
}

static inline int salon_vips_jpegsave(VipsImage *in, const char *path, int quality) {
  return vips_jpegsave(in, path, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, "interlace", TRUE, NULL);
}

static inline int salon_vips_jpegsave_buffer(VipsImage *in, void **buffer, size_t *length, int quality) {
  return vips_jpegsave_buffer(in, buffer, length, "Q", quality, "strip", TRUE, NULL);
}

// Frames in an image file, from its header (1 for a still image).
static inline int salon_vips_pages(const char *path, int *pages) {
  VipsImage *image = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  if (!image) return -1;
  *pages = vips_image_get_n_pages(image);
  g_object_unref(image);
  return 0;
}

// Removes every metadata item except those that make an animation move (frame height, frame
// delays, loop count), so an animated WebP keeps its frames and nothing else.
static inline void salon_vips_keep_only_animation(VipsImage *image) {
  gchar **fields = vips_image_get_fields(image);
  for (int i = 0; fields[i]; i++) {
    if (strcmp(fields[i], "page-height") && strcmp(fields[i], "delay") && strcmp(fields[i], "loop"))
      vips_image_remove(image, fields[i]);
  }
  g_strfreev(fields);
}

// Decodes every pixel of the first frame once, failing on a truncated or corrupt file (libvips'
// `fail_on`), without keeping the pixels: a statistic streams the image through in strips.
static inline int salon_vips_decode_check(const char *path) {
  VipsImage *image = vips_image_new_from_file(
      path, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
  if (!image) return -1;
  double mean = 0;
  int result = vips_avg(image, &mean, NULL);
  g_object_unref(image);
  return result;
}

// The same check of a picture in memory (the cache import's batches): a still (one frame) of at
// most `max_pixels` by its header, then every pixel decoded once, failing on any warning from
// the decoder. 0 with its size when it decodes wholly; -1 otherwise.
static inline int salon_vips_decode_check_buffer(const void *data, size_t size, long max_pixels, int *width,
                                                 int *height) {
  VipsImage *image = vips_image_new_from_buffer(
      data, size, "", "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_WARNING, NULL);
  if (!image) return -1;
  long w = vips_image_get_width(image), h = vips_image_get_height(image);
  int result = -1;
  if (w > 0 && h > 0 && w <= max_pixels / h && vips_image_get_n_pages(image) == 1) {
    double mean = 0;
    result = vips_avg(image, &mean, NULL);
  }
  g_object_unref(image);
  if (result == 0) {
    *width = (int)w;
    *height = (int)h;
  }
  return result;
}
