/* MOSAIC_EXPORT marks what libmosaic_runtime.so exports: the public C and C++ API, and the few
 * internal symbols that the inline fast paths in mosaic/internal/ call. The runtime is compiled
 * with -fvisibility=hidden, so everything else stays inside the library. Usable from C and C++. */
#ifndef MOSAIC_EXPORT_H_
#define MOSAIC_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#define MOSAIC_EXPORT __attribute__((visibility("default")))
#else
#define MOSAIC_EXPORT
#endif

#endif /* MOSAIC_EXPORT_H_ */
