;; tak: the Takeuchi function; deep non-tail calls with three arguments.
;; Runs unchanged under toylang, Guile 3 and Chez Scheme 9.5.
(define (tak x y z)
  (if (not (< y x))
      z
      (tak (tak (- x 1) y z) (tak (- y 1) z x) (tak (- z 1) x y))))
(define (repeat n acc) (if (= n 0) acc (repeat (- n 1) (+ acc (tak 18 12 6)))))
(display (repeat 300 0))
(newline)
