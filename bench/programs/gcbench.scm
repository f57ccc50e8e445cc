;; gcbench: the Ellis-Kovac-Boehm GCBench, written from its description. Nodes are 4-slot
;; vectors (left, right, and two fixnum fields). A stretch tree of depth bench-size + 1 is built
;; and dropped; then a long-lived tree of depth bench-size and a vector of 100,000 flonums stay
;; live while, for every even depth d from 4 to bench-size, 2^(bench-size - d + 1) trees are built
;; top-down (allocate, then fill the children in) and as many bottom-up.
;; Checksum: the nodes counted in every tree built, plus values read from the long-lived data.
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
(define (time-construction depth)
  (let ((iterations (power2 (+ (- bench-size depth) 1))))
    (let loop ((i 0) (acc 0))
      (if (= i iterations)
          acc
          (let ((top (make-node '() '())))
            (populate! depth top)
            (let ((a (count-nodes top)))
              (loop (+ i 1) (+ acc a (count-nodes (make-tree depth))))))))))
(define stretch (count-nodes (make-tree (+ bench-size 1))))
(define long-lived (make-node '() '()))
(populate! bench-size long-lived)
(define array (make-vector 100000 0.0))
(do ((i 0 (+ i 1))) ((= i 100000)) (vector-set! array i (/ (exact->inexact i) 2)))
(define (run depth acc)
  (if (> depth bench-size) acc (run (+ depth 2) (+ acc (time-construction depth)))))
(define built (run 4 0))
(display (+ stretch built (count-nodes long-lived)
            (inexact->exact (floor (vector-ref array 1000)))
            (inexact->exact (floor (vector-ref array 99999)))))
(newline)
