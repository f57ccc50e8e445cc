/* The Mosaic C API: the garbage-collected heap for C programs and foreign-function interfaces.
 *
 * A thin layer over the C++ API (heap.h, roots.h, ...). It never throws and never aborts on an
 * argument it can check: every function that can fail returns a mosaic_status, and
 * mosaic_last_error() then describes the failure (per thread).
 *
 *   mosaic_heap* heap;
 *   if (mosaic_heap_create("heap-max=64M", &heap) != MOSAIC_OK) die(mosaic_last_error());
 *   mosaic_thread_register(heap);               // before this thread touches the heap
 *   mosaic_value list = MOSAIC_NIL;
 *   for (int i = 0; i < 10; ++i) mosaic_alloc_pair(mosaic_fixnum(i), list, &list);
 *   mosaic_collect(heap);                       // `list` is on the stack: found conservatively
 *   mosaic_thread_unregister(heap);
 *   mosaic_heap_destroy(heap);
 *
 * Values use the runtime's one tagged encoding (see mosaic/value.h and docs/embedding.md); the
 * inline helpers below read and build them without a call. docs/embedding.md is the guide.
 *
 * Requires C99 and a 64-bit target. */
#ifndef MOSAIC_MOSAIC_H_
#define MOSAIC_MOSAIC_H_

#include <stddef.h>
#include <stdint.h>

#include "mosaic/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOSAIC_VERSION_MAJOR 0
#define MOSAIC_VERSION_MINOR 1
#define MOSAIC_VERSION_PATCH 0
/* The version of the library actually linked, e.g. "0.1.0". */
MOSAIC_EXPORT const char* mosaic_version(void);

/* ---- Errors ----------------------------------------------------------------------------- */

typedef enum mosaic_status {
  MOSAIC_OK = 0,
  MOSAIC_ERR_INVALID_ARGUMENT = 1,    /* NULL where a pointer is needed, a bad option, ... */
  MOSAIC_ERR_NOT_REGISTERED = 2,      /* the calling thread is not registered (with this heap) */
  MOSAIC_ERR_ALREADY_EXISTS = 3,      /* registering twice, adding a global root twice */
  MOSAIC_ERR_FAILED_PRECONDITION = 4, /* legal call, wrong moment (in a native region, ...) */
  MOSAIC_ERR_OUT_OF_MEMORY = 5,       /* the heap limit is reached even after a collection */
  MOSAIC_ERR_RESOURCE_EXHAUSTED = 6,  /* too many kinds or custom tracers */
  MOSAIC_ERR_NOT_FOUND = 7,           /* not a live root cell, global root or listener */
  MOSAIC_ERR_BUFFER_TOO_SMALL = 8,    /* the output string did not fit */
  MOSAIC_ERR_INTERNAL = 9
} mosaic_status;

/* The message of the last failed call on this thread ("" if none failed yet). Calls that
 * succeed leave it unchanged. Valid until the next failing call on the same thread. */
MOSAIC_EXPORT const char* mosaic_last_error(void);
/* "OK", "INVALID_ARGUMENT", ... */
MOSAIC_EXPORT const char* mosaic_status_name(mosaic_status status);

/* ---- Values ------------------------------------------------------------------------------
 * One 64-bit word. Low bits: ...1 fixnum (63-bit), ...000 object reference (non-zero),
 * ...010 pair reference, ...110 immediates, ...100 free for the embedder (never a reference). */

typedef uint64_t mosaic_value;

#define MOSAIC_FALSE ((mosaic_value)0x06)
#define MOSAIC_TRUE ((mosaic_value)0x0e)
#define MOSAIC_NIL ((mosaic_value)0x16)
#define MOSAIC_UNSPECIFIED ((mosaic_value)0x1e)
#define MOSAIC_EOF ((mosaic_value)0x26)
#define MOSAIC_UNDEFINED ((mosaic_value)0x2e)
/* What a cleared weak reference holds (see "Weak references" below). */
#define MOSAIC_BROKEN_WEAK ((mosaic_value)0x46)
#define MOSAIC_FIXNUM_MAX ((int64_t)((((uint64_t)1) << 62) - 1))
#define MOSAIC_FIXNUM_MIN (-MOSAIC_FIXNUM_MAX - 1)
/* An object's header: bits 63..16 the embedder's aux bits, bits 15..0 the kind. */
#define MOSAIC_AUX_MAX ((((uint64_t)1) << 48) - 1)

