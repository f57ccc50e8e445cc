; stress: stress=10000,verify=0
; 10^7 tail calls from the bodies of let, let*, letrec and letrec*.
(define (via-let n) (let ((m (- n 1))) (if (< m 0) 'let-done (via-let m))))
(write (via-let 10000000)) (newline)
(define (via-let* n) (let* ((a (- n 1)) (b a)) (if (< b 0) 'let*-done (via-let* b))))
(write (via-let* 10000000)) (newline)
(define (via-letrec n) (letrec ((m (- n 1))) (if (< m 0) 'letrec-done (via-letrec m))))
(write (via-letrec 10000000)) (newline)
(define (via-letrec* n) (letrec* ((m (- n 1)) (k m)) (if (< k 0) 'letrec*-done (via-letrec* k))))
(write (via-letrec* 10000000)) (newline)
