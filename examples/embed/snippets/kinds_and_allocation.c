/* kinds_and_allocation.c: the three kinds of objects, and pairs. */
#include <mosaic/mosaic.h>
#include <stdio.h>
#include <string.h>

/* A "record" with a custom layout: word 1 holds a count of value fields that follow in words
 * 2..; word 1 itself is a plain integer the collector must not look at. */
static void trace_record(const void* object, mosaic_tracer* tracer, void* user_data) {
  const uint64_t* words = (const uint64_t*)object;
  (void)user_data;
  mosaic_trace_range(tracer, (const mosaic_value*)&words[2], (size_t)words[1]);
}

int main(void) {
  mosaic_heap* heap;
  mosaic_kind string_kind, vector_kind, record_kind;
  mosaic_value str, vec, rec, pair;
  uint64_t* words;

  if (mosaic_heap_create(NULL, &heap) != MOSAIC_OK) return 1;
  mosaic_thread_register(heap);

  /* Register every kind before allocating it. */
  mosaic_register_kind(heap, "string", MOSAIC_TRACE_NONE, NULL, NULL, &string_kind);
  mosaic_register_kind(heap, "vector", MOSAIC_TRACE_VALUES, NULL, NULL, &vector_kind);
  mosaic_register_kind(heap, "record", MOSAIC_TRACE_CUSTOM, trace_record, NULL, &record_kind);

  /* Sizes include the 8-byte header; aux is 48 bits of your own in the header. */
  if (mosaic_alloc(string_kind, 8 + 6, 5, &str) != MOSAIC_OK) return 1;
  memcpy(mosaic_object_words(str) + 1, "hello", 6);

  if (mosaic_alloc(vector_kind, 8 * (1 + 3), 3, &vec) != MOSAIC_OK) return 1;
  mosaic_object_fields(vec)[0] = str; /* objects arrive zeroed: 0 is a valid value */

  if (mosaic_alloc(record_kind, 8 * 4, 0, &rec) != MOSAIC_OK) return 1;
  words = mosaic_object_words(rec);
  words[1] = 2; /* two traced fields follow */
  words[2] = vec;
  words[3] = mosaic_fixnum(42);

  if (mosaic_alloc_pair(rec, MOSAIC_NIL, &pair) != MOSAIC_OK) return 1;

  mosaic_collect(heap); /* everything is reachable from `pair`, a local */

  if (mosaic_car(pair) != rec || mosaic_object_words(rec)[2] != vec) return 1;
  if (strcmp((const char*)(mosaic_object_words(str) + 1), "hello") != 0) return 1;
  if (mosaic_object_kind(str) != string_kind || mosaic_object_aux(str) != 5) return 1;
  if (strcmp(mosaic_kind_name(heap, record_kind), "record") != 0) return 1;

  /* Bad arguments come back as codes. */
  if (mosaic_alloc(string_kind, 4, 0, &str) != MOSAIC_ERR_INVALID_ARGUMENT) return 1;
  if (mosaic_alloc(999, 16, 0, &str) != MOSAIC_ERR_INVALID_ARGUMENT) return 1;

  mosaic_thread_unregister(heap);
  mosaic_heap_destroy(heap);
  printf("kinds_and_allocation: ok\n");
  return 0;
}
