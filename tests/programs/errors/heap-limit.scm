; exit: 1
; flags: --gc-options=heap-max=16M
; stress: stress=100000,verify=0
; Live data that outgrows heap-max ends with the error "heap limit reached".
(define (grow acc) (grow (cons 0 acc)))
(display "start") (newline)
(grow '())
