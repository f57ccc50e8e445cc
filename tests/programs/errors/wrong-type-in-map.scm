; exit: 1
; An error inside a procedure called back by a built-in (map): the position is the failing call
; inside the procedure, not the call of map.
(define (inc x) (+ x 1))
(display (map inc '(1 2))) (newline)
(display (map inc '(1 two 3))) (newline)
