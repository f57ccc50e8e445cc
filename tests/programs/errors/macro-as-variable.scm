; exit: 1
; A macro keyword is not a value.
(define-syntax twice
  (syntax-rules ()
    ((_ e) (begin e e))))
(twice (display "ok "))
(newline)
(map twice '(1 2))
