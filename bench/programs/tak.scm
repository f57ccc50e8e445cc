;; tak: the Takeuchi function, (tak 18 12 6) run bench-size times with the arguments shifted by
;; the iteration so that no implementation can fold it; deep non-tail calls with three arguments.
;; Checksum: the sum of the results.
(define (tak x y z)
  (if (not (< y x))
      z
      (tak (tak (- x 1) y z) (tak (- y 1) z x) (tak (- z 1) x y))))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (tak 18 12 (+ 6 (remainder i 2)))))))
(display (run bench-size 0))
(newline)
