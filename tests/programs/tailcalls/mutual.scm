; stress: stress=10000,verify=0
; 10^7 mutually recursive tail calls between global procedures, and between letrec-bound ones.
(define (my-even? n) (if (= n 0) #t (my-odd? (- n 1))))
(define (my-odd? n) (if (= n 0) #f (my-even? (- n 1))))
(write (list (my-even? 10000000) (my-odd? 10000000))) (newline)
(write (letrec ((ping (lambda (n) (if (= n 0) 'ping (pong (- n 1)))))
                (pong (lambda (n) (if (= n 0) 'pong (ping (- n 1))))))
         (list (ping 10000000) (ping 9999999)))) (newline)
; A tail call through apply.
(define (via-apply n) (if (= n 0) 'apply-done (apply via-apply (list (- n 1)))))
(write (via-apply 1000000)) (newline)
