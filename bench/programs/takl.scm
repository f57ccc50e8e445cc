;; takl: Gabriel's takl, written from its description: the Takeuchi function where every number
;; is a list of that length, so the comparison y < x becomes a walk down two lists ("is y
;; shorter than x?") and subtracting 1 is cdr. (mas (list 18) (list 12) (list 6 or 7)) bench-size
;; times; three-argument non-tail calls and list walks, no allocation once the lists exist.
;; Checksum: the sum of the lengths of the results.
(define (listn n) (if (= n 0) '() (cons n (listn (- n 1)))))
(define (shorter? x y)
  (and (not (null? y))
       (or (null? x) (shorter? (cdr x) (cdr y)))))
(define (mas x y z)
  (if (not (shorter? y x))
      z
      (mas (mas (cdr x) y z) (mas (cdr y) z x) (mas (cdr z) x y))))
(define l18 (listn 18))
(define l12 (listn 12))
(define l6 (listn 6))
(define l7 (listn 7))
(define (run i acc)
  (if (= i 0)
      acc
      (run (- i 1) (+ acc (length (mas l18 l12 (if (even? i) l6 l7)))))))
(display (run bench-size 0))
(newline)
