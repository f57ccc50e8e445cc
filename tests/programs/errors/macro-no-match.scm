; exit: 1
; A macro use that no rule matches: an error at the use, after the forms before it ran.
(define-syntax swap!
  (syntax-rules ()
    ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))
(define x 1)
(display "before")
(newline)
(swap! x)
(display "not reached")
