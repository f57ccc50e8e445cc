; exit: 1
; (error message irritant ...): the message, then each irritant written, space-separated.
(define (check-positive n)
  (if (< n 0) (error "not positive:" n "in" '(check-positive) #\x) n))
(display (check-positive 5)) (newline)
(check-positive -3)
