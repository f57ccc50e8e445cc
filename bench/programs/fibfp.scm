;; fibfp: doubly recursive Fibonacci on flonums, (fibfp bench-size.0): like fib, but every
;; argument, comparison and sum is an inexact number, so this measures flonum arithmetic (and
;; boxing, where an implementation boxes flonums) in a call-heavy program.
;; Checksum: the result, converted to an exact integer.
(define (fibfp n)
  (if (< n 2.0)
      n
      (+ (fibfp (- n 1.0)) (fibfp (- n 2.0)))))
(display (inexact->exact (fibfp (exact->inexact bench-size))))
(newline)
