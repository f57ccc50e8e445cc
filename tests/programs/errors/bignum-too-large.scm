; exit: 1
; An exact result too large to hold is an error (not a crash in the allocator); bignums below
; the limit are fine.
(display (expt 2 100)) (newline)
(display (expt 3 (expt 2 40))) (newline)
