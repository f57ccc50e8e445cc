; exit: 1
; A special form with the wrong shape.
(define (h x)
  (if))
