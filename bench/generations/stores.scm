;; stores: the write barrier's program. Old data, stored into over and over.
;;
;; 2^18 pairs and a vector of 2^18 slots are built, then made old (one major collection;
;; in a non-generational heap that is just a collection). Then `bench-size` rounds each
;;   - store a fresh pair into every slot of the old vector (young into old: the barrier's
;;     card marks are what a minor collection must find),
;;   - re-link every old pair's cdr to another old pair (old into old: the barrier marks a
;;     card that holds nothing young),
;;   - store a fixnum into every old pair's car (no reference at all),
;; and walk the list once to check it. Prints the sum of what the walks and the vector saw.
;; The same source runs in Guile and Chez Scheme (which compute the expected checksum).
(define size 262144)          ; 2^18
(define stride 40503)         ; odd, so i -> i + stride (mod 2^18) is one cycle
(define cells (make-vector size #f))
(define slots (make-vector size 0))
(do ((i 0 (+ i 1))) ((= i size))
  (vector-set! cells i (cons i '())))
(collect 'major)

(define (relink! round)
  (do ((i 0 (+ i 1))) ((= i size))
    (let ((cell (vector-ref cells i)))
      (set-cdr! cell (vector-ref cells (modulo (+ i (* stride (+ round 1))) size)))
      (set-car! cell (modulo (+ i round) 1000)))))

(define (fill! round)
  (do ((i 0 (+ i 1))) ((= i size))
    (vector-set! slots i (cons round i))))

;; Follows cdrs `size` times from cell 0, summing cars.
(define (walk)
  (let loop ((cell (vector-ref cells 0)) (k 0) (sum 0))
    (if (= k size)
        sum
        (loop (cdr cell) (+ k 1) (+ sum (car cell))))))

(define (run rounds)
  (let loop ((round 0) (total 0))
    (if (= round rounds)
        total
        (begin
          (fill! round)
          (relink! round)
          (loop (+ round 1)
                (+ total (walk) (car (vector-ref slots (modulo round size)))))))))

(display (run bench-size))
(newline)
