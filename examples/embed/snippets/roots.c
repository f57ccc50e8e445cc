/* roots.c: handles, global roots and root cells, for values the stack scan cannot see. */
#include <mosaic/mosaic.h>
#include <stdio.h>
#include <stdlib.h>

static mosaic_value interned = MOSAIC_NIL; /* a static slot: a global root */

struct host_object {                       /* memory the collector never scans */
  mosaic_root_cell* callback;
};

int main(void) {
  mosaic_heap* heap;
  mosaic_handle_scope scope;
  mosaic_handle h;
  mosaic_value v, old, expected;
  int exchanged;
  struct host_object* host;

  if (mosaic_heap_create(NULL, &heap) != MOSAIC_OK) return 1;
  mosaic_thread_register(heap);

  /* Handles: precise slots that live until their scope closes. */
  mosaic_handle_scope_open(&scope);
  mosaic_alloc_pair(mosaic_fixnum(1), MOSAIC_NIL, &v);
  mosaic_handle_new(v, &h);
  mosaic_collect(heap);
  if (mosaic_car(*h) != mosaic_fixnum(1)) return 1;
  mosaic_handle_scope_close(&scope); /* strictly nested, innermost first */

  /* Global roots: a slot you own, registered once. */
  mosaic_global_root_add(heap, &interned);
  mosaic_alloc_pair(mosaic_fixnum(2), MOSAIC_NIL, &interned);

  /* Root cells: for references held in malloc'ed memory or by another runtime. */
  host = malloc(sizeof *host);
  if (host == NULL) return 1;
  mosaic_alloc_pair(mosaic_fixnum(3), MOSAIC_NIL, &v);
  mosaic_root_cell_new(heap, v, &host->callback);
  mosaic_alloc_pair(mosaic_fixnum(4), MOSAIC_NIL, &v);
  mosaic_root_cell_exchange(host->callback, v, &old);          /* old holds the 3-pair */
  expected = v;
  mosaic_root_cell_compare_exchange(host->callback, &expected, old, &exchanged);
  if (!exchanged) return 1;                                   /* back to the 3-pair */

  v = old = expected = 0;
  mosaic_collect(heap);
  mosaic_root_cell_load(host->callback, &v);
  if (mosaic_car(v) != mosaic_fixnum(3) || mosaic_car(interned) != mosaic_fixnum(2)) return 1;

  /* A freed cell is no longer a cell. */
  mosaic_root_cell_free(heap, host->callback);
  if (mosaic_root_cell_load(host->callback, &v) != MOSAIC_ERR_NOT_FOUND) return 1;
  free(host);
  mosaic_global_root_remove(heap, &interned);

  mosaic_thread_unregister(heap);
  mosaic_heap_destroy(heap);
  printf("roots: ok\n");
  return 0;
}
