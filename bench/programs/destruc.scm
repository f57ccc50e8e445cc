;; destruc: destructive list surgery. Eight lists are kept in a ring; every round each list
;; hands the second half of its cells to its neighbour (set-cdr! splicing) after overwriting the
;; cars of the half it keeps (set-car!), so the round is all traversal and mutation, no
;; allocation. bench-size rounds over lists of 200 cells each.
;; Checksum: a position-weighted hash of every list's contents at the end.
(define (make-cells n first)
  (let loop ((i n) (l '())) (if (= i 0) l (loop (- i 1) (cons (+ first i) l)))))
(define (last-cell l) (if (null? (cdr l)) l (last-cell (cdr l))))
;; Keeps the first ceiling(len/2) cells of l (non-empty), writing `mark` into their cars, and
;; returns the detached rest (possibly '()).
(define (split-half! l mark)
  (let loop ((cell l) (k (quotient (- (length l) 1) 2)))
    (set-car! cell (+ (car cell) mark))
    (if (= k 0)
        (let ((rest (cdr cell))) (set-cdr! cell '()) rest)
        (loop (cdr cell) (- k 1)))))
(define (round! v mark)
  (let ((n (vector-length v)))
    (do ((i 0 (+ i 1))) ((= i n))
      (let* ((to (vector-ref v i))
             (from (vector-ref v (modulo (+ i 1) n)))
             (moved (split-half! from mark)))
        (set-cdr! (last-cell to) moved)))))
(define (hash-list l h)
  (let loop ((l l) (pos 1) (h h))
    (if (null? l)
        h
        (loop (cdr l) (+ pos 1) (modulo (+ (* h 31) (* pos (car l))) 1000000007)))))
(define lists (make-vector 8 '()))
(do ((i 0 (+ i 1))) ((= i 8)) (vector-set! lists i (make-cells 200 (* i 1000))))
(do ((r 1 (+ r 1))) ((> r bench-size)) (round! lists (modulo r 7)))
(display (let loop ((i 0) (h 0)) (if (= i 8) h (loop (+ i 1) (hash-list (vector-ref lists i) h)))))
(newline)