static inline int mosaic_fixnum_fits(int64_t n) {
  return n >= MOSAIC_FIXNUM_MIN && n <= MOSAIC_FIXNUM_MAX;
}
/* Requires mosaic_fixnum_fits(n). */
static inline mosaic_value mosaic_fixnum(int64_t n) { return ((uint64_t)n << 1) | 1u; }
static inline int mosaic_is_fixnum(mosaic_value v) { return (int)(v & 1u); }
/* Arithmetic shift (GCC and Clang guarantee it for signed types). */
static inline int64_t mosaic_fixnum_value(mosaic_value v) { return (int64_t)v >> 1; }
static inline mosaic_value mosaic_bool(int b) { return b ? MOSAIC_TRUE : MOSAIC_FALSE; }
static inline mosaic_value mosaic_char(uint32_t code_point) {
  return ((uint64_t)code_point << 8) | 0x3e;
}
static inline int mosaic_is_char(mosaic_value v) { return (v & 0xff) == 0x3e; }
static inline uint32_t mosaic_char_value(mosaic_value v) { return (uint32_t)(v >> 8); }
static inline int mosaic_is_object(mosaic_value v) { return (v & 7u) == 0 && v != 0; }
static inline int mosaic_is_pair(mosaic_value v) { return (v & 7u) == 2; }
static inline int mosaic_is_heap_ref(mosaic_value v) {
  return mosaic_is_object(v) || mosaic_is_pair(v);
}
static inline mosaic_value mosaic_embedder_word(uint64_t payload) { return (payload << 3) | 4u; }
static inline int mosaic_is_embedder_word(mosaic_value v) { return (v & 7u) == 4; }
static inline uint64_t mosaic_embedder_payload(mosaic_value v) { return v >> 3; }

/* Objects (requires mosaic_is_object): the header word, then the object's own words. */
static inline uint64_t* mosaic_object_words(mosaic_value v) { return (uint64_t*)(uintptr_t)v; }
static inline uint16_t mosaic_object_kind(mosaic_value v) {
  return (uint16_t)(mosaic_object_words(v)[0] & 0xffff);
}
static inline uint64_t mosaic_object_aux(mosaic_value v) { return mosaic_object_words(v)[0] >> 16; }
/* The words after the header, as values (for kinds whose words are values). */
static inline mosaic_value* mosaic_object_fields(mosaic_value v) {
  return (mosaic_value*)(uintptr_t)v + 1;
}

/* ---- Stores into objects: the write barrier ----------------------------------------------
 * The heap never moves objects. With generational=on (docs/options.md) every store of a
 * reference into a field of an object that may have survived a collection must be recorded, so
 * that a minor collection finds old objects' references to young ones: mosaic_store_field does
 * the store and records it. A store into an object this thread allocated since its last
 * allocation or safepoint needs no record (the object is young), nor does a store of a fixnum or
 * an immediate. Forgetting it frees live objects; with verify=1 the collector names the object
 * and field before the next minor collection. Requires a registered thread.
 *
 * The inline form, for interpreters and JITs: fetch this thread's card table once with
 * mosaic_card_table() (it does not change while the thread is registered), then
 *   mosaic_store_field_with(cards, field, value)
 * which is a store, a shift and a byte store. */
#define MOSAIC_CARD_SHIFT 9
MOSAIC_EXPORT void mosaic_store_field(mosaic_value* field, mosaic_value value);
/* The calling thread's card table, biased: cards[(uintptr_t)field >> MOSAIC_CARD_SHIFT] is the
 * card of `field`. NULL on an unregistered thread. */
MOSAIC_EXPORT uint8_t* mosaic_card_table(void);
static inline void mosaic_store_field_with(uint8_t* cards, mosaic_value* field,
                                           mosaic_value value) {
  *field = value;
  cards[(uintptr_t)field >> MOSAIC_CARD_SHIFT] = 1;
}

