; stress: stress=5000,verify=1
; make-parameter (with a converter), parameterize, and restoring on every exit.
(define radix (make-parameter 10))
(define (show n) (number->string n (radix)))
(display (show 255)) (newline)
(display (parameterize ((radix 16)) (show 255))) (newline)
(display (parameterize ((radix 2)) (parameterize ((radix 8)) (show 255)))) (newline)
(display (show 255)) (newline)
(display (procedure? radix)) (newline)

; The converter is applied to the initial value and to each parameterize value, not on exit.
(define calls '())
(define width
  (make-parameter 5 (lambda (x) (set! calls (cons x calls)) (if (integer? x) (* x 2) 0))))
(display (width)) (newline)
(display (parameterize ((width 7)) (width))) (newline)
(display (width)) (newline)
(display (reverse calls)) (newline)

; Several at once: the values are all computed before any binding is made.
(define a (make-parameter 'a))
(define b (make-parameter 'b))
(display (parameterize ((a (b)) (b (a))) (list (a) (b)))) (newline)

; Restored after an error leaves the body.
(define (fail) (parameterize ((radix 2)) (error "inside" (radix))))
(display (guard (e ((error-object? e) (list (error-object-message e) (error-object-irritants e) (radix))))
  (fail)))
(newline)
(display (radix)) (newline)
(display (guard (e (#t (list e (radix)))) (parameterize ((radix 3)) (raise (radix))))) (newline)

; A closure sees the binding in effect when it is called, not when it was made.
(define get-radix (parameterize ((radix 7)) (lambda () (radix))))
(display (get-radix)) (newline)
(display (parameterize ((radix 9)) (get-radix))) (newline)

; Deep nesting and many bindings across collections.
(define depth (make-parameter 0))
(define (nest n) (if (= n 0) (depth) (parameterize ((depth (+ (depth) 1))) (nest (- n 1)))))
(display (nest 1000)) (newline)
(define p-list (let build ((i 0) (acc '())) (if (= i 300) acc (build (+ i 1) (cons (make-parameter (list i)) acc)))))
(define (bind-all ps k) (if (null? ps) (k) (parameterize (((car ps) (list (make-vector 2 0)))) (bind-all (cdr ps) k))))
(display (bind-all p-list (lambda () (length (map (lambda (p) (p)) p-list))))) (newline)
(display (apply + (map (lambda (p) (car (p))) p-list))) (newline)
