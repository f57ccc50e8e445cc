;; nqueens-internal: every solution of the n-queens problem for n = 9, found row by row with
;; internal defines and named let loops inside the solving procedure (procedures that never
;; escape, the case closure optimisation is for), each solution kept as a fresh list of columns;
;; bench-size times. Checksum: the number of solutions found plus the sum of the first column of
;; every solution.
(define (queens n)
  (define (safe? col placed)
    (let loop ((placed placed) (dist 1))
      (or (null? placed)
          (and (not (= (car placed) col))
               (not (= (car placed) (+ col dist)))
               (not (= (car placed) (- col dist)))
               (loop (cdr placed) (+ dist 1))))))
  (define (place row placed solutions)
    (if (= row n)
        (cons (reverse placed) solutions)
        (let try ((col 0) (solutions solutions))
          (if (= col n)
              solutions
              (try (+ col 1)
                   (if (safe? col placed)
                       (place (+ row 1) (cons col placed) solutions)
                       solutions))))))
  (place 0 '() '()))
(define (score solutions)
  (let loop ((s solutions) (acc 0))
    (if (null? s) acc (loop (cdr s) (+ acc 1 (car (car s)))))))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (score (queens 9))))))
(display (run bench-size 0))
(newline)
