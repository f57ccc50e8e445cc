;; paraffins: builds every paraffin (alkane isomer, CnH2n+2) with up to 16, 17 or 18 carbons as
;; trees of lists, in the manner of the classic paraffins benchmark (written from its
;; description): the allocation of many small lists, and vectors indexed by size. Radicals of
;; each size are built from triples of smaller radicals taken in canonical order; a paraffin is
;; either two radicals of size n/2 joined by a bond or a carbon with four radicals each smaller
;; than n/2. bench-size rounds, the largest size N cycling through 16, 17 and 18.
;; Checksum: the number of paraffins built for every n from 1 to N, summed over the rounds
;; (1, 1, 1, 2, 3, 5, 9, 18, 35, 75, ... isomers: OEIS A000602).
(define (make-radicals limit)
  (let ((rads (make-vector (+ limit 1) #f)))
    (vector-set! rads 0 (vector 'h))
    (do ((n 1 (+ n 1))) ((> n limit) rads)
      (let ((acc '()))
        ;; sizes a <= b <= c with a + b + c = n - 1; within equal sizes, indices i <= j <= k
        (do ((a 0 (+ a 1))) ((> (* 3 a) (- n 1)))
          (do ((b a (+ b 1))) ((> (+ a b b) (- n 1)))
            (let* ((c (- n 1 a b))
                   (ra (vector-ref rads a)) (rb (vector-ref rads b)) (rc (vector-ref rads c)))
              (do ((i 0 (+ i 1))) ((= i (vector-length ra)))
                (do ((j (if (= a b) i 0) (+ j 1))) ((= j (vector-length rb)))
                  (do ((k (if (= b c) j 0) (+ k 1))) ((= k (vector-length rc)))
                    (set! acc (cons (list 'c (vector-ref ra i) (vector-ref rb j)
                                          (vector-ref rc k))
                                    acc))))))))
        (vector-set! rads n (list->vector (reverse acc)))))))
;; Bond-centred paraffins of size n (n even): unordered pairs of radicals of size n/2.
(define (bcp rads n)
  (if (odd? n)
      '()
      (let ((r (vector-ref rads (quotient n 2))) (acc '()))
        (do ((i 0 (+ i 1))) ((= i (vector-length r)) acc)
          (do ((j i (+ j 1))) ((= j (vector-length r)))
            (set! acc (cons (list 'bond (vector-ref r i) (vector-ref r j)) acc)))))))
;; Carbon-centred paraffins of size n: four radicals, sizes a <= b <= c <= d < n/2, summing
;; to n - 1, taken as a multiset.
(define (ccp rads n)
  (let ((acc '()))
    (do ((a 0 (+ a 1))) ((> (* 4 a) (- n 1)) acc)
      (do ((b a (+ b 1))) ((> (+ a (* 3 b)) (- n 1)))
        (do ((c b (+ c 1))) ((> (+ a b (* 2 c)) (- n 1)))
          (let ((d (- n 1 a b c)))
            (when (< (* 2 d) n)
              (let ((ra (vector-ref rads a)) (rb (vector-ref rads b))
                    (rc (vector-ref rads c)) (rd (vector-ref rads d)))
                (do ((i 0 (+ i 1))) ((= i (vector-length ra)))
                  (do ((j (if (= a b) i 0) (+ j 1))) ((= j (vector-length rb)))
                    (do ((k (if (= b c) j 0) (+ k 1))) ((= k (vector-length rc)))
                      (do ((l (if (= c d) k 0) (+ l 1))) ((= l (vector-length rd)))
                        (set! acc (cons (list 'c (vector-ref ra i) (vector-ref rb j)
                                              (vector-ref rc k) (vector-ref rd l))
                                        acc))))))))))))))
(define (paraffins-up-to limit)
  (let ((rads (make-radicals (quotient limit 2))))
    (let loop ((n 1) (acc 0))
      (if (> n limit)
          acc
          (loop (+ n 1) (+ acc (length (bcp rads n)) (length (ccp rads n))))))))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (paraffins-up-to (+ 16 (remainder i 3)))))))
(display (run bench-size 0))
(newline)
