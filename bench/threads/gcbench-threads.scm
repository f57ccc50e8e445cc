;; gcbench-threads: GCBench (bench/programs/gcbench.scm) split over bench-threads worker threads.
;; Nodes are 4-slot vectors (left, right, and two fixnum fields). The main thread builds and
;; drops a stretch tree of depth bench-size + 1, then builds a long-lived tree of depth
;; bench-size and a vector of 100,000 flonums, which stay live (shared by every thread) while
;; the workers run. For every even depth d from 4 to bench-size there are 2^(bench-size - d + 2)
;; iterations, each building a tree of depth d top-down (allocate, then fill the children in)
;; and one bottom-up; worker k of n takes the iterations i with i mod n = k, so the total work
;; is the same for every thread count (at least 4 iterations per depth: 4 threads get the same
;; share of each depth). The main thread starts the workers with thread-start! and waits in
;; thread-join!, whose values are the workers' node counts. The harness defines bench-size and
;; bench-threads; Chez Scheme and Guile get make-thread, thread-start! and thread-join! from the
;; shims beside this file.
;; Checksum: the nodes counted in every tree built, plus values read from the long-lived data
;; (the same for every thread count).
(define (make-node l r) (vector l r 0 0))
(define (left n) (vector-ref n 0))
(define (right n) (vector-ref n 1))
(define (count-nodes n)
  (if (null? n) 0 (+ 1 (count-nodes (left n)) (count-nodes (right n)))))
;; Top-down: the node exists before its children, which are stored into it.
(define (populate! depth node)
  (when (> depth 0)
    (vector-set! node 0 (make-node '() '()))
    (vector-set! node 1 (make-node '() '()))
    (populate! (- depth 1) (left node))
    (populate! (- depth 1) (right node))))
;; Bottom-up: the children exist before their parent.
(define (make-tree depth)
  (if (= depth 0)
      (make-node '() '())
      (make-node (make-tree (- depth 1)) (make-tree (- depth 1)))))
(define (power2 k) (let loop ((k k) (n 1)) (if (= k 0) n (loop (- k 1) (* n 2)))))
;; Worker k's share of the iterations at one depth.
(define (time-construction depth k)
  (let ((iterations (power2 (+ (- bench-size depth) 2))))
    (let loop ((i k) (acc 0))
      (if (>= i iterations)
          acc
          (let ((top (make-node '() '())))
            (populate! depth top)
            (let ((a (count-nodes top)))
              (loop (+ i bench-threads) (+ acc a (count-nodes (make-tree depth))))))))))
(define (worker k)
  (lambda ()
    (let run ((depth 4) (acc 0))
      (if (> depth bench-size) acc (run (+ depth 2) (+ acc (time-construction depth k)))))))
(define stretch (count-nodes (make-tree (+ bench-size 1))))
(define long-lived (make-node '() '()))
(populate! bench-size long-lived)
(define array (make-vector 100000 0.0))
(do ((i 0 (+ i 1))) ((= i 100000)) (vector-set! array i (/ (exact->inexact i) 2)))
(define workers
  (let start ((k 0) (started '()))
    (if (= k bench-threads)
        (reverse started)
        (start (+ k 1) (cons (thread-start! (make-thread (worker k))) started)))))
(define built
  (let join ((ts workers) (acc 0))
    (if (null? ts) acc (join (cdr ts) (+ acc (thread-join! (car ts)))))))
(display (+ stretch built (count-nodes long-lived)
            (inexact->exact (floor (vector-ref array 1000)))
            (inexact->exact (floor (vector-ref array 99999)))))
(newline)
