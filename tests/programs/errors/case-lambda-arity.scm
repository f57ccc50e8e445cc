; exit: 1
; A case-lambda none of whose clauses accepts the number of arguments.
(define area (case-lambda ((r) (* r r)) ((w h) (* w h))))
(display (area 2 3)) (newline)
(display (area 1 2 3)) (newline)
