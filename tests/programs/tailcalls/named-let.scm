; stress: stress=10000,verify=0
; 10^7 iterations of named let, and a named let inside a procedure that calls it in tail position.
(write (let loop ((i 0) (sum 0)) (if (= i 10000000) sum (loop (+ i 1) (+ sum i))))) (newline)
(define (outer n) (let inner ((k n)) (cond ((= k 0) 'inner-done) (else (inner (- k 1))))))
(write (outer 10000000)) (newline)
