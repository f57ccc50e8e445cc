;; Root-finding cost by stack depth (toylang only: it calls the toylang extension (collect)).
;; Recurses bench-size frames deep, each frame keeping one pair live across its recursive call,
;; and collects 20 times at the bottom, so that almost every collection of the run walks a stack
;; bench-size frames deep. bench/macro.py reads total_root_ns / collections and the scan
;; counters from --gc-stats=json. Prints the sum 1 + 2 + ... + bench-size, which the harness
;; checks against n(n+1)/2.
(define (collect-times k) (if (> k 0) (begin (collect) (collect-times (- k 1)))))
(define (down n)
  (if (= n 0)
      (begin (collect-times 20) 0)
      (let ((p (cons n '())))
        (+ (down (- n 1)) (car p)))))
(display (down bench-size))
(newline)
