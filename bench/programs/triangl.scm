;; triangl: counts every way to finish the 15-hole triangle peg solitaire from four-jump
;; openings, one per round, in the manner of Gabriel's triangl (written from its description):
;; small vectors, do loops and recursion, no allocation during the search. The board is a
;; vector of 15 flags, the 36 legal jumps (from, over, to) are computed from the triangle's
;; geometry into three vectors, and a depth-first search counts every sequence of jumps that
;; leaves one peg. The openings are the 881 sequences of four jumps from a board whose empty
;; hole is 0, 1, 3 or 4 (the other holes are mirror images); round i searches every finish of
;; the i-th opening (cycling through them); bench-size rounds.
;; Checksum: the number of solutions plus the number of positions visited, over all rounds.
(define (index row col) (+ (quotient (* row (+ row 1)) 2) col))
(define (on-board? row col) (and (>= row 0) (<= row 4) (>= col 0) (<= col row)))
(define (all-jumps)
  (let loop ((row 0) (col 0) (dirs '((0 . 1) (0 . -1) (1 . 0) (-1 . 0) (1 . 1) (-1 . -1)))
             (acc '()))
    (cond ((> row 4) (reverse acc))
          ((> col row) (loop (+ row 1) 0 dirs acc))
          ((null? dirs)
           (loop row (+ col 1) '((0 . 1) (0 . -1) (1 . 0) (-1 . 0) (1 . 1) (-1 . -1)) acc))
          (else
           (let ((dr (car (car dirs))) (dc (cdr (car dirs))))
             (loop row col (cdr dirs)
                   (if (on-board? (+ row dr dr) (+ col dc dc))
                       (cons (list (index row col) (index (+ row dr) (+ col dc))
                                   (index (+ row dr dr) (+ col dc dc)))
                             acc)
                       acc)))))))
(define jumps (all-jumps))
(define jump-count (length jumps))
(define from (list->vector (map car jumps)))
(define over (list->vector (map cadr jumps)))
(define to (list->vector (map caddr jumps)))
(define board (make-vector 15 1))
(define visited 0)
;; The number of ways to finish from the current board with `pegs` pegs on it.
(define (search pegs)
  (set! visited (+ visited 1))
  (if (= pegs 1)
      1
      (do ((m 0 (+ m 1))
           (found 0 (let ((f (vector-ref from m)) (o (vector-ref over m)) (t (vector-ref to m)))
                      (if (and (= (vector-ref board f) 1) (= (vector-ref board o) 1)
                               (= (vector-ref board t) 0))
                          (begin
                            (vector-set! board f 0)
                            (vector-set! board o 0)
                            (vector-set! board t 1)
                            (let ((n (search (- pegs 1))))
                              (vector-set! board f 1)
                              (vector-set! board o 1)
                              (vector-set! board t 0)
                              (+ found n)))
                          found))))
          ((= m jump-count) found))))
;; Applies jump m to the board, or undoes it.
(define (jump! m)
  (vector-set! board (vector-ref from m) 0)
  (vector-set! board (vector-ref over m) 0)
  (vector-set! board (vector-ref to m) 1))
(define (unjump! m)
  (vector-set! board (vector-ref from m) 1)
  (vector-set! board (vector-ref over m) 1)
  (vector-set! board (vector-ref to m) 0))
(define (legal? m)
  (and (= (vector-ref board (vector-ref from m)) 1) (= (vector-ref board (vector-ref over m)) 1)
       (= (vector-ref board (vector-ref to m)) 0)))
(define (start! hole)
  (vector-fill! board 1)
  (vector-set! board hole 0))
;; Every (hole jump1 jump2 jump3 jump4), in order.
(define openings
  (let holes ((hs '(0 1 3 4)) (acc '()))
    (if (null? hs)
        (list->vector (reverse acc))
        (begin
          (start! (car hs))
          (holes (cdr hs)
                 (let extend ((depth 0) (path (list (car hs))) (acc acc))
                   (if (= depth 4)
                       (cons (reverse path) acc)
                       (let try ((m 0) (acc acc))
                         (if (= m jump-count)
                             acc
                             (try (+ m 1)
                                  (if (legal? m)
                                      (begin
                                        (jump! m)
                                        (let ((acc (extend (+ depth 1) (cons m path) acc)))
                                          (unjump! m)
                                          acc))
                                      acc)))))))))))
(define (solve opening)
  (start! (car opening))
  (for-each jump! (cdr opening))
  (search 10))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (solve (vector-ref openings (remainder i (vector-length openings))))))))
(define solutions (run bench-size 0))
(display (+ solutions visited))
(newline)
