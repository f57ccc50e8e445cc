; exit: 1
; A syntax-rules rule that is not (pattern template).
(define-syntax m
  (syntax-rules ()
    ((_ a) a)
    ((_ a b) a b)))
