/* finalizers_and_stats.c: finalizers, event listeners and statistics. */
#include <mosaic/mosaic.h>
#include <stdio.h>

static int finalized;
static int collections;

static void on_dead(mosaic_value object, void* user_data) {
  (void)object;
  ++*(int*)user_data;
}

static void on_gc(const mosaic_gc_event* event, void* user_data) {
  (void)user_data;
  ++collections;
  if (event->index == 1) {
    printf("first collection: %s, %llu ns\n", mosaic_collect_reason_name(event->reason),
           (unsigned long long)event->pause_ns);
  }
}

static void make_garbage(mosaic_heap* heap) {
  mosaic_value v;
  int i;
  for (i = 0; i < 100; ++i) {
    mosaic_alloc_pair(mosaic_fixnum(i), MOSAIC_NIL, &v);
    mosaic_register_finalizer(heap, v, on_dead, &finalized);
  }
}

int main(void) {
  mosaic_heap* heap;
  mosaic_gc_stats stats;
  char json[4096];
  int listener;
  if (mosaic_heap_create(NULL, &heap) != MOSAIC_OK) return 1;
  mosaic_thread_register(heap);
  mosaic_add_event_listener(heap, on_gc, NULL, &listener);

  make_garbage(heap);
  mosaic_collect(heap); /* finalizers run after the pause, before this returns */

  mosaic_heap_stats(heap, &stats);
  printf("collections=%llu finalized=%d live_bytes=%llu\n",
         (unsigned long long)stats.collections, finalized,
         (unsigned long long)stats.live_bytes);
  if (mosaic_heap_stats_json(heap, json, sizeof json, NULL) != MOSAIC_OK) return 1;
  printf("%.60s...\n", json);

  /* The conservative stack scan may keep a few objects: expect most, not all. */
  if (finalized < 50 || collections < 1 || stats.finalizers_run != (uint64_t)finalized) return 1;

  mosaic_remove_event_listener(heap, listener);
  mosaic_thread_unregister(heap);
  mosaic_heap_destroy(heap);
  printf("finalizers_and_stats: ok\n");
  return 0;
}
