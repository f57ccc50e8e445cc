"""The C API behind an FFI: Python's ctypes loads libmosaic_runtime.so and drives a heap.

Python keeps its values in its own heap, not on the C stack, so the conservative stack scan never
sees them: everything Python holds across a collection goes into a root cell. That is the rule for
any FFI host (Python, Lua, a JVM...).

    python3 ffi_ctypes_test.py path/to/libmosaic_runtime.so
"""
import ctypes
import sys

MOSAIC_OK = 0
MOSAIC_ERR_INVALID_ARGUMENT = 1
MOSAIC_ERR_NOT_REGISTERED = 2
MOSAIC_ERR_NOT_FOUND = 7
MOSAIC_NIL = 0x16


def fixnum(n):
    return ((n << 1) | 1) & 0xFFFFFFFFFFFFFFFF


def fixnum_value(v):
    n = v >> 1
    return n - (1 << 63) if n >= (1 << 62) else n


def main(path):
    lib = ctypes.CDLL(path)
    u64, vp = ctypes.c_uint64, ctypes.c_void_p
    lib.mosaic_version.restype = ctypes.c_char_p
    lib.mosaic_last_error.restype = ctypes.c_char_p
    lib.mosaic_status_name.restype = ctypes.c_char_p
    lib.mosaic_heap_create.argtypes = [ctypes.c_char_p, ctypes.POINTER(vp)]
    for name in ("mosaic_thread_register", "mosaic_thread_unregister", "mosaic_collect",
                 "mosaic_heap_destroy"):
        getattr(lib, name).argtypes = [vp]
    lib.mosaic_alloc_pair.argtypes = [u64, u64, ctypes.POINTER(u64)]
    lib.mosaic_root_cell_new.argtypes = [vp, u64, ctypes.POINTER(vp)]
    lib.mosaic_root_cell_load.argtypes = [vp, ctypes.POINTER(u64)]
    lib.mosaic_root_cell_store.argtypes = [vp, u64]
    lib.mosaic_root_cell_free.argtypes = [vp, vp]
    lib.mosaic_heap_stats_json.argtypes = [vp, ctypes.c_char_p, ctypes.c_size_t,
                                           ctypes.POINTER(ctypes.c_size_t)]

    def check(status, what):
        if status != MOSAIC_OK:
            raise RuntimeError("%s: %s: %s" % (what, lib.mosaic_status_name(status).decode(),
                                                lib.mosaic_last_error().decode()))

    assert lib.mosaic_version().decode() == "0.1.0"
    heap = vp()
    status = lib.mosaic_heap_create(b"no-such-option=1", ctypes.byref(heap))
    assert status == MOSAIC_ERR_INVALID_ARGUMENT, status
    assert b"no-such-option" in lib.mosaic_last_error()
    check(lib.mosaic_heap_create(b"gc-min=64K", ctypes.byref(heap)), "create")

    out = u64()
    assert lib.mosaic_alloc_pair(fixnum(1), MOSAIC_NIL, ctypes.byref(out)) == \
        MOSAIC_ERR_NOT_REGISTERED
    check(lib.mosaic_thread_register(heap), "register")

    # Build the list (0 1 ... 999) in a root cell, collecting now and then.
    cell = vp()
    check(lib.mosaic_root_cell_new(heap, MOSAIC_NIL, ctypes.byref(cell)), "cell")
    for i in reversed(range(1000)):
        head = u64()
        check(lib.mosaic_root_cell_load(cell, ctypes.byref(head)), "load")
        check(lib.mosaic_alloc_pair(fixnum(i), head.value, ctypes.byref(out)), "alloc")
        check(lib.mosaic_root_cell_store(cell, out.value), "store")
        if i % 250 == 0:
            check(lib.mosaic_collect(heap), "collect")

    # Walk it through raw memory: a pair reference minus 2 is the address of (car, cdr).
    head = u64()
    check(lib.mosaic_root_cell_load(cell, ctypes.byref(head)), "load")
    total, count, v = 0, 0, head.value
    while v != MOSAIC_NIL:
        car, cdr = (ctypes.c_uint64 * 2).from_address(v - 2)
        total += fixnum_value(car)
        count += 1
        v = cdr
    assert count == 1000 and total == 999 * 1000 // 2, (count, total)

    size = ctypes.c_size_t()
    buf = ctypes.create_string_buffer(4096)
    check(lib.mosaic_heap_stats_json(heap, buf, len(buf), ctypes.byref(size)), "stats")
    assert b'"collections": ' in buf.value

    check(lib.mosaic_root_cell_free(heap, cell), "free")
    assert lib.mosaic_root_cell_free(heap, cell) == MOSAIC_ERR_NOT_FOUND
    check(lib.mosaic_thread_unregister(heap), "unregister")
    check(lib.mosaic_heap_destroy(heap), "destroy")
    assert lib.mosaic_collect(heap) == MOSAIC_ERR_INVALID_ARGUMENT  # destroyed
    print("ffi_ctypes_test: ok (sum %d over %d pairs)" % (total, count))


if __name__ == "__main__":
    main(sys.argv[1])
