/* heap_and_threads.c: create a heap, register threads, tear down in order. */
#include <mosaic/mosaic.h>
#include <pthread.h>
#include <stdio.h>

static mosaic_heap* heap;

/* Every failing call returns a status; mosaic_last_error() says why. */
static int ok(mosaic_status status, const char* what) {
  if (status != MOSAIC_OK) {
    fprintf(stderr, "%s: %s: %s\n", what, mosaic_status_name(status), mosaic_last_error());
  }
  return status == MOSAIC_OK;
}

static void* worker(void* arg) {
  mosaic_value list = MOSAIC_NIL;
  int i;
  (void)arg;
  if (!ok(mosaic_thread_register(heap), "register worker")) return NULL;
  for (i = 0; i < 1000; ++i) {
    if (!ok(mosaic_alloc_pair(mosaic_fixnum(i), list, &list), "alloc")) break;
  }
  ok(mosaic_thread_unregister(heap), "unregister worker"); /* before the thread ends */
  return NULL;
}

int main(void) {
  pthread_t thread;
  /* Options as one string; MOSAIC_GC_OPTIONS in the environment is applied on top. */
  if (!ok(mosaic_heap_create("heap-max=256M,gc-min=4M", &heap), "create")) return 1;
  if (!ok(mosaic_thread_register(heap), "register main")) return 1;

  pthread_create(&thread, NULL, worker, NULL);
  /* Joining may block: tell the collector not to wait for this thread meanwhile. */
  mosaic_enter_native();
  pthread_join(thread, NULL);
  mosaic_leave_native();

  /* Misuse is an error code, not a crash. */
  if (mosaic_thread_register(heap) != MOSAIC_ERR_ALREADY_EXISTS) return 1;
  if (mosaic_heap_destroy(heap) != MOSAIC_ERR_FAILED_PRECONDITION) return 1;

  if (!ok(mosaic_thread_unregister(heap), "unregister main")) return 1;
  if (!ok(mosaic_heap_destroy(heap), "destroy")) return 1;
  printf("heap_and_threads: ok\n");
  return 0;
}