/* Pairs (requires mosaic_is_pair). */
static inline mosaic_value* mosaic_pair_cell(mosaic_value v) {
  return (mosaic_value*)(uintptr_t)(v - 2);
}
static inline mosaic_value mosaic_car(mosaic_value v) { return mosaic_pair_cell(v)[0]; }
static inline mosaic_value mosaic_cdr(mosaic_value v) { return mosaic_pair_cell(v)[1]; }
/* Through the write barrier (above). */
static inline void mosaic_set_car(mosaic_value p, mosaic_value v) {
  mosaic_store_field(&mosaic_pair_cell(p)[0], v);
}
static inline void mosaic_set_cdr(mosaic_value p, mosaic_value v) {
  mosaic_store_field(&mosaic_pair_cell(p)[1], v);
}

/* ---- Heaps and threads -------------------------------------------------------------------
 * Order: create; register kinds; register threads; allocate and collect; unregister every
 * thread; destroy. */

typedef struct mosaic_heap mosaic_heap;

/* `options` is "key=value,..." as listed in docs/options.md (NULL or "" for the defaults);
 * MOSAIC_GC_OPTIONS in the environment is applied on top. */
MOSAIC_EXPORT mosaic_status mosaic_heap_create(const char* options, mosaic_heap** out);
/* FAILED_PRECONDITION while any thread is still registered. Frees the heap's root cells. Later
 * calls with the destroyed heap are INVALID_ARGUMENT; destroying a heap while another thread is
 * inside a call on it is undefined (the check and the use cannot be made atomic). */
MOSAIC_EXPORT mosaic_status mosaic_heap_destroy(mosaic_heap* heap);
/* The effective options, in the form mosaic_heap_create accepts. Copies at most `capacity`
 * bytes including the terminating NUL; *length (if not NULL) receives the full length without
 * the NUL. BUFFER_TOO_SMALL if it did not fit (the buffer then holds a truncated string). */
MOSAIC_EXPORT mosaic_status mosaic_heap_options(const mosaic_heap* heap, char* buffer,
                                                size_t capacity, size_t* length);
/* A thread registers before it touches the heap and unregisters before it exits. */
MOSAIC_EXPORT mosaic_status mosaic_thread_register(mosaic_heap* heap);
/* FAILED_PRECONDITION inside a native region or with a handle scope still open. */
MOSAIC_EXPORT mosaic_status mosaic_thread_unregister(mosaic_heap* heap);
/* The heap the calling thread is registered with, or NULL. */
MOSAIC_EXPORT mosaic_heap* mosaic_current_heap(void);
MOSAIC_EXPORT size_t mosaic_registered_thread_count(const mosaic_heap* heap);

/* ---- Object kinds ------------------------------------------------------------------------ */

typedef uint16_t mosaic_kind;
#define MOSAIC_PAIR_KIND ((mosaic_kind)1)

typedef enum mosaic_trace_policy {
  MOSAIC_TRACE_NONE = 0,   /* strings, floats, bytes: nothing to trace */
  MOSAIC_TRACE_VALUES = 1, /* every word after the header is a mosaic_value */
  MOSAIC_TRACE_CUSTOM = 2  /* a trace callback hands each reference to the tracer */
} mosaic_trace_policy;

typedef struct mosaic_tracer mosaic_tracer;
/* Called inside the collector's pause with the object's address (its header). It must only
 * call mosaic_trace/mosaic_trace_range: no allocation, no locks a mutator may hold, no other
 * objects. */
typedef void (*mosaic_trace_fn)(const void* object, mosaic_tracer* tracer, void* user_data);
MOSAIC_EXPORT void mosaic_trace(mosaic_tracer* tracer, mosaic_value value);
MOSAIC_EXPORT void mosaic_trace_range(mosaic_tracer* tracer, const mosaic_value* values,
                                      size_t count);

/* `trace` is required for MOSAIC_TRACE_CUSTOM and must be NULL otherwise. At most 1024
 * distinct (trace, user_data) pairs per process (RESOURCE_EXHAUSTED beyond). */
MOSAIC_EXPORT mosaic_status mosaic_register_kind(mosaic_heap* heap, const char* name,
                                                 mosaic_trace_policy policy, mosaic_trace_fn trace,
                                                 void* user_data, mosaic_kind* out);
/* The kind's name, or NULL if `kind` is not registered with `heap`. */
MOSAIC_EXPORT const char* mosaic_kind_name(const mosaic_heap* heap, mosaic_kind kind);

/* ---- Allocation (on the calling thread's heap; may collect) ------------------------------ */

/* `bytes` includes the 8-byte header (so at least 8); the object is zeroed and its header
 * written with `kind` and `aux` (<= MOSAIC_AUX_MAX). OUT_OF_MEMORY at the heap limit. */
