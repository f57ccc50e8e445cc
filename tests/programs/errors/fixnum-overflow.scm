; exit: 1
; Fixnums are 63-bit and there are no bignums: overflow is an error, never a wrong answer.
(define big 4611686018427387903)
(display (- big 1)) (newline)
(display (* big 2)) (newline)
