;; live-heap: keeps a large live heap while allocating: a vector of bench-size slots, each
;; holding a 40-pair list (about 40 * bench-size pairs live), and 30 * bench-size rounds that
;; each build a fresh 40-pair list and store it over a pseudo-randomly chosen slot (the old
;; list becomes garbage). Every collection must mark the whole live table, so this shows pause
;; times under a big heap. Checksum: a hash of every list's sum at the end.
(define slots bench-size)
(define table (make-vector slots '()))
(define (make-list-from k n)
  (let loop ((i n) (l '())) (if (= i 0) l (loop (- i 1) (cons (+ k i) l)))))
(define (sum l acc) (if (null? l) acc (sum (cdr l) (+ acc (car l)))))
(do ((i 0 (+ i 1))) ((= i slots)) (vector-set! table i (make-list-from i 40)))
(define (churn rounds x)
  (when (> rounds 0)
    (let ((next (modulo (+ (* x 1103515245) 12345) 2147483648)))
      (vector-set! table (modulo (quotient next 65536) slots) (make-list-from rounds 40))
      (churn (- rounds 1) next))))
(churn (* 30 slots) 42)
(display (let loop ((i 0) (h 0))
           (if (= i slots) h (loop (+ i 1) (modulo (+ (* h 31) (sum (vector-ref table i) 0)) 1000000007)))))
(newline)
