;; mergesort: sorts a list of 20,000 pseudo-random fixnums (a linear congruential generator)
;; with a top-down list merge sort, bench-size times with different seeds; allocation of
;; short-lived pairs, comparisons and deep recursion in merge.
;; Checksum: for every sorted list, a position-weighted hash of its first and last 100 elements,
;; plus 1 for every list that is in order.
(define (random-list n seed)
  (let loop ((i n) (x seed) (l '()))
    (if (= i 0)
        l
        (let ((next (modulo (+ (* x 1103515245) 12345) 2147483648)))
          (loop (- i 1) next (cons (quotient next 65536) l))))))
(define (merge a b)
  (cond ((null? a) b)
        ((null? b) a)
        ((< (car b) (car a)) (cons (car b) (merge a (cdr b))))
        (else (cons (car a) (merge (cdr a) b)))))
(define (split l k) ; the first k elements, copied
  (if (= k 0) '() (cons (car l) (split (cdr l) (- k 1)))))
(define (sort l n)
  (if (< n 2)
      l
      (let ((half (quotient n 2)))
        (merge (sort (split l half) half) (sort (list-tail l half) (- n half))))))
(define (sorted? l) (or (null? l) (null? (cdr l)) (and (<= (car l) (cadr l)) (sorted? (cdr l)))))
(define (hash-prefix l k h)
  (let loop ((l l) (pos 1) (h h))
    (if (or (null? l) (> pos k))
        h
        (loop (cdr l) (+ pos 1) (modulo (+ (* h 31) (* pos (car l))) 1000000007)))))
(define n 20000)
(define (run i acc)
  (if (= i 0)
      acc
      (let ((s (sort (random-list n i) n)))
        (run (- i 1)
             (+ (hash-prefix s 100 (hash-prefix (reverse s) 100 acc)) (if (sorted? s) 1 0))))))
(display (run bench-size 0))
(newline)