MOSAIC_EXPORT mosaic_status mosaic_alloc(mosaic_kind kind, size_t bytes, uint64_t aux,
                                         mosaic_value* out);
MOSAIC_EXPORT mosaic_status mosaic_alloc_pair(mosaic_value car, mosaic_value cdr,
                                              mosaic_value* out);

/* ---- Roots -------------------------------------------------------------------------------
 * Values in the locals of a registered thread are found by the conservative stack scan. Use
 * handles, global roots or root cells for values kept where the collector does not look
 * (malloc'ed memory, another runtime's objects). */

/* Handle scopes: open and close strictly nested on one thread. A scope lives in the caller's
 * memory (usually a local); its contents are private. */
typedef struct mosaic_handle_scope {
  uint64_t opaque[4];
} mosaic_handle_scope;
MOSAIC_EXPORT mosaic_status mosaic_handle_scope_open(mosaic_handle_scope* scope);
/* FAILED_PRECONDITION if `scope` is not the innermost open scope of this thread. */
MOSAIC_EXPORT mosaic_status mosaic_handle_scope_close(mosaic_handle_scope* scope);
/* A handle is a precise root slot, valid until its scope closes; read and write it directly
 * (*handle = v). Requires an open scope. */
typedef mosaic_value* mosaic_handle;
MOSAIC_EXPORT mosaic_status mosaic_handle_new(mosaic_value value, mosaic_handle* out);

/* Global roots: a slot the embedder owns (static or long-lived memory). */
MOSAIC_EXPORT mosaic_status mosaic_global_root_add(mosaic_heap* heap, mosaic_value* slot);
MOSAIC_EXPORT mosaic_status mosaic_global_root_remove(mosaic_heap* heap, mosaic_value* slot);

/* Root cells: runtime-owned atomic slots. Load is acquire, store release, exchange and
 * compare-exchange acq_rel. Every one of these calls, creating and freeing included, may come
 * from any thread at any time: registered, inside a native region, or never registered, while
 * collections run. A collection sees all cells as one atomic snapshot, so an object stays alive
 * while some live cell holds it at every instant: to move it from cell A to cell B, store it into
 * B (or create B with it) before freeing or overwriting A. Using a freed cell (or one whose heap
 * was destroyed) is NOT_FOUND, at least until a later mosaic_root_cell_new reuses its record; a
 * load racing a free of its cell returns the value or NOT_FOUND, never faults. A pointer that
 * never came from mosaic_root_cell_new is checked exactly only by mosaic_root_cell_free. */
typedef struct mosaic_root_cell mosaic_root_cell;
MOSAIC_EXPORT mosaic_status mosaic_root_cell_new(mosaic_heap* heap, mosaic_value initial,
                                                 mosaic_root_cell** out);
MOSAIC_EXPORT mosaic_status mosaic_root_cell_free(mosaic_heap* heap, mosaic_root_cell* cell);
MOSAIC_EXPORT size_t mosaic_root_cell_count(const mosaic_heap* heap);
MOSAIC_EXPORT mosaic_status mosaic_root_cell_load(const mosaic_root_cell* cell, mosaic_value* out);
MOSAIC_EXPORT mosaic_status mosaic_root_cell_store(mosaic_root_cell* cell, mosaic_value value);
MOSAIC_EXPORT mosaic_status mosaic_root_cell_exchange(mosaic_root_cell* cell, mosaic_value value,
                                                      mosaic_value* old_value);
/* Strong compare-exchange: *exchanged is 1 if the cell held *expected and now holds
 * `desired`; otherwise 0 and *expected receives the current value. */
MOSAIC_EXPORT mosaic_status mosaic_root_cell_compare_exchange(mosaic_root_cell* cell,
                                                              mosaic_value* expected,
                                                              mosaic_value desired, int* exchanged);

/* ---- Weak references, ephemerons, guardians ---------------------------------------------
 * (mosaic/weak.h has the whole story and the order of events in a collection.) A weak pair
 * (target . extra) holds its target weakly and its extra strongly; an ephemeron (key . value)
 * keeps its value only while its key is reachable otherwise; a guardian hands back, once, each
 * registered object that became unreachable. A cleared target (key, value) reads
 * MOSAIC_BROKEN_WEAK. These allocate: a registered thread outside a native region. */
