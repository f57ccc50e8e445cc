/* native_regions.c: safepoint polls in a loop that never allocates, and native regions. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <mosaic/mosaic.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static mosaic_heap* heap;
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static int stop;

static int should_stop(void) {
  int result;
  pthread_mutex_lock(&stop_lock);
  result = stop;
  pthread_mutex_unlock(&stop_lock);
  return result;
}

static void* spinner(void* arg) {
  const volatile uint32_t* flag = mosaic_safepoint_flag(heap);
  (void)arg;
  mosaic_thread_register(heap);
  while (!should_stop()) {
    if (mosaic_safepoint_requested(flag)) mosaic_safepoint(); /* call only when asked */
  }
  mosaic_thread_unregister(heap);
  return NULL;
}

int main(void) {
  pthread_t thread;
  mosaic_value v;
  struct timespec millisecond = {0, 1000000};
  int i;
  if (mosaic_heap_create(NULL, &heap) != MOSAIC_OK) return 1;
  mosaic_thread_register(heap);
  pthread_create(&thread, NULL, spinner, NULL);

  for (i = 0; i < 5; ++i) {
    mosaic_alloc_pair(mosaic_fixnum(i), MOSAIC_NIL, &v);
    mosaic_collect(heap); /* stops the world: the spinner parks at its next poll */
  }

  /* Blocking calls go inside a native region; touch no heap objects there. */
  mosaic_enter_native();
  nanosleep(&millisecond, NULL);
  if (mosaic_alloc_pair(MOSAIC_NIL, MOSAIC_NIL, &v) != MOSAIC_ERR_FAILED_PRECONDITION) return 1;
  mosaic_leave_native();

  pthread_mutex_lock(&stop_lock);
  stop = 1;
  pthread_mutex_unlock(&stop_lock);
  mosaic_enter_native();
  pthread_join(thread, NULL);
  mosaic_leave_native();
  mosaic_thread_unregister(heap);
  mosaic_heap_destroy(heap);
  printf("native_regions: ok\n");
  return 0;
}
