; exit: 1
; Two pattern variables iterated by one ellipsis matched sequences of different lengths: an
; error at the use.
(define-syntax zip
  (syntax-rules ()
    ((_ (a ...) (b ...)) '((a b) ...))))
(write (zip (1 2) (x y)))
(newline)
(write (zip (1 2 3) (x y)))