#define MOSAIC_WEAK_PAIR_KIND ((mosaic_kind)0xffff)
#define MOSAIC_EPHEMERON_KIND ((mosaic_kind)0xfffe)
#define MOSAIC_GUARDIAN_KIND ((mosaic_kind)0xfffd)
MOSAIC_EXPORT mosaic_status mosaic_weak_pair_new(mosaic_value target, mosaic_value extra,
                                                 mosaic_value* out);
static inline mosaic_value mosaic_weak_pair_target(mosaic_value wp) {
  return mosaic_object_fields(wp)[0];
}
static inline mosaic_value mosaic_weak_pair_extra(mosaic_value wp) {
  return mosaic_object_fields(wp)[1];
}
MOSAIC_EXPORT mosaic_status mosaic_weak_pair_set(mosaic_value weak_pair, mosaic_value target,
                                                 mosaic_value extra);
MOSAIC_EXPORT mosaic_status mosaic_ephemeron_new(mosaic_value key, mosaic_value value,
                                                 mosaic_value* out);
static inline mosaic_value mosaic_ephemeron_key(mosaic_value e) {
  return mosaic_object_fields(e)[0];
}
static inline mosaic_value mosaic_ephemeron_value(mosaic_value e) {
  return mosaic_object_fields(e)[1];
}
MOSAIC_EXPORT mosaic_status mosaic_ephemeron_set(mosaic_value ephemeron, mosaic_value key,
                                                 mosaic_value value);
MOSAIC_EXPORT mosaic_status mosaic_guardian_new(mosaic_value* out);
MOSAIC_EXPORT mosaic_status mosaic_guardian_register(mosaic_value guardian, mosaic_value object);
/* NOT_FOUND when nothing is queued. */
MOSAIC_EXPORT mosaic_status mosaic_guardian_take(mosaic_value guardian, mosaic_value* out);

/* Weak root cells: like root cells (same threads, same guarantees), but the value is not kept
 * alive; once collected the cell reads MOSAIC_BROKEN_WEAK. A load during a collection's marking
 * keeps the loaded value through that collection: to get a strong reference, store the value
 * into a root cell, then load the weak cell again and keep the value only if it is still there. */
typedef struct mosaic_weak_cell mosaic_weak_cell;
MOSAIC_EXPORT mosaic_status mosaic_weak_cell_new(mosaic_heap* heap, mosaic_value initial,
                                                 mosaic_weak_cell** out);
MOSAIC_EXPORT mosaic_status mosaic_weak_cell_free(mosaic_heap* heap, mosaic_weak_cell* cell);
MOSAIC_EXPORT size_t mosaic_weak_cell_count(const mosaic_heap* heap);
MOSAIC_EXPORT mosaic_status mosaic_weak_cell_load(const mosaic_weak_cell* cell, mosaic_value* out);
MOSAIC_EXPORT mosaic_status mosaic_weak_cell_store(mosaic_weak_cell* cell, mosaic_value value);

/* ---- Safepoints and native regions ------------------------------------------------------- */

/* Parks here if a collection is waiting for this thread. Call it in long loops that neither
 * allocate nor enter native regions, or test the flag inline first:
 *   if (mosaic_safepoint_requested(flag)) mosaic_safepoint();
 * with flag = mosaic_safepoint_flag(heap), fetched once. */
MOSAIC_EXPORT mosaic_status mosaic_safepoint(void);
MOSAIC_EXPORT const volatile uint32_t* mosaic_safepoint_flag(const mosaic_heap* heap);
/* Reads the flag the way the collector writes it (an atomic load where the compiler has one), so
 * that race detectors agree; one load and a compare. */
static inline int mosaic_safepoint_requested(const volatile uint32_t* flag) {
#if defined(__GNUC__) || defined(__clang__)
  return __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
#else
  return *flag != 0;
#endif
}
/* Around code that may block or run long without touching the heap. Inside, the thread must
 * not touch heap objects, handles' values or root cells; not nestable. */
MOSAIC_EXPORT mosaic_status mosaic_enter_native(void);
MOSAIC_EXPORT mosaic_status mosaic_leave_native(void);

/* ---- Collection, finalizers ------------------------------------------------------------- */

/* Stops the world, collects, then runs pending finalizers. The calling thread must be
 * registered with `heap`. */
