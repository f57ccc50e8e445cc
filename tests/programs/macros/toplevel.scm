; Top-level macros as in R7RS 5.3 and 5.4: later forms see them, they can be redefined, and a
; definition of a variable with a macro's name (or the other way) replaces it.
(define-syntax m (syntax-rules () ((_) 'first)))
(write (m)) (newline)
(define (calls-m) (m))
(define-syntax m (syntax-rules () ((_) 'second)))
(write (list (m) (calls-m))) (newline)
(define m (lambda () 'procedure))
(write (m)) (newline)
(define v 10)
(define-syntax v (syntax-rules () ((_ x) (* x 2))))
(write (v 21)) (newline)
; A macro defined in one top-level begin is usable in the rest of it.
(begin
  (define-syntax twice (syntax-rules () ((_ e) (begin e e))))
  (twice (display "hi "))
  (newline))
; A macro may expand into define-syntax at top level.
(define-syntax define-constant-macro
  (syntax-rules ()
    ((_ name value) (define-syntax name (syntax-rules () ((_) value))))))
(define-constant-macro five 5)
(write (five)) (newline)
