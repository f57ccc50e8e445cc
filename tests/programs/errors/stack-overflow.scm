; exit: 1
; flags: --stack-size=64M
; Infinite non-tail recursion ends with the error "stack overflow", not a crash. A 64 MiB stack
; keeps the test quick and light; the default 4 GiB one behaves the same, only later.
(define (runaway n) (+ 1 (runaway (+ n 1))))
(display "start") (newline)
(runaway 0)
