;; cpstak: tak in continuation-passing style; every call allocates a closure for its
;; continuation, so this measures closure creation and calls through closures.
;; (cpstak 18 12 6) bench-size times. Checksum: the sum of the results.
(define (cpstak x y z)
  (define (tak x y z k)
    (if (not (< y x))
        (k z)
        (tak (- x 1) y z
             (lambda (v1)
               (tak (- y 1) z x
                    (lambda (v2)
                      (tak (- z 1) x y
                           (lambda (v3) (tak v1 v2 v3 k)))))))))
  (tak x y z (lambda (a) a)))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (cpstak 18 12 (+ 6 (remainder i 2)))))))
(display (run bench-size 0))
(newline)
