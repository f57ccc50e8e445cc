; exit: 1
; An internal define called while its letrec initialises, before its own definition: the
; error stays (such a procedure is not lifted, frontend/analysis/lift.h).
(define (f)
  (define a (g))
  (define (g) 1)
  a)
(display "before") (newline)
(f)
