; stress: stress=50,verify=1
; raise, raise-continuable, with-exception-handler, guard (with => and reraise), error objects.
(define (safe thunk) (guard (e (#t (list 'caught e))) (thunk)))
(display (guard (e ((symbol? e) (list 'symbol e)) ((string? e) (list 'string e))) (raise 'boom)))
(newline)
(display (guard (e ((symbol? e) (list 'symbol e)) ((string? e) (list 'string e))) (raise "bang")))
(newline)
(display (guard (e ((assq 'a e) => cdr) ((assq 'b e))) (raise (list (cons 'a 42))))) (newline)
(display (guard (e ((assq 'a e) => cdr) ((assq 'b e))) (raise (list (cons 'b 23))))) (newline)
(display (guard (e (else 'else-clause)) (raise 1))) (newline)
(display (guard (e (#f 'never)) 'no-exception)) (newline)
; The body may have internal definitions; the value of the body is the guard's.
(display (guard (e (#t 'caught)) (define x 4) (define y 5) (* x y))) (newline)

; error objects
(define (describe e)
  (if (error-object? e)
      (list 'error (error-object-message e) (error-object-irritants e))
      (list 'other e)))
(display (guard (e (#t (describe e))) (error "Something bad:" 42 "str" 'sym '(1 2)))) (newline)
(display (guard (e (#t (error-object-message e))) (error "no irritants"))) (newline)
(display (guard (e (#t (describe e))) (raise 'not-an-error))) (newline)
(display (guard (e ((error-object? e) (list (read-error? e) (file-error? e)))) (error "plain"))) (newline)

; Errors signalled by built-ins are error objects too.
(display (guard (e ((error-object? e) 'car-error)) (car 1))) (newline)
(display (guard (e ((error-object? e) 'vector-error)) (vector-ref (vector 1 2) 99))) (newline)
(display (guard (e ((error-object? e) (list 'read-error (read-error? e))))
           (read (open-input-string "(1 2"))))
(newline)
(display (guard (e ((string? e) 'wrong) ((error-object? e) 'unbound))
           (undefined-procedure-here 1)))
(newline)

; No clause matches: the object is raised again, to the next guard out.
(display (guard (outer (#t (list 'outer outer)))
           (guard (inner ((number? inner) (list 'inner inner)))
             (raise 'not-a-number))))
(newline)
(display (guard (outer ((error-object? outer) (list 'outer (error-object-message outer))))
           (guard (inner ((string? inner) 'string))
             (error "passed through"))))
(newline)
(display (guard (outer ((error-object? outer) 'outer-builtin))
           (guard (inner ((string? inner) 'string))
             (vector-ref (vector) 0))))
(newline)

; Nested guards: the innermost that matches.
(display (guard (a ((eq? a 'one) 'outer-one))
           (guard (b ((eq? b 'two) 'inner-two))
             (list (guard (c ((eq? c 'three) 'innermost-three)) (raise 'three))
                   (guard (c ((eq? c 'three) 'innermost-three)) (raise 'two))))))
(newline)

; with-exception-handler and raise-continuable: the handler's value is raise-continuable's.
(display (with-exception-handler
           (lambda (c) (* c 10))
           (lambda () (+ (raise-continuable 4) (raise-continuable 5)))))
(newline)
; The handler runs with the outer handler installed.
(display (with-exception-handler
           (lambda (c) (list 'outer c))
           (lambda ()
             (with-exception-handler
               (lambda (c) (raise-continuable (list 'inner c)))
               (lambda () (raise-continuable 'x))))))
(newline)
; A handler that escapes through a guard around the with-exception-handler.
(display (guard (e (#t (list 'guarded e)))
           (with-exception-handler
             (lambda (c) (raise (list 'handled c)))
             (lambda () (raise 'original)))))
(newline)
; A handler returning from a non-continuable raise is a secondary error, raised in the
; handler's dynamic environment.
(display (guard (e (#t (error-object? e)))
           (with-exception-handler (lambda (c) 'returned) (lambda () (raise 'nc)))))
(newline)
; Handlers see errors from built-ins and from error.
(display (guard (e (#t (list 'guard-got (car e))))
           (with-exception-handler
             (lambda (c) (raise (list (error-object? c))))
             (lambda () (car '())))))
(newline)
(display (guard (e (#t (list 'guard-got e)))
           (with-exception-handler
             (lambda (c) (raise (error-object-message c)))
             (lambda () (error "from error" 1)))))
(newline)
; An error inside a handler goes to the outer handlers.
(display (guard (e ((error-object? e) 'error-in-handler))
           (with-exception-handler
             (lambda (c) (vector-ref c 0))
             (lambda () (raise 'not-a-vector)))))
(newline)
; An error in a guard clause goes to the guard's outer handlers.
(display (guard (outer (#t (list 'outer (error-object? outer))))
           (guard (inner ((car inner) 'never))
             (raise 'symbol-not-pair))))
(newline)
; The guard's handlers are gone after it returns.
(define (after-guard)
  (guard (e (#t 'first)) (raise 1))
  (guard (e (#t 'second)) (raise 2)))
(display (after-guard)) (newline)
(display (with-exception-handler
           (lambda (c) 'outer-continued)
           (lambda () (guard (e ((number? e) 'num)) (raise 1)) (raise-continuable 'x))))
(newline)

; Raise from deep recursion (non-tail), caught at the top.
(define (dive n) (if (= n 0) (raise (list 'bottom n)) (+ 1 (dive (- n 1)))))
(display (guard (e ((pair? e) e)) (dive 100000))) (newline)
(define (dive-error n) (if (= n 0) (car n) (+ 1 (dive-error (- n 1)))))
(display (guard (e ((error-object? e) 'deep-car)) (dive-error 100000))) (newline)
; Guards inside a loop: each entry and exit keeps the handler stack balanced.
(define (loop i acc)
  (if (= i 10000)
      acc
      (loop (+ i 1) (+ acc (guard (e ((number? e) e)) (if (odd? i) (raise 1) 0))))))
(display (loop 0 0)) (newline)