MOSAIC_EXPORT mosaic_status mosaic_collect(mosaic_heap* heap);

/* `fn(object, user_data)` runs once, after `object` (the start of an allocated object or a
 * pair) became unreachable, outside the pause, on a thread that collected. Registering again
 * for the same object replaces the earlier finalizer. */
typedef void (*mosaic_finalizer_fn)(mosaic_value object, void* user_data);
MOSAIC_EXPORT mosaic_status mosaic_register_finalizer(mosaic_heap* heap, mosaic_value object,
                                                      mosaic_finalizer_fn fn, void* user_data);
MOSAIC_EXPORT size_t mosaic_pending_finalizer_count(const mosaic_heap* heap);
MOSAIC_EXPORT mosaic_status mosaic_run_pending_finalizers(mosaic_heap* heap);

/* ---- Queries, statistics and events ----------------------------------------------------- */

MOSAIC_EXPORT int mosaic_heap_contains(const mosaic_heap* heap, const void* address);
/* The object that `address` points into (interior, tagged or exact) as a reference value, or
 * 0 if it points into no allocated object. */
MOSAIC_EXPORT mosaic_value mosaic_find_object(const mosaic_heap* heap, const void* address);

typedef struct mosaic_gc_stats {
  uint64_t collections;
  uint64_t total_pause_ns, max_pause_ns, p50_pause_ns, p99_pause_ns, last_pause_ns;
  uint64_t max_time_to_safepoint_ns, total_time_to_safepoint_ns;
  uint64_t total_root_ns, root_cell_ns;
  uint64_t bytes_allocated;
  uint64_t objects_allocated_slow_path;
  uint64_t live_bytes, committed_bytes, peak_committed_bytes;
  uint64_t conservative_bytes_scanned, conservative_words_examined, conservative_words_accepted;
  uint64_t precise_roots_visited, root_cells_visited, jit_frames_visited;
  uint64_t blocks_quarantined, blocks_released, mark_stack_overflows, finalizers_run;
  uint64_t heap_base;
  int heap_at_hint;
  /* Generations: minor and major collections and their pauses apart (see mosaic::GcStats). */
  uint64_t minor_collections, major_collections;
  uint64_t total_minor_pause_ns, max_minor_pause_ns, p50_minor_pause_ns, p99_minor_pause_ns;
  uint64_t total_major_pause_ns, max_major_pause_ns, p50_major_pause_ns, p99_major_pause_ns;
  uint64_t minor_root_ns, remembered_cards, promoted_bytes;
} mosaic_gc_stats;
MOSAIC_EXPORT mosaic_status mosaic_heap_stats(const mosaic_heap* heap, mosaic_gc_stats* out);
/* The same as a JSON object; buffer conventions as for mosaic_heap_options. */
MOSAIC_EXPORT mosaic_status mosaic_heap_stats_json(const mosaic_heap* heap, char* buffer,
                                                   size_t capacity, size_t* length);

typedef enum mosaic_collect_reason {
  MOSAIC_REASON_EXPLICIT = 0,
  MOSAIC_REASON_THRESHOLD = 1,
  MOSAIC_REASON_HEAP_LIMIT = 2,
  MOSAIC_REASON_STRESS = 3
} mosaic_collect_reason;
MOSAIC_EXPORT const char* mosaic_collect_reason_name(mosaic_collect_reason reason);

typedef enum mosaic_collection_kind {
  MOSAIC_COLLECTION_MINOR = 0,
  MOSAIC_COLLECTION_MAJOR = 1
} mosaic_collection_kind;

typedef struct mosaic_gc_event {
  uint64_t index; /* 1 for the first collection */
  mosaic_collect_reason reason;
  uint64_t pause_ns, time_to_safepoint_ns, live_bytes, freed_bytes, mutators;
  mosaic_collection_kind kind;
} mosaic_gc_event;
/* Runs after each collection, outside the pause, with no runtime lock held. */
typedef void (*mosaic_event_fn)(const mosaic_gc_event* event, void* user_data);
MOSAIC_EXPORT mosaic_status mosaic_add_event_listener(mosaic_heap* heap, mosaic_event_fn fn,
                                                      void* user_data, int* id);
MOSAIC_EXPORT mosaic_status mosaic_remove_event_listener(mosaic_heap* heap, int id);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* MOSAIC_MOSAIC_H_ */
